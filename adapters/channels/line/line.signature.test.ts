import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lineSignature, verifyLineSignature } from './line.signature.js';

const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
const BODY = Buffer.from('{"destination":"U1","events":[]}', 'utf8');

describe('LINE webhook signature', () => {
  it('is the base64 HMAC-SHA256 of the raw body with the channel secret', () => {
    const expected = createHmac('sha256', SECRET).update(BODY).digest('base64');
    expect(lineSignature(SECRET, BODY)).toBe(expected);
    expect(verifyLineSignature(SECRET, BODY, expected)).toBe(true);
  });

  it('rejects a signature made with another secret, or over other bytes', () => {
    expect(verifyLineSignature(SECRET, BODY, lineSignature('another-secret', BODY))).toBe(false);
    // Re-serialized JSON is a different body: the check must run on the bytes LINE sent.
    const reformatted = Buffer.from('{ "destination": "U1", "events": [] }', 'utf8');
    expect(verifyLineSignature(SECRET, reformatted, lineSignature(SECRET, BODY))).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['repeated header', [lineSignature(SECRET, BODY), lineSignature(SECRET, BODY)]],
    ['too short', 'abc='],
    ['not base64', '!!!!' + lineSignature(SECRET, BODY).slice(4)],
    ['hex instead of base64', createHmac('sha256', SECRET).update(BODY).digest('hex')],
    ['absurdly long', 'A'.repeat(10_000)],
  ])('rejects a %s header without throwing', (_name, header) => {
    expect(verifyLineSignature(SECRET, BODY, header)).toBe(false);
  });
});
