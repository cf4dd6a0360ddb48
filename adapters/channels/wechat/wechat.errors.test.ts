import { describe, expect, it } from 'vitest';
import { codeForErrcode, errcodeError, errcodeOf, httpError } from './wechat.errors.js';

describe('WeChat error mapping', () => {
  it.each([
    [45015, 'WINDOW_CLOSED'], [40001, 'AUTH'], [42001, 'AUTH'], [40014, 'AUTH'], [40125, 'AUTH'], [45047, 'RATE_LIMITED'],
    [45009, 'RATE_LIMITED'], [43004, 'BLOCKED_BY_USER'], [43019, 'BLOCKED_BY_USER'], [40003, 'INVALID_RECIPIENT'], [-1, 'TEMPORARY'],
    [45002, 'UNKNOWN'], [99999, 'UNKNOWN'],
  ] as const)('maps errcode %i to %s', (errcode, code) => {
    expect(codeForErrcode(errcode)).toBe(code);
  });

  it('keeps the errcode for decisions and only the call and errcode in the message', () => {
    const err = errcodeError('message/custom/send', 42001, 'access_token expired');
    expect(err).toMatchObject({ code: 'AUTH', message: 'WeChat message/custom/send failed: errcode 42001 access_token expired' });
    expect(errcodeOf(err)).toBe(42001);
    expect(errcodeOf(new Error('x'))).toBeUndefined();
  });

  it('maps HTTP failures: 429 with its Retry-After, 5xx as TEMPORARY', () => {
    expect(httpError('token', 429, '3')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000 });
    expect(httpError('token', 429, null)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: undefined });
    expect(httpError('token', 503, null).code).toBe('TEMPORARY');
    expect(httpError('token', 404, null).code).toBe('UNKNOWN');
  });
});
