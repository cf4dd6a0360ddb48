import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';

describe('agent passwords', () => {
  it('hashes with scrypt N=2^15 r=8 p=1, a random salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('compares Unicode passwords in one normal form', async () => {
    const stored = await hashPassword('كلمة-سر-طويلة-é');
    expect(await verifyPassword('كلمة-سر-طويلة-e\u0301', stored)).toBe(true);
  });

  it('refuses malformed or absurd stored hashes instead of throwing or allocating', async () => {
    for (const bad of ['', 'plain', 'scrypt$32768$8$1$salt', 'bcrypt$1$2$3$4$5', 'scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      expect(await verifyPassword('whatever-password', bad)).toBe(false);
    }
  });

  it('says what is wrong with a new password', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('x'.repeat(201))).toMatch(/at most 200/);
    expect(passwordProblem(' padded password ')).toMatch(/spaces/);
    expect(passwordProblem('a fine long password')).toBeNull();
  });
});
