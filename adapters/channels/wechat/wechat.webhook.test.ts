import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../../core/inbox/index.js';
import { aesKeyFrom, encryptMessage, wechatSignature } from './wechat.crypto.js';
import { wechatWebhookPlugin } from './wechat.webhook.js';
import { captureLogger, encryptedRequest, eventXml, nowSeconds, signedQuery, TEST_AES_KEY, TEST_APP_ID, TEST_TOKEN, textXml } from './wechat.test-support.js';

const PATH = '/wechat/webhook';

/** An inbox that records what it accepts and dedupes on channel + eventId, like the real one. */
function memoryInbox() {
  const events: InboundEvent[] = [];
  return {
    events,
    accept(event: InboundEvent) {
      const duplicate = events.some((e) => e.eventId === event.eventId);
      if (!duplicate) events.push(event);
      return Promise.resolve({ duplicate });
    },
  };
}

describe('WeChat webhook', () => {
  let app: FastifyInstance;
  let inbox: ReturnType<typeof memoryInbox>;
  let logs: ReturnType<typeof captureLogger>;
  const start = async (aes = false) => {
    app = Fastify();
    await app.register(wechatWebhookPlugin, {
      path: PATH,
      token: TEST_TOKEN,
      appId: TEST_APP_ID,
      ...(aes ? { aesKey: aesKeyFrom(TEST_AES_KEY) } : {}),
      clock: { now: () => new Date() },
      inbox,
      log: logs.log,
    });
  };
  beforeEach(() => {
    inbox = memoryInbox();
    logs = captureLogger();
  });
  afterEach(() => app.close());

  const post = (body: string, query = signedQuery()) =>
    app.inject({ method: 'POST', url: `${PATH}?${query}`, headers: { 'content-type': 'text/xml' }, payload: body });

  it('stores a signed text message in the inbox keyed by MsgId and openid, and answers "success"', async () => {
    await start();
    const res = await post(textXml('o1', 77, 'hi'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('success');
    expect(inbox.events).toMatchObject([{ channel: 'wechat', eventId: 'msg:77', chatKey: 'o1', payload: { Content: 'hi', MsgType: 'text' } }]);
  });

  it('answers a redelivery with "success" and stores it once', async () => {
    await start();
    const xml = textXml('o1', 78, 'hi');
    expect((await post(xml)).body).toBe('success');
    expect((await post(xml)).body).toBe('success');
    expect(inbox.events).toHaveLength(1);
  });

  it('refuses a forged signature before reading the body (even a hostile one)', async () => {
    await start();
    const res = await post('<!DOCTYPE x [<!ENTITY a "b">]><xml/>', signedQuery({ token: 'wrongToken' }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(inbox.events).toEqual([]);
  });

  it('logs each ignored event type once, by type only', async () => {
    await start();
    for (let i = 0; i < 3; i++) expect((await post(eventXml(`o${i}`, 'VIEW', { EventKey: 'https://x' }))).body).toBe('success');
    expect(inbox.events).toEqual([]);
    expect(logs.entries().filter((e) => e.msg === 'wechat event type ignored')).toEqual([expect.objectContaining({ type: 'event:VIEW' })]);
  });

  it('answers an empty body with 400', async () => {
    await start();
    expect((await post('')).statusCode).toBe(400);
  });

  it('verifies in safe mode: decrypts echostr with msg_signature', async () => {
    await start(true);
    const key = aesKeyFrom(TEST_AES_KEY);
    const echostr = encryptMessage(key, TEST_APP_ID, 'echo-12345');
    const timestamp = String(nowSeconds());
    const nonce = 'n1';
    const query = new URLSearchParams({ timestamp, nonce, echostr, msg_signature: wechatSignature([TEST_TOKEN, timestamp, nonce, echostr]) }).toString();
    const res = await app.inject({ method: 'GET', url: `${PATH}?${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('echo-12345');
    const bad = new URLSearchParams({ timestamp, nonce, echostr, msg_signature: wechatSignature([TEST_TOKEN, timestamp, 'n2', echostr]) }).toString();
    expect((await app.inject({ method: 'GET', url: `${PATH}?${bad}` })).statusCode).toBe(401);
  });

  it('accepts an encrypted message in safe mode and refuses a wrong msg_signature', async () => {
    await start(true);
    const key = aesKeyFrom(TEST_AES_KEY);
    const req = encryptedRequest(textXml('o9', 90, '你好'), key);
    expect((await post(req.body, req.query)).body).toBe('success');
    expect(inbox.events).toMatchObject([{ eventId: 'msg:90', payload: { Content: '你好' } }]);
    const other = encryptedRequest(textXml('o9', 91, 'x'), key);
    expect((await post('<xml><ToUserName>gh_1</ToUserName></xml>', other.query)).statusCode).toBe(401);
    expect((await post(other.body, req.query)).statusCode).toBe(401);
    expect(inbox.events).toHaveLength(1);
  });
});
