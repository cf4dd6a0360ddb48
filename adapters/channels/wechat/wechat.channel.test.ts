import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWechatApi, WECHAT_ERRORS, type FakeWechatApi } from '../../../test/fakes/wechat-api.js';
import { createWechatApi } from './wechat.api.js';
import { createWechatChannel, customerServiceWindowOpen, type WechatChannel } from './wechat.channel.js';
import { parseWechatXml } from './wechat.xml.js';
import { captureLogger, MemorySink, reply, silentLogger, textXml } from './wechat.test-support.js';

const clock = { now: () => new Date() };
const OPENID = 'oWx_customer_1';
const menu = reply('What would you like to do?', {
  buttons: [
    { label: 'Join the club', payload: 'intent:enroll' },
    { label: 'My points', payload: 'intent:balance' },
  ],
});
let nextId = 1;
const text = (content: string) => parseWechatXml(textXml(OPENID, nextId++, content));

describe('WeChat channel processor', () => {
  let fake: FakeWechatApi;
  let sink: MemorySink;
  let sleeps: number[];
  const build = (log = silentLogger): WechatChannel =>
    createWechatChannel({
      api: createWechatApi({ baseUrl: fake.url, appId: fake.appId, appSecret: fake.appSecret, clock }),
      sink,
      clock,
      log,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });

  beforeEach(async () => {
    fake = await startFakeWechatApi();
    sink = new MemorySink(() => [menu]);
    sleeps = [];
  });
  afterEach(() => fake.close());

  it('sends the reply with numbered options through the customer-service API and records it', async () => {
    await build().process(text('hi'));
    expect(fake.sent).toEqual([{ touser: OPENID, content: 'What would you like to do?\n\n1. Join the club\n2. My points', accessToken: 'fake-token-1' }]);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: {} }]);
    expect(sink.processed).toMatchObject([{ channel: 'wechat', externalUserId: OPENID, text: 'hi' }]);
  });

  it('maps a typed option number back to its payload, numbering across the replies of a turn', async () => {
    const channel = build();
    sink.answerWith(() => [reply('Hi!', { buttons: [{ label: 'Help', payload: 'intent:help' }] }), menu]);
    await channel.process(text('hi'));
    expect(fake.sent.map((s) => s.content)).toEqual(['Hi!\n\n1. Help', 'What would you like to do?\n\n2. Join the club\n3. My points']);
    sink.answerWith(() => [reply('ok')]);
    await channel.process(text('3'));
    expect(sink.processed.at(-1)).toMatchObject({ payload: 'intent:balance' });
    // The last turn had no options: a later "1" is just text.
    await channel.process(text('1'));
    expect(sink.processed.at(-1)).toMatchObject({ text: '1' });
  });

  it('caches the access token and refreshes it once when WeChat says it expired', async () => {
    const channel = build();
    await channel.process(text('a'));
    await channel.process(text('b'));
    expect(fake.tokensIssued()).toBe(1);
    fake.revokeTokens();
    await channel.process(text('c'));
    expect(fake.tokensIssued()).toBe(2);
    expect(fake.sent.map((s) => s.accessToken)).toEqual(['fake-token-1', 'fake-token-1', 'fake-token-2']);
    expect(sink.deliveries.map((d) => d.outcome)).toEqual([{}, {}, {}]);
  });

  it('hands a temporary failure before anything was sent back to the inbox, and delivers on the retry', async () => {
    const channel = build();
    fake.failNextSend(WECHAT_ERRORS.systemBusy);
    const payload = text('hi');
    await expect(channel.process(payload)).rejects.toMatchObject({ code: 'TEMPORARY' });
    expect(sink.deliveries).toEqual([]);
    await channel.process(payload); // the inbox's retry: the sink answers it as a duplicate with the same replies
    expect(sink.processed).toHaveLength(1);
    expect(fake.sent).toHaveLength(1);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: {} }]);
  });

  it('records TEMPORARY after a few retries instead of retrying for ever', async () => {
    const channel = build();
    const payload = text('hi');
    for (let i = 0; i < 4; i++) fake.failNextSend(WECHAT_ERRORS.systemBusy);
    for (let i = 0; i < 3; i++) await expect(channel.process(payload)).rejects.toMatchObject({ code: 'TEMPORARY' });
    await channel.process(payload);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { error: 'TEMPORARY' } }]);
  });

  it('waits for a 429 Retry-After once and sends again', async () => {
    fake.failNextSend({ status: 429, retryAfter: 2 });
    await build().process(text('hi'));
    expect(sleeps).toEqual([2000]);
    expect(fake.sent).toHaveLength(1);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: {} }]);
  });

  it.each([
    ['an unfollowed customer', WECHAT_ERRORS.notFollowing, 'BLOCKED_BY_USER'],
    ['a blacklisted account', WECHAT_ERRORS.blacklisted, 'BLOCKED_BY_USER'],
    ['a closed 48-hour window', WECHAT_ERRORS.windowClosed, 'WINDOW_CLOSED'],
    ['an invalid openid', WECHAT_ERRORS.invalidOpenid, 'INVALID_RECIPIENT'],
  ] as const)('records %s and stops calling WeChat for the rest of the turn', async (_name, failure, code) => {
    sink.answerWith(() => [reply('one'), reply('two')]);
    fake.failNextSend(failure);
    await build().process(text('hi'));
    expect(sink.deliveries).toEqual([
      { outboundId: 'out-1', outcome: { error: code } },
      { outboundId: 'out-2', outcome: { error: code } },
    ]);
    expect(fake.calls.filter((c) => c.path === '/cgi-bin/message/custom/send')).toHaveLength(1);
  });

  it('hands RATE_LIMITED (45047) without a retry hint back to the inbox when nothing was sent yet', async () => {
    fake.failNextSend(WECHAT_ERRORS.outOfResponseCount);
    await expect(build().process(text('hi'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(sleeps).toEqual([]);
    expect(sink.deliveries).toEqual([]);
  });

  it('records a reply it cannot render as UNKNOWN and sends the rest', async () => {
    sink.answerWith(() => [reply('  '), reply('fine')]);
    await build().process(text('hi'));
    expect(sink.deliveries).toEqual([
      { outboundId: 'out-1', outcome: { error: 'UNKNOWN' } },
      { outboundId: 'out-2', outcome: {} },
    ]);
  });

  it('drops a stored event of an unexpected shape without calling the sink', async () => {
    await build().process({ MsgType: 42 });
    await build().process(null);
    expect(sink.received).toEqual([]);
  });

  it('logs ids and codes, never message text or phone numbers', async () => {
    const logs = captureLogger();
    sink.answerWith(() => [reply('Secret offer for +971501234567')]);
    fake.failNextSend(WECHAT_ERRORS.notFollowing);
    await build(logs.log).process(text('my number is +971509998877'));
    expect(logs.text()).not.toMatch(/971|Secret|my number/);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'wechat delivery failed', code: 'BLOCKED_BY_USER', outboundId: 'out-1' }));
  });

  it('refuses a proactive send outside the 48-hour window without calling WeChat, and sends inside it', async () => {
    const channel = build();
    const old = new Date(Date.now() - 48 * 3600_000 - 1000);
    await expect(channel.sendProactive({ openid: OPENID, reply: reply('offer'), lastInboundAt: old })).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
    await expect(channel.sendProactive({ openid: OPENID, reply: reply('offer'), lastInboundAt: null })).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
    expect(fake.calls).toEqual([]);
    await channel.sendProactive({ openid: OPENID, reply: reply('offer'), lastInboundAt: new Date(Date.now() - 3600_000) });
    expect(fake.sent.map((s) => s.content)).toEqual(['offer']);
  });
});

describe('customerServiceWindowOpen', () => {
  it('is open for 48 hours after the last message', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(customerServiceWindowOpen(t0, new Date(t0.getTime() + 47 * 3600_000))).toBe(true);
    expect(customerServiceWindowOpen(t0, new Date(t0.getTime() + 48 * 3600_000))).toBe(false);
    expect(customerServiceWindowOpen(null, t0)).toBe(false);
  });
});
