import type { InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'grammy/types';
import { splitText as splitAt } from '../text-split.js';
import type { QuickReply, Reply, ReplyImage } from '../../../core/conversation/message.js';

/** Telegram's limit on a text message, in UTF-16 code units (what its servers count). */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Telegram's limit on a photo caption. */
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** Telegram's limit on `callback_data`, in UTF-8 bytes. */
export const TELEGRAM_CALLBACK_DATA_LIMIT = 64;

// Two labels up to this display width fit side by side on a phone without Telegram truncating them.
const SHORT_LABEL_WIDTH = 20;

/** Longest QR payload we draw: a voucher code is 12 characters, so anything near this is a bug. */
export const QR_PAYLOAD_LIMIT = 512;

/** A QR code to draw as a PNG and upload (render stays pure: the channel does the drawing). */
export interface TelegramQrUpload {
  qr: string;
  /** File name shown if the customer saves it. */
  filename: string;
}

/** The parameters of one Bot API send call, minus `chat_id` (the channel adds it). */
export type TelegramSend =
  | {
      method: 'sendMessage';
      params: { text: string; reply_markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup };
      /** The part that stands for the whole reply: its message id is the one recorded for delivery. */
      primary: boolean;
    }
  | {
      method: 'sendPhoto';
      /** `photo` is a URL Telegram fetches, or a QR code the channel draws and uploads. */
      params: { photo: string | TelegramQrUpload; caption?: string; reply_markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup };
      /** The part that stands for the whole reply: its message id is the one recorded for delivery. */
      primary: boolean;
    };

/**
 * Renders one `Reply` as the Telegram calls that deliver it, in order. Throws on replies Telegram would
 * reject (empty text, callback payloads over 64 bytes): those are bugs in the bot, not delivery failures.
 *
 * - Plain text only, never `parse_mode`, so text a customer supplied can never inject markup.
 * - `dir` is not sent: Telegram has no direction flag, and its clients already lay out each paragraph by its first
 *   strong character, so Arabic text goes through unchanged.
 * - Text over 4096 characters becomes several messages split at line or word boundaries; the keyboard rides on the last.
 * - With an image: a photo captioned with the text when it fits in 1024 characters, else the photo then the text. A QR
 *   image becomes an upload the channel draws (`TelegramQrUpload`): Telegram cannot fetch a picture that is not hosted.
 * - Buttons and `requestContact` together: Telegram allows one keyboard per message, and an inline keyboard (whose
 *   presses return the payload) cannot share a message with a reply keyboard (the only kind that can ask for a
 *   contact). So the text goes out with the inline buttons, followed by a second message whose text is the
 *   contact button's label, carrying the share-contact keyboard. Both choices keep the bot's own wording: we never
 *   invent text here, and folding the buttons into the reply keyboard would return their labels, not their payloads.
 */
export function renderReply(reply: Reply): TelegramSend[] {
  const inline = reply.buttons && reply.buttons.length > 0 ? inlineKeyboard(reply.buttons) : undefined;
  const contact = reply.requestContact ? contactKeyboard(reply.requestContact.label) : undefined;
  // The contact keyboard gets a message of its own only when inline buttons already took the content's keyboard slot.
  const contentMarkup = inline ?? contact;

  const parts: TelegramSend[] = [];
  if (reply.image) {
    const photo = photoOf(reply.image);
    const fitsCaption = reply.text.length <= TELEGRAM_CAPTION_LIMIT && reply.text.trim() !== '';
    parts.push({
      method: 'sendPhoto',
      params: { photo, ...(fitsCaption ? { caption: reply.text } : {}) },
      primary: false,
    });
    if (!fitsCaption) parts.push(...textParts(reply.text));
  } else {
    if (reply.text.trim() === '') throw new Error('Telegram reply has no text: Telegram rejects empty messages');
    parts.push(...textParts(reply.text));
  }

  const last = parts[parts.length - 1];
  if (!last) throw new Error('Telegram reply rendered to nothing');
  last.primary = true;
  if (contentMarkup) last.params.reply_markup = contentMarkup;
  if (inline && contact && reply.requestContact) {
    parts.push({
      method: 'sendMessage',
      params: { text: reply.requestContact.label, reply_markup: contact },
      primary: false,
    });
  }
  return parts;
}

function photoOf(image: ReplyImage): string | TelegramQrUpload {
  if ('qr' in image) {
    if (image.qr.trim() === '' || image.qr.length > QR_PAYLOAD_LIMIT) throw new Error(`Telegram QR payload must be 1-${QR_PAYLOAD_LIMIT} characters`);
    // A file name from the payload helps a customer who saves several vouchers; only safe characters survive.
    return { qr: image.qr, filename: `qr-${image.qr.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40) || 'code'}.png` };
  }
  if (image.url.trim() === '') throw new Error('Telegram reply image has an empty url');
  return image.url;
}

function textParts(text: string): TelegramSend[] {
  return splitText(text, TELEGRAM_TEXT_LIMIT).map((chunk) => ({
    method: 'sendMessage' as const,
    params: { text: chunk },
    primary: false,
  }));
}

/** Splits text at the platform's limit (see text-split.ts for where it cuts). */
export function splitText(text: string, max: number = TELEGRAM_TEXT_LIMIT): string[] {
  return splitAt(text, max);
}

/** Lays buttons out in their given order: short labels two to a row, long labels alone. */
function inlineKeyboard(buttons: QuickReply[]): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  let pending: InlineKeyboardButton | undefined;
  for (const { label, payload } of buttons) {
    if (label.trim() === '') throw new Error('Telegram button label is empty');
    const bytes = Buffer.byteLength(payload, 'utf8');
    if (bytes === 0 || bytes > TELEGRAM_CALLBACK_DATA_LIMIT) {
      throw new Error(
        `Telegram button payload must be 1-${TELEGRAM_CALLBACK_DATA_LIMIT} bytes, got ${bytes} for button "${label}"`,
      );
    }
    const button: InlineKeyboardButton = { text: label, callback_data: payload };
    if (displayWidth(label) > SHORT_LABEL_WIDTH) {
      if (pending) rows.push([pending]);
      pending = undefined;
      rows.push([button]);
    } else if (pending) {
      rows.push([pending, button]);
      pending = undefined;
    } else {
      pending = button;
    }
  }
  if (pending) rows.push([pending]);
  return { inline_keyboard: rows };
}

function contactKeyboard(label: string): ReplyKeyboardMarkup {
  if (label.trim() === '') throw new Error('Telegram contact button label is empty');
  // One-time: the keyboard folds away once the number is shared, instead of lingering over every later message.
  return { keyboard: [[{ text: label, request_contact: true }]], one_time_keyboard: true, resize_keyboard: true };
}

// CJK and emoji take two columns, so a six-character Chinese label is as wide as a twelve-letter English one.
function displayWidth(label: string): number {
  let width = 0;
  for (const char of label) {
    const code = char.codePointAt(0) ?? 0;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff);
    width += wide ? 2 : 1;
  }
  return width;
}
