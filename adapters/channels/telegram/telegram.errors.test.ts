import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_API_ERRORS, startFakeTelegramApi, type FakeTelegramApi } from '../../../test/fakes/telegram-bot-api.js';
import { ChannelError, isRetryableChannelError } from '../channel-error.js';
import { codeFor, toChannelError } from './telegram.errors.js';

describe('toChannelError against the real grammy client', () => {
  let fake: FakeTelegramApi;
  let api: Api;

  beforeAll(async () => {
    fake = await startFakeTelegramApi();
    api = new Api(fake.token, { apiRoot: fake.url });
  });
  afterAll(() => fake.close());

  const failureOf = async (call: () => Promise<unknown>): Promise<ChannelError> => {
    try {
      await call();
    } catch (err) {
      return toChannelError(err);
    }
    throw new Error('expected the call to fail');
  };

  it('maps "bot was blocked by the user" to BLOCKED_BY_USER', async () => {
    fake.failNext('sendMessage', BOT_API_ERRORS.blockedByUser);
    const err = await failureOf(() => api.sendMessage(4242, 'hi'));
    expect(err.code).toBe('BLOCKED_BY_USER');
    expect(err.message).toBe('Telegram sendMessage failed: 403 Forbidden: bot was blocked by the user');
  });

  it('maps 429 to RATE_LIMITED with the wait Telegram asked for', async () => {
    fake.failNext('sendMessage', BOT_API_ERRORS.tooManyRequests(7));
    const err = await failureOf(() => api.sendMessage(4242, 'hi'));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfterMs).toBe(7000);
    expect(isRetryableChannelError(err.code)).toBe(true);
  });

  it('maps "chat not found" to INVALID_RECIPIENT', async () => {
    fake.failNext('sendMessage', BOT_API_ERRORS.chatNotFound);
    expect((await failureOf(() => api.sendMessage(1, 'hi'))).code).toBe('INVALID_RECIPIENT');
  });

  it('maps a wrong token to AUTH', async () => {
    const wrong = new Api('999:wrong-token', { apiRoot: fake.url });
    const err = await failureOf(() => wrong.sendMessage(4242, 'hi'));
    expect(err.code).toBe('AUTH');
    expect(isRetryableChannelError(err.code)).toBe(false);
  });

  it('maps 5xx and network failures to TEMPORARY', async () => {
    fake.failNext('sendMessage', BOT_API_ERRORS.badGateway);
    expect((await failureOf(() => api.sendMessage(4242, 'hi'))).code).toBe('TEMPORARY');
    fake.dropNext('sendMessage');
    expect((await failureOf(() => api.sendMessage(4242, 'hi'))).code).toBe('TEMPORARY');
  });

  it('maps other 400s (our own bugs) to UNKNOWN and keeps the cause', async () => {
    const err = await failureOf(() => api.sendMessage(4242, '   '));
    expect(err.code).toBe('UNKNOWN');
    expect(err.message).toContain('message text is empty');
    expect(err.cause).toBeDefined();
  });

  it('passes ChannelErrors through and wraps anything else as UNKNOWN', () => {
    const original = new ChannelError('WINDOW_CLOSED', 'closed');
    expect(toChannelError(original)).toBe(original);
    expect(toChannelError(new TypeError('boom')).code).toBe('UNKNOWN');
    expect(toChannelError('string thrown').code).toBe('UNKNOWN');
  });
});

describe('codeFor', () => {
  it.each([
    [403, 'Forbidden: user is deactivated', 'BLOCKED_BY_USER'],
    [403, "Forbidden: bot can't send messages to bots", 'INVALID_RECIPIENT'],
    [400, 'Bad Request: PEER_ID_INVALID', 'INVALID_RECIPIENT'],
    [404, 'Not Found', 'AUTH'],
    [500, 'Internal Server Error', 'TEMPORARY'],
    [409, 'Conflict: terminated by other getUpdates request', 'UNKNOWN'],
    [400, 'Bad Request: BUTTON_DATA_INVALID', 'UNKNOWN'],
  ] as const)('%i %s → %s', (status, description, code) => {
    expect(codeFor(status, description)).toBe(code);
  });
});
