// Agent passwords, hashed with scrypt (memory-hard: a stolen table costs an attacker 32 MiB and tens of milliseconds
// per guess). The stored form names its parameters, so they can be raised later and old hashes still verify.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP's minimum for scrypt); needs 128·N·r = 32 MiB. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
// Node's default maxmem is exactly 32 MiB, which N=2^15, r=8 just exceeds (it counts a little extra); allow twice that.
const MAXMEM = 64 * 1024 * 1024;
// Bounds a stored hash may ask for, so a tampered row cannot make one sign-in allocate gigabytes.
const MAX_N = 2 ** 20;

/** Shortest and longest accepted password (the upper bound keeps a sign-in from hashing megabytes). */
export const PASSWORD_LENGTH = { min: 10, max: 200 } as const;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, KEY_LENGTH, { N, r, p, maxmem: MAXMEM });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `password` matches `stored`; false for a wrong password or a malformed stored hash (never throws on those). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { N, r, p, salt, hash } = parsed;
  const candidate = await scryptAsync(password, salt, hash.length, { N, r, p, maxmem: Math.max(MAXMEM, 256 * N * r) });
  return timingSafeEqual(candidate, hash);
}

let dummy: Promise<string> | undefined;

/** Computes the stand-in hash `burnPasswordCheck` uses ahead of time, so even the first unknown login takes no longer than a known one. */
export async function preparePasswordCheck(): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await dummy;
}

/**
 * Spends the same work as checking a real password, for sign-ins with an unknown login (or an account without a
 * password), so the answer's timing does not tell which logins exist.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummy);
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_LENGTH.min) return `the password must be at least ${PASSWORD_LENGTH.min} characters`;
  if (password.length > PASSWORD_LENGTH.max) return `the password must be at most ${PASSWORD_LENGTH.max} characters`;
  if (password.trim() !== password) return 'the password must not start or end with spaces';
  return null;
}

function parseHash(stored: string): { N: number; r: number; p: number; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isSafeInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return null;
  if (!Number.isSafeInteger(r) || r < 1 || r > 32 || !Number.isSafeInteger(p) || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) return null;
  return { N, r, p, salt, hash };
}
