import type { Language, QuickReply, Reply } from '../../../core/conversation/message.js';
import { splitText } from '../telegram/telegram.render.js';

/** Cloud API limits, from Meta's message reference. Lengths are counted in UTF-16 code units, the stricter reading. */
export const WHATSAPP_LIMITS = {
  text: 4096,
  buttonBody: 1024,
  listBody: 4096,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowId: 200,
  rowDescription: 72,
  listButton: 20,
  caption: 1024,
} as const;

/** One outgoing message body, minus `messaging_product`, `recipient_type` and `to` (the client adds them). */
export type GraphMessage =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: 'image'; image: { link: string; caption?: string } }
  | {
      type: 'interactive';
      interactive:
        | { type: 'button'; body: { text: string }; action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> } }
        | {
            type: 'list';
            body: { text: string };
            action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> };
          };
    }
  | { type: 'template'; template: { name: string; language: { code: string } } };

/** One message of a rendered reply. */
export interface WhatsAppSend {
  message: GraphMessage;
  /** The part that stands for the whole reply: its wamid is recorded for delivery and status updates. */
  primary: boolean;
}

// The list's opening button needs a label and the bot gives none: a neutral word per language.
const LIST_BUTTON: Record<Language, string> = { en: 'Choose', ar: 'اختر', zh: '選擇' };

/**
 * Renders one `Reply` as the Cloud API messages that deliver it, in order. Throws on replies WhatsApp would reject
 * whatever we did (empty text, button payloads over the id limit): those are bot bugs, not delivery failures.
 *
 * - Text over 4096 characters is split at line, word or sentence boundaries; buttons ride on the last part.
 * - 1–3 buttons: reply buttons (titles shortened to 20 with an ellipsis; body ≤ 1024, so longer text goes first as
 *   plain text). 4–10 buttons, or titles that collide once shortened (WhatsApp wants them unique): a list (rows ≤ 24,
 *   the full label as the row's description when shortened). Over 10: the first 10 as the list, the rest named in the text.
 * - `requestContact` adds nothing: WhatsApp has no share-contact button, the sender's number is already known to
 *   the platform, and the bot's question already asks the customer to type it.
 * - A QR image is not drawn (WhatsApp can only send hosted images or uploaded media): the code goes as text, added
 *   when the reply text does not already show it. A URL image is sent as an image message first.
 * - `dir` is not sent: WhatsApp lays out each message by its first strong character.
 */
export function renderReply(reply: Reply): WhatsAppSend[] {
  let text = reply.text;
  const parts: WhatsAppSend[] = [];
  if (reply.image) {
    if ('qr' in reply.image) {
      if (!text.includes(reply.image.qr)) text = text.trim() === '' ? reply.image.qr : `${text}\n\n${reply.image.qr}`;
    } else {
      if (reply.image.url.trim() === '') throw new Error('WhatsApp reply image has an empty url');
      parts.push({ message: { type: 'image', image: { link: reply.image.url } }, primary: false });
    }
  }
  if (text.trim() === '') throw new Error('WhatsApp reply has no text: WhatsApp rejects empty messages');

  const buttons = reply.buttons ?? [];
  if (buttons.length === 0) {
    parts.push(...textParts(text));
  } else {
    const titles = buttons.map((b) => shorten(b.label, WHATSAPP_LIMITS.buttonTitle));
    const asButtons = buttons.length <= WHATSAPP_LIMITS.buttons && new Set(titles).size === titles.length;
    if (asButtons) {
      const { head, body } = splitForBody(text, WHATSAPP_LIMITS.buttonBody);
      parts.push(...head.flatMap(textParts));
      const action = { buttons: buttons.map((b, i) => ({ type: 'reply' as const, reply: { id: checkId(b, WHATSAPP_LIMITS.buttonId), title: titles[i]! } })) };
      parts.push({ message: { type: 'interactive', interactive: { type: 'button', body: { text: body }, action } }, primary: false });
    } else {
      const shown = buttons.slice(0, WHATSAPP_LIMITS.listRows);
      const rest = buttons.slice(WHATSAPP_LIMITS.listRows);
      // Options beyond the list's ten rows cannot be pressed, but the customer can still type them.
      const fullText = rest.length > 0 ? `${text}\n\n${rest.map((b) => `• ${b.label}`).join('\n')}` : text;
      const { head, body } = splitForBody(fullText, WHATSAPP_LIMITS.listBody);
      parts.push(...head.flatMap(textParts));
      const rows = shown.map((b) => listRow(b));
      const button = LIST_BUTTON[languageOf(reply)];
      parts.push({ message: { type: 'interactive', interactive: { type: 'list', body: { text: body }, action: { button, sections: [{ rows }] } } }, primary: false });
    }
  }
  const last = parts[parts.length - 1];
  if (!last) throw new Error('WhatsApp reply rendered to nothing');
  last.primary = true;
  return parts;
}

/** The bot language a reply is in, from its direction and script (a Reply carries no language of its own). */
export function languageOf(reply: Pick<Reply, 'text' | 'dir'>): Language {
  if (reply.dir === 'rtl') return 'ar';
  return /[\u3400-\u9fff\uf900-\ufaff]/.test(reply.text) ? 'zh' : 'en';
}

/** Shortens a label to `max` UTF-16 code units with an ellipsis, never cutting a surrogate pair. */
export function shorten(label: string, max: number): string {
  const clean = label.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  let out = '';
  for (const char of clean) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out.trimEnd()}…`;
}

function listRow(b: QuickReply): { id: string; title: string; description?: string } {
  const title = shorten(b.label, WHATSAPP_LIMITS.rowTitle);
  const id = checkId(b, WHATSAPP_LIMITS.rowId);
  // A shortened title loses words the customer may need: the description shows (most of) the full label.
  return title === b.label.trim() ? { id, title } : { id, title, description: shorten(b.label, WHATSAPP_LIMITS.rowDescription) };
}

function checkId(b: QuickReply, max: number): string {
  if (b.label.trim() === '') throw new Error('WhatsApp button label is empty');
  if (b.payload.length === 0 || b.payload.length > max) {
    throw new Error(`WhatsApp button payload must be 1-${max} characters, got ${b.payload.length} for button "${b.label}"`);
  }
  return b.payload;
}

function textParts(text: string): WhatsAppSend[] {
  return splitText(text, WHATSAPP_LIMITS.text).map((body) => ({ message: { type: 'text', text: { body, preview_url: false } }, primary: false }));
}

/**
 * Splits text so its end fits an interactive body of `limit`: the head (sent first as plain text) is cut at a
 * paragraph or line break, else a space, else hard, as close to the limit as possible.
 */
export function splitForBody(text: string, limit: number): { head: string[]; body: string } {
  if (text.length <= limit) return { head: [], body: text };
  const from = text.length - limit;
  const window = text.slice(from);
  let cut = -1;
  for (const pattern of [/\n/, /\s/]) {
    const at = window.search(pattern);
    if (at >= 0) {
      cut = from + at;
      break;
    }
  }
  if (cut < 0) {
    cut = from;
    const code = text.charCodeAt(cut);
    if (code >= 0xdc00 && code <= 0xdfff) cut += 1; // do not start the body with half a surrogate pair
  }
  const body = text.slice(cut).trim();
  const head = text.slice(0, cut).trimEnd();
  return { head: head === '' ? [] : [head], body: body === '' ? text.slice(-limit) : body };
}
