import { ChannelError, type ChannelErrorCode } from '../channel-error.js';

// whatsapp-web.js reports failures as plain Errors from the browser page (puppeteer): the message is all there is.
const RULES: Array<[RegExp, ChannelErrorCode]> = [
  // The browser or page went away mid-call, or WhatsApp Web is reloading: sending again once reconnected can work.
  [/session closed|target closed|protocol error|detached frame|execution context was destroyed|browser has disconnected|net::err|timed? ?out|not connected|not initialized/i, 'TEMPORARY'],
  [/rate.?limit|too many/i, 'RATE_LIMITED'],
  // The chat id is not a WhatsApp account (or WhatsApp Web cannot resolve it).
  [/invalid wid|wid error|no lid for user|not a valid|chat not found|not registered/i, 'INVALID_RECIPIENT'],
  [/logged out|unpaired|logout/i, 'AUTH'],
];

/** The closed-set code for a whatsapp-web.js failure. */
export function codeForWwebError(err: unknown): ChannelErrorCode {
  if (err instanceof ChannelError) return err.code;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  for (const [pattern, code] of RULES) if (pattern.test(message)) return code;
  return 'UNKNOWN';
}

/**
 * A whatsapp-web.js failure as a `ChannelError`. Its message names the error class and code only: the library's
 * messages can quote the chat id (a phone number), so they are kept as `cause`, never logged by us.
 */
export function wwebError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  const code = codeForWwebError(err);
  const name = err instanceof Error ? err.name : 'non-error thrown';
  return new ChannelError(code, `WhatsApp Web send failed (${name}, ${code})`, { cause: err });
}

/** The error for a send attempted while the browser session is not logged in and ready. */
export function notConnectedError(state: string): ChannelError {
  return new ChannelError('TEMPORARY', `WhatsApp Web is not connected (state ${state})`);
}
