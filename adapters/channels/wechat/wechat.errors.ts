import { ChannelError, type ChannelErrorCode } from '../channel-error.js';

/** Access-token errors: refresh the token once, then give up with AUTH. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

// WeChat answers HTTP 200 with `errcode` for almost every failure; the code alone decides.
const CODES: ReadonlyMap<number, ChannelErrorCode> = new Map<number, ChannelErrorCode>([
  [-1, 'TEMPORARY'], // system busy
  [40001, 'AUTH'], // invalid credential / access_token
  [40014, 'AUTH'], // invalid access_token
  [42001, 'AUTH'], // access_token expired
  [40013, 'AUTH'], // invalid appid
  [40125, 'AUTH'], // invalid appsecret
  [40164, 'AUTH'], // caller IP not on the whitelist
  [41001, 'AUTH'], // access_token missing
  [48001, 'AUTH'], // API not authorised for this account
  [40003, 'INVALID_RECIPIENT'], // invalid openid
  [43004, 'BLOCKED_BY_USER'], // the user does not follow the account (unfollowed)
  [43019, 'BLOCKED_BY_USER'], // the user is on the account's blacklist / blocked it
  [45015, 'WINDOW_CLOSED'], // response out of time limit: 48 h since the user's last message
  [45047, 'RATE_LIMITED'], // too many customer-service messages to this user
  [45009, 'RATE_LIMITED'], // API daily quota reached
  [45011, 'RATE_LIMITED'], // API minute quota reached
]);

/** Maps a WeChat `errcode` to our code; unknown codes (bad content, our bugs) are UNKNOWN. */
export function codeForErrcode(errcode: number): ChannelErrorCode {
  return CODES.get(errcode) ?? 'UNKNOWN';
}

/** A WeChat API error answer as a ChannelError; the message holds the call and errcode only (no customer data). */
export function errcodeError(call: string, errcode: number, errmsg: string | undefined): ChannelError {
  // errmsg can echo an rid and hints, never the message text, so it is safe to keep for debugging.
  return new ChannelError(codeForErrcode(errcode), `WeChat ${call} failed: errcode ${errcode}${errmsg ? ` ${errmsg.slice(0, 120)}` : ''}`, {
    cause: { errcode },
  });
}

/** An HTTP-level failure (no JSON errcode): 429 with its Retry-After, 5xx and network errors are TEMPORARY. */
export function httpError(call: string, status: number, retryAfter: string | null): ChannelError {
  if (status === 429) {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
    return new ChannelError('RATE_LIMITED', `WeChat ${call} failed: HTTP 429`, seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {});
  }
  if (status === 401 || status === 403) return new ChannelError('AUTH', `WeChat ${call} failed: HTTP ${status}`);
  if (status >= 500) return new ChannelError('TEMPORARY', `WeChat ${call} failed: HTTP ${status}`);
  return new ChannelError('UNKNOWN', `WeChat ${call} failed: HTTP ${status}`);
}

/** Whatever fetch threw (refused, reset, timeout) as a TEMPORARY ChannelError. */
export function networkError(call: string, err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  return new ChannelError('TEMPORARY', `WeChat ${call} failed: ${err instanceof Error ? err.name : 'network error'}`, { cause: err });
}

/** WeChat's errcode behind a ChannelError made by `errcodeError`, if any. */
export function errcodeOf(err: unknown): number | undefined {
  if (!(err instanceof ChannelError)) return undefined;
  const cause: unknown = err.cause;
  return typeof cause === 'object' && cause !== null && 'errcode' in cause && typeof cause.errcode === 'number' ? cause.errcode : undefined;
}
