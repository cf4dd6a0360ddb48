import { ChannelError, type ChannelErrorCode } from '../channel-error.js';

/** The `error` object of a Graph API error response. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

// Graph error codes, from Meta's "WhatsApp Cloud API error codes" reference.
const WINDOW_CLOSED = new Set([131047]); // re-engagement message: more than 24 hours since the customer last wrote
const INVALID_RECIPIENT = new Set([131026, 131030, 131045, 131021]); // undeliverable, not in allowed list, not registered, sender = recipient
const BLOCKED = new Set([131050]); // the customer stopped marketing messages from this business
const AUTH = new Set([190, 0, 3, 10, 200, 131005, 131031]); // token expired/invalid, permission denied, account locked
const RATE_LIMITED = new Set([4, 80007, 130429, 131048, 131056]); // app, WABA, throughput, spam and pair rate limits
const TEMPORARY = new Set([1, 2, 131000, 131016, 133004]); // unknown/temporary service errors, service unavailable

/** Maps a Graph API HTTP status and error code to our closed set; exported for tests and status webhooks. */
export function codeFor(httpStatus: number, graphCode: number | undefined): ChannelErrorCode {
  if (graphCode !== undefined) {
    if (WINDOW_CLOSED.has(graphCode)) return 'WINDOW_CLOSED';
    if (INVALID_RECIPIENT.has(graphCode)) return 'INVALID_RECIPIENT';
    if (BLOCKED.has(graphCode)) return 'BLOCKED_BY_USER';
    if (RATE_LIMITED.has(graphCode)) return 'RATE_LIMITED';
    if (AUTH.has(graphCode)) return 'AUTH';
    if (TEMPORARY.has(graphCode)) return 'TEMPORARY';
  }
  if (httpStatus === 429) return 'RATE_LIMITED';
  if (httpStatus === 401 || httpStatus === 403) return 'AUTH';
  if (httpStatus >= 500) return 'TEMPORARY';
  // Remaining 400s (bad parameters, unknown template) are our bugs or config: sending again cannot help.
  return 'UNKNOWN';
}

/**
 * The wait the platform asked for: `Retry-After` (seconds) when sent, else the longest
 * `estimated_time_to_regain_access` (minutes) in Meta's `X-Business-Use-Case-Usage` header.
 */
export function retryHintMs(headers: Headers): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter.trim()) * 1000;
  const usage = headers.get('x-business-use-case-usage');
  if (usage === null) return undefined;
  try {
    const parsed = JSON.parse(usage) as Record<string, Array<{ estimated_time_to_regain_access?: unknown }>>;
    let minutes = 0;
    for (const entries of Object.values(parsed)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (typeof entry.estimated_time_to_regain_access === 'number') minutes = Math.max(minutes, entry.estimated_time_to_regain_access);
      }
    }
    return minutes > 0 ? minutes * 60_000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Graph API failure as a `ChannelError`. The message carries the HTTP status, Graph code and Meta's message
 * only (never our payload, which holds customer text and phone numbers), so it is safe to log.
 */
export function graphError(httpStatus: number, body: GraphErrorBody | undefined, headers: Headers): ChannelError {
  const code = codeFor(httpStatus, body?.code);
  const hint = code === 'RATE_LIMITED' ? retryHintMs(headers) : undefined;
  const detail = body?.code !== undefined ? `${body.code}${body.error_subcode !== undefined ? `/${body.error_subcode}` : ''} ${body.message ?? ''}` : 'no error body';
  return new ChannelError(code, `WhatsApp Graph API ${httpStatus}: ${detail.trim()}`, hint !== undefined ? { retryAfterMs: hint } : {});
}
