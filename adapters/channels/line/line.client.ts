// The Messaging API calls the LINE channel makes, on @line/bot-sdk's `messagingApi.MessagingApiClient` (replyMessage,
// pushMessage with an X-Line-Retry-Key). This file keeps the channel's own small interface in front of the SDK: the
// SDK's errors (HTTPFetchError, or whatever fetch throws) become `LineApiError`, and each call gets a time limit,
// because the SDK's fetch client has none.
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { LineMessage } from './line.render.js';

/** One message LINE accepted; `id` is its message id. */
export interface LineSentMessage {
  id: string;
  quoteToken?: string;
}

/** LINE's answer to a reply or push. */
export interface LineSendResponse {
  sentMessages: LineSentMessage[];
}

/** An error response from the Messaging API (or a transport failure: `status` 0). Never carries the request body. */
export class LineApiError extends Error {
  /** HTTP status; 0 when no response arrived (refused, reset, timed out). */
  readonly status: number;
  /** LINE's `message`, e.g. "Invalid reply token" or "Failed to send messages". */
  readonly apiMessage: string;
  /** How long LINE asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  /** On 409 to a retried push: the id of the request LINE already accepted with this retry key. */
  readonly acceptedRequestId: string | undefined;

  constructor(endpoint: string, status: number, apiMessage: string, extra: { retryAfterMs?: number; acceptedRequestId?: string; cause?: unknown } = {}) {
    super(`LINE ${endpoint} failed: ${status === 0 ? 'no response' : status} ${apiMessage}`.trim(), { cause: extra.cause });
    this.name = 'LineApiError';
    this.status = status;
    this.apiMessage = apiMessage;
    this.retryAfterMs = extra.retryAfterMs;
    this.acceptedRequestId = extra.acceptedRequestId;
  }
}

/** What `createLineApiClient` needs. */
export interface LineApiClientOptions {
  /**
   * API origin without a trailing slash (https://api.line.me, or a fake server in tests). The SDK resolves its
   * absolute paths (`/v2/bot/...`) against it, so only the origin counts: a path here would be ignored.
   */
  baseUrl: string;
  accessToken: string;
  /**
   * Per-call time limit (default 10 s): a customer is waiting, and the inbox retries later anyway. The SDK's fetch
   * takes no abort signal, so when the limit passes the call fails with status 0 (`TimeoutError`) while the request
   * itself is left to finish or fail in the background (undici's own timeouts bound it); its late outcome is ignored.
   */
  timeoutMs?: number;
}

/** The Messaging API calls the channel makes. */
export interface LineApiClient {
  /** Replies with a webhook's single-use reply token (free, 1-5 messages). */
  replyMessage(request: { replyToken: string; messages: LineMessage[] }): Promise<LineSendResponse>;
  /** Pushes 1-5 messages to a user; the same `retryKey` (a UUID) makes a retried push land once. */
  pushMessage(request: { to: string; messages: LineMessage[] }, retryKey?: string): Promise<LineSendResponse>;
}

const REPLY_ENDPOINT = '/v2/bot/message/reply';
const PUSH_ENDPOINT = '/v2/bot/message/push';

/** Builds the client. */
export function createLineApiClient(opts: LineApiClientOptions): LineApiClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const sdk = new messagingApi.MessagingApiClient({ channelAccessToken: opts.accessToken, baseURL: opts.baseUrl });
  const call = async (endpoint: string, send: () => Promise<unknown>): Promise<LineSendResponse> => {
    let body: unknown;
    try {
      body = await withTimeout(send(), timeoutMs);
    } catch (err) {
      // The SDK parses a 2xx body with JSON.parse and nothing else in the call throws a SyntaxError: LINE accepted the
      // messages but its answer was unreadable, which counts as sent (with no message ids), as it always has.
      if (err instanceof SyntaxError) return { sentMessages: [] };
      throw toLineApiError(endpoint, err);
    }
    const sent = isRecord(body) && Array.isArray(body.sentMessages) ? (body.sentMessages as unknown[]) : [];
    return { sentMessages: sent.filter(isSentMessage) };
  };
  return {
    replyMessage: (request) => call(REPLY_ENDPOINT, () => sdk.replyMessage(request)),
    pushMessage: (request, retryKey) => call(PUSH_ENDPOINT, () => sdk.pushMessage(request, retryKey)),
  };
}

/** An SDK failure as a `LineApiError`: HTTP errors keep status, LINE's message and the headers we act on; anything else
 * (refused, reset, timed out, DNS) is status 0 named after the error. */
function toLineApiError(endpoint: string, err: unknown): LineApiError {
  if (err instanceof HTTPFetchError) {
    const json = parseJson(err.body);
    const message = typeof json?.message === 'string' ? json.message : err.statusText;
    const retryAfterMs = parseRetryAfter(err.headers.get('retry-after'));
    const acceptedRequestId = err.headers.get('x-line-accepted-request-id') ?? undefined;
    return new LineApiError(endpoint, err.status, message, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(acceptedRequestId !== undefined ? { acceptedRequestId } : {}),
    });
  }
  const reason = err instanceof Error ? err.name : 'network error';
  return new LineApiError(endpoint, 0, reason, { cause: err });
}

/** Settles like `promise`, or rejects with a `TimeoutError` after `ms` (the promise itself keeps running). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isSentMessage(value: unknown): value is LineSentMessage {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string';
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
