// WhatsApp's customer-service window: free-form messages (text, buttons, lists) reach a customer only within 24
// hours of their last message to us. Outside it, only an approved template can be sent, which re-opens the
// conversation once the customer answers. A free-form message sent outside the window is accepted by the API and
// then fails silently for the customer, so we check before sending and never "send" into the void.
import type { Language } from '../../../core/conversation/message.js';
import { ChannelError, type ChannelErrorCode } from '../channel-error.js';
import type { GraphClient } from './whatsapp.client.js';
import type { WhatsAppConfig } from './whatsapp.config.js';

/** The customer-service window. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

// A margin for clock skew and the time the send takes: a message sent at 23:59:59 may arrive after 24:00:00.
const SAFETY_MS = 60 * 1000;

/** True while free-form messages may be sent to a customer whose last message to us was at `lastInboundAt`. */
export function isWindowOpen(lastInboundAt: Date, now: Date): boolean {
  return now.getTime() - lastInboundAt.getTime() < WINDOW_MS - SAFETY_MS;
}

/** The outcome of `sendOutsideWindow`. */
export type OutsideWindowResult =
  | { status: 'template_sent'; platformMessageId: string; template: string }
  | { status: 'refused'; code: 'WINDOW_CLOSED' }
  | { status: 'failed'; code: ChannelErrorCode; retryAfterMs?: number };

/**
 * Reaches a customer whose window has closed: sends the brand's approved re-engagement template for `language`
 * when one is configured, or refuses with WINDOW_CLOSED so the caller can record why nothing went out.
 * The template only asks the customer to come back: what the bot wanted to say is sent once they answer.
 */
export async function sendOutsideWindow(
  client: GraphClient,
  templates: WhatsAppConfig['templates'],
  input: { to: string; language: Language },
): Promise<OutsideWindowResult> {
  const template = templates[input.language] ?? templates.en;
  if (!template) return { status: 'refused', code: 'WINDOW_CLOSED' };
  try {
    const id = await client.send(input.to, { type: 'template', template: { name: template.name, language: { code: template.language } } });
    return { status: 'template_sent', platformMessageId: id, template: template.name };
  } catch (err) {
    const failure = err instanceof ChannelError ? err : new ChannelError('UNKNOWN', 'template send failed', { cause: err });
    return { status: 'failed', code: failure.code, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}) };
  }
}
