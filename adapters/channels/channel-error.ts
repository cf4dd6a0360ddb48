/**
 * The closed set of delivery failure codes every channel adapter maps its provider's errors to.
 * Retry and suppression decisions key on the code alone, so callers never parse provider messages.
 */
export const CHANNEL_ERROR_CODES = [
  'TEMPORARY',
  'RATE_LIMITED',
  'AUTH',
  'BLOCKED_BY_USER',
  'INVALID_RECIPIENT',
  'WINDOW_CLOSED',
  'UNKNOWN',
] as const;

/** One of the channel delivery failure codes. */
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

/** True for the codes where sending the same thing again later can succeed. */
export function isRetryableChannelError(code: ChannelErrorCode): boolean {
  return code === 'TEMPORARY' || code === 'RATE_LIMITED';
}

/** A provider failure translated by an adapter; `cause` keeps the original for debugging, never for decisions. */
export class ChannelError extends Error {
  /** The closed-set code callers decide on. */
  readonly code: ChannelErrorCode;
  /** How long the provider asked us to wait, when it said (RATE_LIMITED). */
  readonly retryAfterMs: number | undefined;

  constructor(code: ChannelErrorCode, message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ChannelError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}
