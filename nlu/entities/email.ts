// Email addresses, lower-cased. The text is cut into runs of characters an address may hold
// and each run with one @ is checked on its own, so there is no regex backtracking over the
// whole message and an address glued to Chinese or Arabic text is still found.
import { normalizeText } from '../normalize.js';

const MAX_LENGTH = 254;
const CANDIDATE = /[a-z0-9.!#$%&'*+/=?^_`{|}~@-]+/gu;
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/u;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** Whether a lower-case candidate is a plausible address: dot-atom local part (≤ 64), at least two domain labels, alphabetic TLD. */
export function isEmail(candidate: string): boolean {
  if (candidate.length > MAX_LENGTH) return false;
  const at = candidate.indexOf('@');
  if (at <= 0 || at !== candidate.lastIndexOf('@')) return false;
  const local = candidate.slice(0, at);
  const labels = candidate.slice(at + 1).split('.');
  const tld = labels[labels.length - 1] ?? '';
  return local.length <= 64 && LOCAL.test(local) && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(tld);
}

/** Email addresses with their spans in an already normalized text. */
export function findEmails(normalized: string): { email: string; start: number; end: number }[] {
  const found: { email: string; start: number; end: number }[] = [];
  for (const match of normalized.matchAll(CANDIDATE)) {
    const run = match[0];
    if (!run.includes('@') || run.length > MAX_LENGTH + 2) continue;
    // A sentence's full stop or a quote mark glued to the address is not part of it.
    const lead = /^[.'`]*/u.exec(run)?.[0].length ?? 0;
    const email = run.slice(lead).replace(/[.'`]+$/u, '');
    if (isEmail(email)) found.push({ email, start: match.index + lead, end: match.index + lead + email.length });
  }
  return found;
}

/** The email addresses in a message, lower-cased (full-width ＠ and letters folded), in order. */
export function extractEmails(text: string): string[] {
  return findEmails(normalizeText(text)).map((e) => e.email);
}
