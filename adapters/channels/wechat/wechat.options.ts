// WeChat's customer-service text has no quick replies, so buttons go out as numbered options and a reply such as
// "1", "１", "一" or "١" is turned back into that button's payload. The mapping lives in memory, per openid, with a
// TTL and a size cap: a restart or a second instance forgets it (the customer then types the option's words, which
// the bot understands too). See README.md for what a durable version needs.
import type { QuickReply } from '../../../core/conversation/message.js';

/** How long numbered options stay answerable (default). */
export const OPTIONS_TTL_MS = 60 * 60 * 1000;
/** Most customers remembered at once; the least recently answered are forgotten first. */
export const OPTIONS_MAX_USERS = 10_000;

/** The numbered options last shown to each customer. */
export interface OptionMemory {
  /** Remembers `buttons` (numbered from 1 in order) for `openid`; an empty list forgets them. */
  remember(openid: string, buttons: readonly QuickReply[], now: Date): void;
  /** The payload the customer's text picks (a number or a label), or undefined. */
  resolve(openid: string, text: string, now: Date): string | undefined;
}

/** An in-memory `OptionMemory`. */
export function createOptionMemory(options: { ttlMs?: number; maxUsers?: number } = {}): OptionMemory {
  const ttlMs = options.ttlMs ?? OPTIONS_TTL_MS;
  const maxUsers = options.maxUsers ?? OPTIONS_MAX_USERS;
  const entries = new Map<string, { buttons: QuickReply[]; expiresAt: number }>();
  return {
    remember(openid, buttons, now) {
      entries.delete(openid); // re-inserted last, so Map order is least recently shown first
      if (buttons.length === 0) return;
      entries.set(openid, { buttons: [...buttons], expiresAt: now.getTime() + ttlMs });
      while (entries.size > maxUsers) entries.delete(entries.keys().next().value!);
    },
    resolve(openid, text, now) {
      const entry = entries.get(openid);
      if (!entry) return undefined;
      if (entry.expiresAt <= now.getTime()) {
        entries.delete(openid);
        return undefined;
      }
      // A rating scale (buttons labelled 0–10 or 1–5) is answered with the rating itself: "7" means the button
      // labelled 7, not the seventh line (which would be 6 on a 0–10 scale).
      if (isNumberScale(entry.buttons)) {
        const rating = scaleNumber(text);
        return rating === undefined ? undefined : entry.buttons.find((b) => Number(b.label.trim()) === rating)?.payload;
      }
      const n = optionNumber(text);
      if (n !== undefined) return entry.buttons[n - 1]?.payload;
      const typed = text.trim().toLocaleLowerCase();
      return entry.buttons.find((b) => b.label.trim().toLocaleLowerCase() === typed)?.payload;
    },
  };
}

const CHINESE_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** True when every button is labelled with a number (a 0–10 or 1–5 rating): then they are shown and read by label. */
export function isNumberScale(buttons: readonly QuickReply[]): boolean {
  return buttons.length > 0 && buttons.every((b) => /^\d{1,2}$/.test(b.label.trim()));
}

/** A rating typed in any of the scripts `optionNumber` reads, 0 included ("0", "٠", "零"). */
function scaleNumber(text: string): number | undefined {
  const t = text.normalize('NFKC').trim().replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
  if (/^(0|零|〇)$/u.test(t)) return 0;
  return optionNumber(t);
}

/**
 * The option number a customer typed: ASCII, full-width, Arabic-Indic or Persian digits, or Chinese numerals up to
 * 九十九, optionally followed by ".", "、", ")" or "号/號". Undefined for anything else (a date, a phone number…).
 */
export function optionNumber(text: string): number | undefined {
  // NFKC turns full-width digits (１２) into ASCII; Arabic-Indic and Persian digits are mapped by hand.
  const t = text
    .normalize('NFKC')
    .trim()
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/^第/, '')
    .replace(/\s*[.)、。号號]$/u, '');
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    return n >= 1 ? n : undefined;
  }
  return chineseNumber(t);
}

function chineseNumber(t: string): number | undefined {
  const m = /^([一二两兩三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(t);
  if (!m || t === '') return undefined;
  const [, first, ten, last] = m;
  if (!ten) return first && !last ? CHINESE_DIGITS[first] : undefined;
  return (first ? CHINESE_DIGITS[first]! : 1) * 10 + (last ? CHINESE_DIGITS[last]! : 0);
}
