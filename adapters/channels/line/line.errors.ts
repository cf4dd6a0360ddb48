import { ChannelError, type ChannelErrorCode } from '../channel-error.js';
import { LineApiError } from './line.client.js';

/**
 * Translates whatever a LINE call threw into a `ChannelError` with a closed-set code. The message carries the endpoint,
 * the status and LINE's own message only (never the request, which holds customer text), so it is safe to log.
 */
export function toChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof LineApiError) {
    const code = codeFor(err.status, err.apiMessage);
    return new ChannelError(code, err.message, {
      cause: err,
      ...(code === 'RATE_LIMITED' && err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    });
  }
  return new ChannelError('UNKNOWN', err instanceof Error ? err.message : 'LINE call failed', { cause: err });
}

/** Maps a Messaging API status and message to our code; exported for tests. */
export function codeFor(status: number, message: string): ChannelErrorCode {
  const text = message.toLowerCase();
  // No response at all (refused, reset, timed out): the next attempt may well get through.
  if (status === 0 || status >= 500) return 'TEMPORARY';
  if (status === 429) return 'RATE_LIMITED';
  // What LINE answers a push to someone who blocked the bot (or never added it), whichever status it uses.
  if ((status === 400 || status === 403) && text.includes('failed to send messages')) return 'BLOCKED_BY_USER';
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404 || (status === 400 && /property, 'to'|invalid user|not found/.test(text))) return 'INVALID_RECIPIENT';
  // Remaining 4xx (a malformed message, an expired reply token) are for the caller to decide on or are our bugs.
  return 'UNKNOWN';
}

/** True when LINE refused a reply token (expired, already used, or from a redelivered event): push instead. */
export function isInvalidReplyToken(err: unknown): boolean {
  return err instanceof LineApiError && err.status === 400 && /invalid reply token/i.test(err.apiMessage);
}

/** True when LINE already accepted a push with this retry key: the earlier attempt went through. */
export function isAlreadyAccepted(err: unknown): err is LineApiError {
  return err instanceof LineApiError && err.status === 409 && err.acceptedRequestId !== undefined;
}
