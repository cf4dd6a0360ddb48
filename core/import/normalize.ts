// Field normalization for imports: what makes two rows "the same customer" (phone, email) must be computed the
// same way for every row and for the rows already in the database, so it lives in one place.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { isValidMemberCode } from '../loyalty/index.js';

/** A normalized value, or the reason it was refused (written to the rejects file). */
export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

const ARABIC_INDIC = /[\u0660-\u0669\u06F0-\u06F9]/g;
const PHONE_NOISE = /[\s().\-\u00A0\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A phone number as E.164, with `region` assumed for numbers written without a country code. The `max` metadata
 * checks the digits against the country's numbering plan (the `min` one only checks the length).
 */
export function normalizePhone(raw: string, region: CountryCode): Normalized<string> {
  // Exports from spreadsheets carry Arabic-Indic digits, separators and invisible marks; `00` is an international prefix.
  let text = raw.replace(ARABIC_INDIC, (d) => String((d.charCodeAt(0) & 0xf) % 10)).replace(PHONE_NOISE, '');
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const phone = parsePhoneNumberFromString(text, region);
  return phone?.isValid() ? { ok: true, value: phone.number } : { ok: false, reason: 'invalid_phone' };
}

// Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is for the mailer to find out.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

/** An email trimmed and lower-cased (so Ana@Example.com and ana@example.com are one customer), or a refusal. */
export function normalizeEmail(raw: string): Normalized<string> {
  const value = raw.trim().toLowerCase();
  return value.length <= 254 && EMAIL.test(value) ? { ok: true, value } : { ok: false, reason: 'invalid_email' };
}

/** A birthday as YYYY-MM-DD: a real calendar date between 1900 and today. */
export function normalizeBirthday(raw: string, today: Date): Normalized<string> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return { ok: false, reason: 'invalid_birthday' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return real && y >= 1900 && date.getTime() <= today.getTime() ? { ok: true, value: m[0] } : { ok: false, reason: 'invalid_birthday' };
}

/** A non-negative whole number that fits a database integer (points, minor units, quantities). */
export function normalizeCount(raw: string, reason: string, max = 2_147_483_647): Normalized<number> {
  const text = raw.trim();
  if (!/^\d{1,10}$/.test(text)) return { ok: false, reason };
  const value = Number(text);
  return value <= max ? { ok: true, value } : { ok: false, reason };
}

/**
 * A member code in the programme's format (10 digits, Luhn check digit): the tills and the POS API accept no other,
 * so a member imported with another code could never be identified at a till.
 */
export function normalizeMemberCode(raw: string): Normalized<string> {
  const value = raw.trim().replace(/[\s-]/g, '');
  return isValidMemberCode(value) ? { ok: true, value } : { ok: false, reason: 'invalid_member_code' };
}

/** true/false in the spellings spreadsheets use; an empty cell is false. */
export function normalizeFlag(raw: string, reason: string): Normalized<boolean> {
  const text = raw.trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0' || text === 'no' || text === 'n') return { ok: true, value: false };
  if (text === 'true' || text === '1' || text === 'yes' || text === 'y') return { ok: true, value: true };
  return { ok: false, reason };
}
