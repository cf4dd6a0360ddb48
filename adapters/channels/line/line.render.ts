import type { QuickReply, Reply } from '../../../core/conversation/message.js';
import { splitText as splitAt } from '../text-split.js';

/** LINE's limit on one text message, in characters. */
export const LINE_TEXT_LIMIT = 5000;
/** Most quick-reply buttons one message may carry. */
export const LINE_QUICK_REPLY_LIMIT = 13;
/** LINE's limit on an action label (quick replies and templates). */
export const LINE_LABEL_LIMIT = 20;
/** LINE's limit on postback data and on an action's display text. */
export const LINE_POSTBACK_DATA_LIMIT = 300;
/** Most actions on a buttons template. */
export const LINE_TEMPLATE_ACTION_LIMIT = 4;
/** LINE's limit on a buttons template's text when it has no title or image. */
export const LINE_TEMPLATE_TEXT_LIMIT = 160;
/** LINE's limit on a template's alternative text (shown in notifications and old clients). */
export const LINE_ALT_TEXT_LIMIT = 400;

/** A postback action: pressing it sends `data` back in a postback event and shows `displayText` as the customer's line. */
export interface LinePostbackAction {
  type: 'postback';
  label: string;
  data: string;
  displayText: string;
}

/** The quick-reply bar under a message. */
export interface LineQuickReply {
  items: Array<{ type: 'action'; action: LinePostbackAction }>;
}

/** A Messaging API message object, as far as we send them. */
export type LineMessage =
  | { type: 'text'; text: string; quickReply?: LineQuickReply }
  | { type: 'image'; originalContentUrl: string; previewImageUrl: string; quickReply?: LineQuickReply }
  | {
      type: 'template';
      altText: string;
      template: { type: 'buttons'; text: string; actions: LinePostbackAction[] };
      quickReply?: LineQuickReply;
    };

/** How a reply is rendered. */
export interface LineRenderOptions {
  /**
   * Quick replies vanish as soon as another message arrives, so a reply with buttons that is followed by more replies
   * in the same turn gets them as a buttons template (which stays in the chat) when they fit one.
   */
  followedByMore?: boolean;
}

/**
 * Renders one `Reply` as LINE message objects, in order. Throws on replies LINE would reject and we cannot repair
 * (no text, more than 13 buttons, a payload over 300 characters): those are bot bugs, not delivery failures.
 *
 * - Text over 5000 characters is split at line, word or sentence boundaries; buttons ride on the last part.
 * - `dir` is not sent: LINE has no direction flag and its clients lay out Arabic right to left by themselves.
 * - Buttons become postback quick replies (labels cut to 20 characters; `displayText` keeps the full label so the chat
 *   shows what was pressed, and the payload comes back as postback data).
 * - `requestContact` is dropped: LINE cannot share a phone number, so the customer types it (the bot's text asks).
 * - A QR image (a voucher) is sent as its code in the text: LINE images need an HTTPS URL we do not host yet. An image
 *   URL is sent as an image message only when it is HTTPS (LINE rejects anything else).
 */
export function renderLineReply(reply: Reply, options: LineRenderOptions = {}): LineMessage[] {
  let text = reply.text;
  const messages: LineMessage[] = [];
  if (reply.image && 'qr' in reply.image) {
    const code = reply.image.qr.trim();
    if (code !== '' && !text.includes(code)) text = text.trim() === '' ? code : `${text}\n\n${code}`;
  } else if (reply.image && /^https:\/\//i.test(reply.image.url)) {
    messages.push({ type: 'image', originalContentUrl: reply.image.url, previewImageUrl: reply.image.url });
  }
  const chunks = splitText(text, LINE_TEXT_LIMIT);
  if (chunks.length === 0 && messages.length === 0) throw new Error('LINE reply has no text: LINE rejects empty messages');

  const buttons = reply.buttons ?? [];
  if (buttons.length > LINE_QUICK_REPLY_LIMIT) {
    throw new Error(`LINE allows ${LINE_QUICK_REPLY_LIMIT} quick replies, the reply has ${buttons.length}`);
  }
  const actions = buttons.map(postbackAction);
  const lastChunk = chunks[chunks.length - 1];
  if (actions.length > 0 && options.followedByMore && lastChunk !== undefined && fitsTemplate(lastChunk, actions)) {
    for (const chunk of chunks.slice(0, -1)) messages.push({ type: 'text', text: chunk });
    messages.push({
      type: 'template',
      altText: truncate(lastChunk, LINE_ALT_TEXT_LIMIT),
      template: { type: 'buttons', text: lastChunk, actions },
    });
    return messages;
  }
  for (const chunk of chunks) messages.push({ type: 'text', text: chunk });
  const last = messages[messages.length - 1];
  if (last && actions.length > 0) last.quickReply = { items: actions.map((action) => ({ type: 'action', action })) };
  return messages;
}

function fitsTemplate(text: string, actions: LinePostbackAction[]): boolean {
  return actions.length <= LINE_TEMPLATE_ACTION_LIMIT && [...text].length <= LINE_TEMPLATE_TEXT_LIMIT;
}

function postbackAction({ label, payload }: QuickReply): LinePostbackAction {
  if (label.trim() === '') throw new Error('LINE button label is empty');
  if (payload.length === 0 || payload.length > LINE_POSTBACK_DATA_LIMIT) {
    throw new Error(`LINE postback data must be 1-${LINE_POSTBACK_DATA_LIMIT} characters, got ${payload.length} for button "${label}"`);
  }
  return { type: 'postback', label: truncate(label, LINE_LABEL_LIMIT), data: payload, displayText: truncate(label, LINE_POSTBACK_DATA_LIMIT) };
}

/** Cuts `text` to at most `max` characters (code points, never half an emoji), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Splits text at the platform's limit (see text-split.ts for where it cuts). */
export function splitText(text: string, max: number = LINE_TEXT_LIMIT): string[] {
  return splitAt(text, max);
}
