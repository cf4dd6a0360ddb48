import { describe, expect, it } from 'vitest';
import { hashApiKey, parseApiKey } from './api-keys.js';

const KEY = `pos_0123456789ab_${'f'.repeat(64)}`;

describe('parseApiKey', () => {
  it('splits a well-formed key into its public prefix and its secret', () => {
    expect(parseApiKey(KEY)).toEqual({ prefix: '0123456789ab', secret: 'f'.repeat(64) });
  });

  it('refuses anything else: other prefixes, short secrets, upper case, whitespace, the Bearer word', () => {
    for (const bad of ['', 'pos_', `key_0123456789ab_${'f'.repeat(64)}`, `pos_0123456789ab_${'f'.repeat(63)}`, KEY.toUpperCase(), ` ${KEY}`, `${KEY}\n`, `Bearer ${KEY}`, `pos_0123456789a_${'f'.repeat(65)}`]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });
});

describe('hashApiKey', () => {
  it('is the hex SHA-256 of the whole key, so the same secret under another prefix hashes differently', () => {
    expect(hashApiKey(KEY)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(KEY)).not.toBe(hashApiKey(KEY.replace('0123456789ab', 'ba9876543210')));
  });
});
