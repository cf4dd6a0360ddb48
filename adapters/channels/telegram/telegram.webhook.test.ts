import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../../test/fakes/telegram-bot-api.js';
import { createTelegramChannel, type TelegramChannel } from './telegram.channel.js';
import { MemorySink, reply, silentLogger, textUpdate } from './telegram.test-support.js';
import { telegramWebhookPlugin } from './telegram.webhook.js';

const SECRET = 'webhook-secret_0123456789';
const PATH = '/telegram/webhook';

describe('Telegram webhook', () => {
  let fake: FakeTelegramApi;
  let sink: MemorySink;
  let channel: TelegramChannel;
  let app: FastifyInstance;

  beforeEach(async () => {
    fake = await startFakeTelegramApi();
    sink = new MemorySink(() => [reply('Welcome back!', { buttons: [{ label: 'Balance', payload: 'menu:balance' }] })]);
    channel = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink, log: silentLogger, botInfo: fake.botInfo });
    app = Fastify();
    await app.register(telegramWebhookPlugin, { path: PATH, secretToken: SECRET, channel });
  });
  afterEach(async () => {
    await app.close();
    await fake.close();
  });

  const post = (body: string, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET }) =>
    app.inject({ method: 'POST', url: PATH, headers: { 'content-type': 'application/json', ...headers }, payload: body });

  it('accepts an update with the right secret, handles it and sends the reply', async () => {
    const res = await post(JSON.stringify(textUpdate(2001, 'hi')));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    // The route awaits the whole turn, so the send has happened by the time Telegram gets its 200.
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
    expect(fake.callsTo('sendMessage')[0]?.params).toMatchObject({
      chat_id: '4242',
      text: 'Welcome back!',
      reply_markup: { inline_keyboard: [[{ text: 'Balance', callback_data: 'menu:balance' }]] },
    });
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { platformMessageId: '1' } }]);
  });

  it('answers a redelivered update with 200 and sends nothing the second time', async () => {
    const body = JSON.stringify(textUpdate(2002, 'hi'));
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).statusCode).toBe(200);
    expect(sink.received).toHaveLength(2);
    expect(sink.processed).toHaveLength(1);
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
  });

  it.each([
    ['a wrong secret', { 'x-telegram-bot-api-secret-token': 'not-the-secret' }],
    ['a secret of another length', { 'x-telegram-bot-api-secret-token': `${SECRET}x` }],
    ['no secret', {}],
  ])('refuses %s with 401 and never calls the sink', async (_name, headers) => {
    const res = await post(JSON.stringify(textUpdate(2003, 'hi')), headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) as string } });
    expect(sink.received).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('checks the secret before parsing: malformed JSON without the secret is a 401', async () => {
    const res = await post('{not json', {});
    expect(res.statusCode).toBe(401);
  });

  it('answers malformed JSON with a 400 in our error shape and stores nothing', async () => {
    const res = await post('{"update_id": 1,');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) as string } });
    expect(sink.received).toEqual([]);
  });

  it.each([
    ['no update_id', { message: { text: 'hi' } }],
    ['a fractional update_id', { update_id: 1.5 }],
    ['a string update_id', { update_id: '7' }],
    ['an array', [{ update_id: 1 }]],
    ['null', null],
  ])('answers a body with %s with 400 and stores nothing', async (_name, body) => {
    const res = await post(JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: 'Body must be a JSON object with an integer update_id' },
    });
    expect(sink.received).toEqual([]);
  });

  it('answers an empty body and non-JSON content types in our error shape', async () => {
    const empty = await post('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });

    const text = await app.inject({
      method: 'POST',
      url: PATH,
      headers: { 'content-type': 'application/xml', 'x-telegram-bot-api-secret-token': SECRET },
      payload: '<update_id>1</update_id>',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });

    // Fastify parses text/plain into a string, which then fails the shape check.
    const plain = await post('{"update_id": 1}', { 'content-type': 'text/plain', 'x-telegram-bot-api-secret-token': SECRET });
    expect(plain.statusCode).toBe(400);
    expect(sink.received).toEqual([]);
  });

  it('answers 500 when the sink fails, so Telegram delivers the update again', async () => {
    sink.answerWith(() => {
      throw new Error('database unavailable');
    });
    const res = await post(JSON.stringify(textUpdate(2004, 'hi')));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
  });

  it('answers 200 to update types the bot ignores', async () => {
    const res = await post(JSON.stringify({ update_id: 2005, edited_message: { message_id: 1, date: 1, edit_date: 2, chat: { id: 1, type: 'private', first_name: 'A' }, text: 'x' } }));
    expect(res.statusCode).toBe(200);
    expect(sink.received).toEqual([]);
  });

  it('refuses to register with a secret Telegram would not accept', async () => {
    const other = Fastify();
    await expect(other.register(telegramWebhookPlugin, { path: PATH, secretToken: 'has spaces!', channel }).ready()).rejects.toThrow(
      /webhook secret/,
    );
    await other.close();
  });
});

describe('Telegram webhook on a listening server', () => {
  let fake: FakeTelegramApi;
  let app: FastifyInstance;
  let sink: MemorySink;
  let channel: TelegramChannel;
  let base: string;

  beforeEach(async () => {
    fake = await startFakeTelegramApi();
    sink = new MemorySink(() => [reply('Hello over HTTP')]);
    channel = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink, log: silentLogger });
    app = Fastify();
    await app.register(channel.webhookRoute(SECRET));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await app.close();
    await fake.close();
  });

  it('handles a real HTTP delivery with the secret and refuses one without', async () => {
    const update = JSON.stringify(textUpdate(3001, 'hi'));
    const ok = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: update,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true });
    expect(fake.callsTo('sendMessage').map((c) => c.params.text)).toEqual(['Hello over HTTP']);

    const refused = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      body: JSON.stringify(textUpdate(3002, 'hi')),
    });
    expect(refused.status).toBe(401);
    expect(sink.received).toHaveLength(1);

    const malformed = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: '{"update_id":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(sink.received).toHaveLength(1);
  });

  it('registers the webhook with Telegram with the secret and the update types we handle', async () => {
    await channel.setWebhook('https://bot.example.com/telegram/webhook', SECRET);
    expect(fake.webhook).toEqual({ url: 'https://bot.example.com/telegram/webhook', secretToken: SECRET });
    expect(fake.callsTo('setWebhook')[0]?.params).toEqual({
      url: 'https://bot.example.com/telegram/webhook',
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
      drop_pending_updates: false,
    });
  });

  it('turns a failed setWebhook into a ChannelError', async () => {
    const wrongToken = createTelegramChannel({ token: '1:wrong', apiRoot: fake.url, sink, log: silentLogger });
    await expect(wrongToken.setWebhook('https://bot.example.com/x', SECRET)).rejects.toMatchObject({
      name: 'ChannelError',
      code: 'AUTH',
    });
  });
});
