// Invite codes: 10 characters of Crockford base32 (no I, L, O, U: nothing to misread when typed from a screen), shown
// as two groups of five. 50 random bits, one-time, short-lived and rate-limited per sender: guessing is hopeless.
// Only the SHA-256 of the normalized code is stored.
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh code as shown to people, e.g. `K7Q2M-X9ABD`. */
export function generateInviteCode(): string {
  const bytes = randomBytes(10);
  let code = '';
  // 10 bytes, 5 bits of each: the alphabet has 32 letters, so every letter is equally likely.
  for (const b of bytes) code += ALPHABET[b & 31];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The code as typed, normalized: case, dashes and spaces ignored, O read as 0 and I/L as 1; null when it cannot be one. */
export function normalizeInviteCode(typed: string): string | null {
  const code = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (code.length !== 10) return null;
  for (const ch of code) if (!ALPHABET.includes(ch)) return null;
  return code;
}

/** The stored form of a normalized code. */
export function hashInviteCode(normalized: string): string {
  return createHash('sha256').update(`staff-invite:${normalized}`).digest('hex');
}
