// Shared by the channels that have no quick-reply buttons (WeChat, WhatsApp Web): a reply's buttons go out as
// numbered lines, numbered on across one turn so every number the customer sees is distinct, and the channel
// remembers them so a typed number comes back as that button's payload (see wechat/wechat.options.ts).
import type { OutboundReply, QuickReply, Reply } from '../../core/conversation/message.js';
import { isNumberScale } from './wechat/wechat.options.js';

/** One rendered reply: the texts to send in order, and the buttons they offered (numbered from `firstNumber`). */
export interface NumberedRendered {
  texts: string[];
  buttons: QuickReply[];
}

/** How a channel writes the parts of a numbered-options text. */
export interface NumberedTextStyle {
  /** Put between the reply's text and an image's code or link that is appended to it. */
  imageSeparator: string;
  /** A button's label as shown on its numbered line. */
  label: (label: string) => string;
}

/**
 * The whole text of one `Reply` with its buttons as numbered lines ("1. Join the club") after the text, numbered
 * from `firstNumber`. An image (a voucher's QR code or an image URL) is appended as text when the text does not
 * already contain it: these channels send no media. The result may be blank or over the channel's limit: the
 * caller rejects the one and splits the other.
 */
export function numberedOptionsText(reply: Reply, firstNumber: number, style: NumberedTextStyle): { text: string; buttons: QuickReply[] } {
  let text = reply.text.trim();
  if (reply.image) {
    const extra = 'qr' in reply.image ? reply.image.qr : reply.image.url;
    if (extra.trim() !== '' && !text.includes(extra)) text = text === '' ? extra : `${text}${style.imageSeparator}${extra}`;
  }
  const buttons = reply.buttons ?? [];
  // A rating scale is one line of its own numbers ("0 · 1 · … · 10"): the customer types the rating itself.
  const options = isNumberScale(buttons) ? buttons.map((b) => b.label.trim()).join(' · ') : buttons.map((b, i) => `${firstNumber + i}. ${style.label(b.label)}`).join('\n');
  const full = options === '' ? text : text === '' ? options : `${text}\n\n${options}`;
  return { text: full, buttons };
}

/** One reply of a turn and its rendering, or null when it could not be rendered (a bug in the bot: never sent). */
export interface PlannedReply<R> {
  out: OutboundReply;
  rendered: R | null;
}

/**
 * Renders a turn's replies with one running option number, hands every button offered in the turn (in number order)
 * to `remember` for the customer's answer, and returns the plan. A reply whose rendering throws is reported to
 * `unrenderable` and planned as null, so the rest of the turn still goes out.
 */
export function renderNumberedTurn<R extends { buttons: readonly QuickReply[] }>(
  replies: readonly OutboundReply[],
  render: (reply: Reply, firstNumber: number) => R,
  on: { remember: (buttons: QuickReply[]) => void; unrenderable: (out: OutboundReply, err: unknown) => void },
): Array<PlannedReply<R>> {
  const buttons: QuickReply[] = [];
  const plan = replies.map((out): PlannedReply<R> => {
    try {
      const r = render(out.reply, buttons.length + 1);
      buttons.push(...r.buttons);
      return { out, rendered: r };
    } catch (err) {
      on.unrenderable(out, err);
      return { out, rendered: null };
    }
  });
  on.remember(buttons);
  return plan;
}
