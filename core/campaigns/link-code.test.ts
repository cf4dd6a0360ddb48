import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeLinkCode, encodeLinkCode } from './link-code.js';

describe('tracked link codes', () => {
  it('round-trips a send id and link id in a short code', () => {
    const id = randomUUID();
    const code = encodeLinkCode(id, 42);
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}\.42$/);
    expect(decodeLinkCode(code)).toEqual({ sendId: id, linkId: 42 });
  });

  it('refuses malformed codes', () => {
    const good = encodeLinkCode(randomUUID(), 7);
    for (const bad of ['', 'abc', `${good}x`, good.replace('.7', '.0'), good.replace('.7', '.'), `${good.slice(0, 21)}.7`, '../../etc.1', `${good.slice(0, 22)}.99999999999999999`]) {
      expect(decodeLinkCode(bad)).toBeNull();
    }
  });
});
