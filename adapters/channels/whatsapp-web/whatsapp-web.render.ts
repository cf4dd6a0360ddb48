import type { Reply } from '../../../core/conversation/message.js';
import { numberedOptionsText, type NumberedRendered } from '../numbered-options.js';
import { splitText } from '../telegram/telegram.render.js';

/** WhatsApp's limit on one text message (UTF-16 code units), the same as the Cloud API's. */
export const WHATSAPP_WEB_TEXT_LIMIT = 4096;

/** One rendered reply: the texts to send in order, and the buttons they offered (numbered from `firstNumber`). */
export type WwebRendered = NumberedRendered;

/**
 * Renders one `Reply` as WhatsApp Web texts.
 *
 * - Buttons become numbered lines ("1. Join the club") after the text, numbered on from `firstNumber` so every number
 *   visible in one turn is distinct (an account without WhatsApp Business API has no interactive buttons); the channel
 *   remembers them so "1" or "١" comes back as that button's payload. No "reply with a number" hint is added:
 *   user-facing wording belongs to bots/ and its catalogs.
 * - `requestContact` adds nothing: WhatsApp already gives the sender's number.
 * - A QR image (a voucher) is not drawn: its code is sent as text, added when the text does not already show it. An
 *   image URL is added as a link (sending media would make the shop's browser fetch it).
 * - `dir` is not sent: WhatsApp lays out each message by its first strong character.
 * - Text over 4096 characters is split at a line, word or sentence boundary.
 * Throws on an empty reply: a bug in the bot, not a delivery failure.
 */
export function renderReply(reply: Reply, firstNumber = 1): WwebRendered {
  for (const b of reply.buttons ?? []) if (b.label.trim() === '' || b.payload === '') throw new Error('WhatsApp Web button has an empty label or payload');
  const { text, buttons } = numberedOptionsText(reply, firstNumber, { imageSeparator: '\n\n', label: (label) => label.replace(/\s+/g, ' ').trim() });
  if (text.trim() === '') throw new Error('WhatsApp Web reply has no text: WhatsApp rejects empty messages');
  return { texts: splitText(text, WHATSAPP_WEB_TEXT_LIMIT), buttons };
}
