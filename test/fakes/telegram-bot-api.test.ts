import { Api, GrammyError, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegramApi, type FakeTelegramApi } from './telegram-bot-api.js';

const update = (id: number) => ({
  update_id: id,
  message: {
    message_id: id,
    date: 1,
    chat: { id: 7, type: 'private' as const, first_name: 'A' },
    from: { id: 7, is_bot: false, first_name: 'A' },
    text: `m${id}`,
  },
});

describe('fake Telegram Bot API', () => {
  let fake: FakeTelegramApi;
  let api: Api;

  beforeEach(async () => {
    fake = await startFakeTelegramApi({ longPollCapMs: 2000 });
    api = new Api(fake.token, { apiRoot: fake.url });
  });
  afterEach(() => fake.close());

  it('refuses a wrong token with 401 like Telegram', async () => {
    const wrong = new Api('1:nope', { apiRoot: fake.url });
    const err = await wrong.getMe().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({ error_code: 401, description: 'Unauthorized' });
  });

  it('returns the configured bot from getMe', async () => {
    expect(await api.getMe()).toEqual(fake.botInfo);
  });

  it('keeps updates until an offset confirms them', async () => {
    fake.queueUpdate(update(10));
    fake.queueUpdate(update(11));
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([10, 11]);
    expect((await api.getUpdates({ offset: 11 })).map((u) => u.update_id)).toEqual([11]);
    expect(await api.getUpdates({ offset: 12 })).toEqual([]);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it('holds a long poll until an update is queued', async () => {
    const began = Date.now();
    const poll = api.getUpdates({ timeout: 30 });
    setTimeout(() => fake.queueUpdate(update(20)), 50);
    expect((await poll).map((u) => u.update_id)).toEqual([20]);
    expect(Date.now() - began).toBeLessThan(1500);
  });

  it('caps the long poll and honours allowed_updates', async () => {
    const short = await startFakeTelegramApi({ longPollCapMs: 200 });
    const shortApi = new Api(short.token, { apiRoot: short.url });
    short.queueUpdate({ update_id: 30, edited_message: { ...update(30).message, edit_date: 2 } });
    const began = Date.now();
    expect(await shortApi.getUpdates({ timeout: 30, allowed_updates: ['message'] })).toEqual([]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(190);
    expect(Date.now() - began).toBeLessThan(2000);
    await short.close();
  });

  it('records sendMessage and returns a realistic Message with increasing ids', async () => {
    const first = await api.sendMessage(7, 'one');
    const second = await api.sendMessage('7', 'two', {
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    expect(first).toMatchObject({ message_id: 1, chat: { id: 7, type: 'private' }, text: 'one', from: { is_bot: true } });
    expect(second).toMatchObject({ message_id: 2, reply_markup: { inline_keyboard: [[{ callback_data: 'a' }]] } });
    expect(fake.callsTo('sendMessage').map((c) => c.params)).toEqual([
      { chat_id: 7, text: 'one' },
      { chat_id: '7', text: 'two', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } },
    ]);
  });

  it('rejects what Telegram rejects: empty text, overlong text, callback data over 64 bytes', async () => {
    await expect(api.sendMessage(7, ' ')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: message text is empty' });
    await expect(api.sendMessage(7, 'x'.repeat(4097))).rejects.toMatchObject({ description: 'Bad Request: message is too long' });
    await expect(
      api.sendMessage(7, 'x', { reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'd'.repeat(65) }]] } }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
  });

  it('decodes multipart uploads (grammy switches to them for files)', async () => {
    const sent = await api.sendPhoto(7, new InputFile(Buffer.from('fake-jpeg'), 'c.jpg'), {
      caption: 'hi',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    expect(sent).toMatchObject({ caption: 'hi', photo: expect.any(Array) as unknown[] });
    const [call] = fake.callsTo('sendPhoto');
    expect(call?.params).toMatchObject({
      chat_id: 7,
      caption: 'hi',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    const attach = String(call?.params.photo);
    expect(attach).toMatch(/^attach:\/\//);
    expect(call?.params[attach.slice('attach://'.length)]).toEqual({ filename: 'c.jpg', size: 9 });
  });

  it('fails the next call as asked, then recovers', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } });
    await expect(api.sendMessage(7, 'x')).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 5 } });
    await expect(api.sendMessage(7, 'x')).resolves.toMatchObject({ text: 'x' });
    expect(fake.callsTo('sendMessage')).toHaveLength(2);
  });

  it('refuses getUpdates while a webhook is set, as Telegram does', async () => {
    await api.setWebhook('https://example.com/hook', { secret_token: 's3cret' });
    expect(fake.webhook).toEqual({ url: 'https://example.com/hook', secretToken: 's3cret' });
    await expect(api.getUpdates()).rejects.toMatchObject({ error_code: 409 });
    await api.deleteWebhook();
    await expect(api.getUpdates()).resolves.toEqual([]);
  });

  it('waitForCalls rejects with what was called when the calls never come', async () => {
    await api.getMe();
    await expect(fake.waitForCalls('sendMessage', 1, 50)).rejects.toThrow(/calls so far: getMe/);
  });
});
