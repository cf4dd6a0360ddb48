import type { Reply } from '../../../core/conversation/message.js';
import { numberedOptionsText, type NumberedRendered } from '../numbered-options.js';

/** WeChat's limit on one customer-service text message, in UTF-8 bytes. */
export const WECHAT_TEXT_LIMIT_BYTES = 2048;

/** One rendered reply: the texts to send in order, and the buttons they offered (numbered from `firstNumber`). */
export type WechatRendered = NumberedRendered;

/**
 * Renders one `Reply` as WeChat customer-service texts.
 *
 * - Buttons become numbered lines ("1. Join the club") after the text, numbered on from `firstNumber` so that every
 *   number visible in one turn is distinct; the channel remembers them so "1" comes back as that button's payload.
 *   No "reply with a number" hint is added: user-facing wording belongs to bots/ and its catalogs.
 * - `requestContact` is dropped: WeChat cannot share a phone number; the customer types it (or skips).
 * - A QR image (voucher) cannot be drawn here without uploading media, so its code is sent as text: appended when the
 *   text does not already contain it. An image URL is appended as a link (WeChat shows links in text).
 * - `dir` is not sent: WeChat has no direction flag and lays out Arabic by its characters.
 * - Text over 2048 UTF-8 bytes is split at a line break or space where possible, never inside a character.
 * Throws on an empty reply: a bug in the bot, not a delivery failure.
 */
export function renderReply(reply: Reply, firstNumber = 1): WechatRendered {
  const { text, buttons } = numberedOptionsText(reply, firstNumber, { imageSeparator: '\n', label: (label) => label.trim() });
  if (text.trim() === '') throw new Error('WeChat reply has no text: WeChat rejects empty messages');
  return { texts: splitUtf8(text, WECHAT_TEXT_LIMIT_BYTES), buttons };
}

/**
 * Splits text into chunks of at most `maxBytes` UTF-8 bytes, cutting after a line break, else after a space, else
 * after sentence punctuation (Chinese has no spaces) in the second half of the window, else at the last whole
 * character that fits. Whitespace at a cut is dropped; blank chunks are dropped.
 */
export function splitUtf8(text: string, maxBytes: number = WECHAT_TEXT_LIMIT_BYTES): string[] {
  if (maxBytes < 4) throw new Error('maxBytes must fit any one character');
  const chunks: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest, 'utf8') > maxBytes) {
    // The longest prefix of whole code points within the byte limit.
    let fit = 0;
    let bytes = 0;
    for (const ch of rest) {
      const size = Buffer.byteLength(ch, 'utf8');
      if (bytes + size > maxBytes) break;
      bytes += size;
      fit += ch.length;
    }
    const window = rest.slice(0, fit);
    const half = Math.floor(fit / 2);
    const at = (re: RegExp): number => {
      let best = -1;
      for (const m of window.matchAll(re)) if (m.index + m[0].length > half) best = m.index + m[0].length;
      return best;
    };
    let cut = at(/\n/g);
    if (cut < 0) cut = at(/ /g);
    if (cut < 0) cut = at(/[。！？；.!?;،؛]/gu);
    if (cut <= 0) cut = fit;
    const chunk = rest.slice(0, cut).trimEnd();
    if (chunk !== '') chunks.push(chunk);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim() !== '') chunks.push(rest);
  return chunks;
}
