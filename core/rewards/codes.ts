// Human-friendly random codes in Crockford's base32: no I, L, O or U, so a code read aloud or typed from a
// screenshot survives the usual confusions (O/0, I/1/L), and case does not matter.
import { randomInt } from 'node:crypto';

/** Symbols in a voucher code: 50 bits, shown as `XXXX-XXXX-XX`. */
export const VOUCHER_CODE_LENGTH = 10;

/** Crockford's base32 alphabet (32 symbols, 5 bits each). */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` symbols from the CSPRNG, each uniform over the alphabet (`randomInt` has no modulo bias). */
export function randomCrockford(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CROCKFORD_ALPHABET[randomInt(0, CROCKFORD_ALPHABET.length)];
  return out;
}

/** Splits a code into dash-separated groups of `group` symbols for display: `K7Q4X9MD2P` → `K7Q4-X9MD-2P`. */
export function groupCode(code: string, group = 4): string {
  return code.match(new RegExp(`.{1,${group}}`, 'g'))?.join('-') ?? '';
}

/**
 * Reads a code as a person typed it: case-insensitive, with or without dashes or spaces, and Crockford's decoding of
 * look-alikes (O→0, I and L→1). Returns the bare symbols, or null when something else is in it.
 */
export function normalizeCode(input: string): string | null {
  const bare = input
    .normalize('NFKC') // full-width letters from a CJK keyboard
    .replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) - 0x0660) % 0x90)) // Arabic-Indic digits
    .toUpperCase()
    .replace(/[\s\u2010-\u2015\u2212-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]+$/.test(bare) ? bare : null;
}
