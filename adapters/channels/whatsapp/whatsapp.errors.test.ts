import { describe, expect, it } from 'vitest';
import { codeFor, graphError, retryHintMs } from './whatsapp.errors.js';

describe('Graph error mapping', () => {
  it.each([
    [400, 131047, 'WINDOW_CLOSED'],
    [400, 131026, 'INVALID_RECIPIENT'],
    [401, 190, 'AUTH'],
    [400, 130429, 'RATE_LIMITED'],
    [400, 131048, 'RATE_LIMITED'],
    [400, 131056, 'RATE_LIMITED'],
    [400, 80007, 'RATE_LIMITED'],
    [400, 131050, 'BLOCKED_BY_USER'],
    [503, 131016, 'TEMPORARY'],
    [502, undefined, 'TEMPORARY'],
    [429, undefined, 'RATE_LIMITED'],
    [400, 100, 'UNKNOWN'],
    [404, 132001, 'UNKNOWN'],
  ] as const)('HTTP %i with Graph code %s is %s', (status, code, expected) => {
    expect(codeFor(status, code)).toBe(expected);
  });

  it('reads the retry hint from Retry-After, else from X-Business-Use-Case-Usage', () => {
    expect(retryHintMs(new Headers({ 'retry-after': '7' }))).toBe(7000);
    const usage = JSON.stringify({ '102290129340398': [{ type: 'whatsapp', call_count: 100, estimated_time_to_regain_access: 2 }] });
    expect(retryHintMs(new Headers({ 'x-business-use-case-usage': usage }))).toBe(120_000);
    expect(retryHintMs(new Headers({ 'x-business-use-case-usage': 'not json' }))).toBeUndefined();
    expect(retryHintMs(new Headers())).toBeUndefined();
  });

  it('keeps the hint only for rate limits and puts no payload in the message', () => {
    const limited = graphError(429, { code: 130429, message: 'Rate limit hit' }, new Headers({ 'retry-after': '3' }));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000, message: 'WhatsApp Graph API 429: 130429 Rate limit hit' });
    expect(graphError(400, { code: 131026, message: 'Message undeliverable' }, new Headers({ 'retry-after': '3' })).retryAfterMs).toBeUndefined();
  });
});
