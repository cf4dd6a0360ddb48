import { GrammyError, HttpError } from 'grammy';
import { ChannelError, type ChannelErrorCode } from '../channel-error.js';

/**
 * Translates whatever a grammy call threw into a `ChannelError` with a closed-set code. The message carries the
 * method and Telegram's description only (never the payload, which holds customer text), so it is safe to log.
 */
export function toChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof GrammyError) {
    const code = codeFor(err.error_code, err.description);
    const retryAfter = err.parameters.retry_after;
    return new ChannelError(code, `Telegram ${err.method} failed: ${err.error_code} ${err.description}`, {
      cause: err,
      ...(code === 'RATE_LIMITED' && retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}),
    });
  }
  // grammy wraps every transport failure (refused, reset, timeout, unreadable body) in HttpError.
  if (err instanceof HttpError) return new ChannelError('TEMPORARY', err.message, { cause: err });
  return new ChannelError('UNKNOWN', err instanceof Error ? err.message : 'Telegram call failed', { cause: err });
}

/** Maps a Bot API error code and description to our code; exported for tests and other Telegram callers. */
export function codeFor(errorCode: number, description: string): ChannelErrorCode {
  const text = description.toLowerCase();
  if (errorCode === 429) return 'RATE_LIMITED';
  // A wrong token gets 401; a malformed one gets 404 because the URL names no bot.
  if (errorCode === 401 || errorCode === 404) return 'AUTH';
  if (errorCode === 403) {
    // "bot can't send messages to bots" is an addressing mistake, not a customer's choice.
    return text.includes('to bots') ? 'INVALID_RECIPIENT' : 'BLOCKED_BY_USER';
  }
  if (errorCode === 400 && /chat not found|user not found|peer_id_invalid|chat_id is empty|user_is_deactivated/.test(text)) {
    return 'INVALID_RECIPIENT';
  }
  if (errorCode >= 500) return 'TEMPORARY';
  // Remaining 400s (bad markup, empty text) are our bugs: sending again cannot help.
  return 'UNKNOWN';
}
