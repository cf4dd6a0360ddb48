import { describe, expect, it } from 'vitest';
import { ChannelError } from '../channel-error.js';
import { LineApiError, parseRetryAfter } from './line.client.js';
import { codeFor, isAlreadyAccepted, isInvalidReplyToken, toChannelError } from './line.errors.js';

describe('LINE error mapping', () => {
  it.each([
    [401, 'Authentication failed. Confirm that the access token in the authorization header is valid.', 'AUTH'],
    [403, 'Access to this API is not available for your account', 'AUTH'],
    [400, 'Failed to send messages', 'BLOCKED_BY_USER'],
    [403, 'Failed to send messages', 'BLOCKED_BY_USER'],
    [400, "The property, 'to', in the request body is invalid (line: -, column: -)", 'INVALID_RECIPIENT'],
    [404, 'Not found', 'INVALID_RECIPIENT'],
    [429, 'Too Many Requests', 'RATE_LIMITED'],
    [429, 'You have reached your monthly limit.', 'RATE_LIMITED'],
    [500, 'Internal Server Error', 'TEMPORARY'],
    [503, 'Service Unavailable', 'TEMPORARY'],
    [0, 'TimeoutError', 'TEMPORARY'],
    [400, 'The request body has 1 error(s)', 'UNKNOWN'],
    [400, 'Invalid reply token', 'UNKNOWN'],
  ] as const)('%i "%s" → %s', (status, message, code) => {
    expect(codeFor(status, message)).toBe(code);
  });

  it('keeps the Retry-After hint on RATE_LIMITED and says nothing about the request body', () => {
    const failure = toChannelError(new LineApiError('/v2/bot/message/push', 429, 'Too Many Requests', { retryAfterMs: 3000 }));
    expect(failure).toBeInstanceOf(ChannelError);
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000, message: 'LINE /v2/bot/message/push failed: 429 Too Many Requests' });
  });

  it('passes ChannelErrors through and calls anything else UNKNOWN', () => {
    const own = new ChannelError('WINDOW_CLOSED', 'x');
    expect(toChannelError(own)).toBe(own);
    expect(toChannelError(new Error('boom')).code).toBe('UNKNOWN');
  });

  it('recognizes an unusable reply token and an already accepted retry key', () => {
    expect(isInvalidReplyToken(new LineApiError('/reply', 400, 'Invalid reply token'))).toBe(true);
    expect(isInvalidReplyToken(new LineApiError('/reply', 400, 'Failed to send messages'))).toBe(false);
    expect(isAlreadyAccepted(new LineApiError('/push', 409, 'The retry key is already accepted', { acceptedRequestId: 'r1' }))).toBe(true);
    expect(isAlreadyAccepted(new LineApiError('/push', 409, 'Conflict'))).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
