import { describe, expect, it } from 'vitest';
import { isValidSignature, sameSecret, signBody } from './whatsapp.signature.js';

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

describe('X-Hub-Signature-256', () => {
  it('accepts the HMAC-SHA256 of the exact raw body with the app secret', () => {
    expect(signBody(body, 'secret')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(isValidSignature(body, signBody(body, 'secret'), 'secret')).toBe(true);
    expect(isValidSignature(body, signBody(body, 'secret').toUpperCase().replace('SHA256=', 'sha256='), 'secret')).toBe(true);
  });

  it('refuses another secret, another body, a missing or malformed header', () => {
    expect(isValidSignature(body, signBody(body, 'other'), 'secret')).toBe(false);
    expect(isValidSignature(Buffer.concat([body, Buffer.from(' ')]), signBody(body, 'secret'), 'secret')).toBe(false);
    expect(isValidSignature(body, undefined, 'secret')).toBe(false);
    expect(isValidSignature(body, 'sha1=abc', 'secret')).toBe(false);
    expect(isValidSignature(body, `sha256=${'0'.repeat(63)}`, 'secret')).toBe(false);
  });

  it('compares verify tokens of any length', () => {
    expect(sameSecret('token', 'token')).toBe(true);
    expect(sameSecret('token-but-longer', 'token')).toBe(false);
    expect(sameSecret('', 'token')).toBe(false);
  });
});
