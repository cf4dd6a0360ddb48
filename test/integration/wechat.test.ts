// The real app with the WeChat channel module, against a fake WeChat API on 127.0.0.1: signed XML webhooks in, the
// customer-service API (with its access token) out. A customer follows the account, enrolls by answering numbered
// options, checks the balance and redeems a reward; forged, replayed, hostile and unknown deliveries are refused or
// ignored. A second app runs in safe mode (AES-encrypted messages).
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aesKeyFrom, wechatChannelModule } from '../../adapters/channels/wechat/index.js';
import {
  encryptedRequest,
  eventXml,
  mediaXml,
  nowSeconds,
  signedQuery,
  TEST_AES_KEY,
  TEST_TOKEN,
  textXml,
} from '../../adapters/channels/wechat/wechat.test-support.js';
import { postLedgerEntry } from '../../core/loyalty/index.js';
import { schema } from '../../db/index.js';
import { startFakeWechatApi, type FakeWechatApi } from '../fakes/wechat-api.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const VOUCHER = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}/;
let nextMsgId = 6_100_000_000_000_000_000n;
const msgId = () => String(nextMsgId++);
const newOpenid = () => `oWx${randomUUID().replaceAll('-', '').slice(0, 25)}`;

/** The number in front of the option whose label matches, in the numbered list of `text`. */
function optionFor(text: string, label: RegExp): string {
  for (const line of text.split('\n')) {
    const m = /^(\d+)\. (.+)$/.exec(line);
    if (m && label.test(m[2]!)) return m[1]!;
  }
  throw new Error(`no option ${String(label)} in:\n${text}`);
}

describe('WeChat (plain mode) on pglite', () => {
  let api: FakeWechatApi;
  let t: TestApp;
  beforeAll(async () => {
    api = await startFakeWechatApi();
    t = await startTestApp(
      'pglite',
      { WECHAT_TOKEN: TEST_TOKEN, WECHAT_APP_ID: api.appId, WECHAT_APP_SECRET: api.appSecret, WECHAT_API_BASE_URL: api.url },
      { channels: [wechatChannelModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });

  const post = (body: string, query: string = signedQuery(), contentType = 'text/xml') =>
    fetch(`${t.app.url}/wechat/webhook?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const table = async (name: 'messages' | 'inboundEvents') => (await t.app.db.db.select({ n: count() }).from(schema[name]))[0]!.n;

  /** Posts one delivery, checks WeChat got "success", waits for the turn and returns the texts the bot sent. */
  async function exchange(openid: string, xml: string): Promise<string> {
    const before = api.sentTo(openid).length;
    const res = await post(xml);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    await t.app.inbox.drain();
    return api
      .sentTo(openid)
      .slice(before)
      .map((s) => s.content)
      .join('\n');
  }

  it('answers WeChat URL verification by echoing echostr, and refuses a wrong signature', async () => {
    const ok = await fetch(`${t.app.url}/wechat/webhook?${signedQuery({ extra: { echostr: '4785963258749' } })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('4785963258749');
    const forged = await fetch(`${t.app.url}/wechat/webhook?${signedQuery({ token: 'notTheToken', extra: { echostr: '1' } })}`);
    expect(forged.status).toBe(401);
  });

  it('greets a follower, enrolls by numbered options, shows the balance and redeems a reward', async () => {
    const openid = newOpenid();
    const greeting = await exchange(openid, eventXml(openid, 'subscribe'));
    expect(greeting).toMatch(/Loyalty Club/);
    const join = optionFor(greeting, /Join the club/);

    expect(await exchange(openid, textXml(openid, msgId(), join))).toMatch(/full name/);
    expect(await exchange(openid, textXml(openid, msgId(), 'Karim Nasser'))).toMatch(/date of birth/);
    const phoneQuestion = await exchange(openid, textXml(openid, msgId(), '1990-03-12'));
    expect(phoneQuestion).toMatch(/mobile number/);
    const terms = await exchange(openid, textXml(openid, msgId(), optionFor(phoneQuestion, /^Skip$/)));
    expect(terms).toMatch(/terms/);
    // A full-width digit, as a Chinese keyboard types it.
    const fullWidthYes = String.fromCharCode(0xff10 + Number(optionFor(terms, /^I accept$/)));
    const marketing = await exchange(openid, textXml(openid, msgId(), fullWidthYes));
    const no = optionFor(marketing, /^No offers$/);
    const chineseNo = ['', '一', '二', '三', '四', '五'][Number(no)]!;
    expect(await exchange(openid, textXml(openid, msgId(), chineseNo))).toMatch(/Welcome to the club, Karim Nasser/);
    expect(await exchange(openid, textXml(openid, msgId(), 'my points'))).toMatch(/You have 0 points/);

    // Points from a purchase, posted through core as the POS would.
    const [identity] = await t.app.db.db
      .select()
      .from(schema.channelIdentities)
      .where(and(eq(schema.channelIdentities.channel, 'wechat'), eq(schema.channelIdentities.externalId, openid)));
    const [account] = await t.app.db.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, identity!.customerId));
    const deps = { db: t.app.db.db, clock: { now: () => new Date() }, log: pino({ level: 'silent' }) };
    expect(await postLedgerEntry(deps, { accountId: account!.id, kind: 'earn', points: 1200, idempotencyKey: randomUUID() })).toMatchObject({ status: 'posted' });

    const list = await exchange(openid, textXml(openid, msgId(), 'rewards'));
    expect(list).toMatch(/You have 1,200 points/);
    const confirm = await exchange(openid, textXml(openid, msgId(), optionFor(list, /Free regular drink/)));
    expect(confirm).toMatch(/Redeem “Free regular drink” for 500 points\?/);
    const voucher = await exchange(openid, textXml(openid, msgId(), optionFor(confirm, /^Yes, redeem$/)));
    expect(voucher).toMatch(/Here is your voucher for Free regular drink/);
    const code = VOUCHER.exec(voucher)![0];
    const [row] = await t.app.db.db.select().from(schema.vouchers).where(eq(schema.vouchers.code, code));
    expect(row?.status).toBe('active');

    // Every text fits WeChat's limit, and every reply of this customer is stored as sent.
    for (const s of api.sentTo(openid)) expect(Buffer.byteLength(s.content)).toBeLessThanOrEqual(2048);
    const out = await t.app.db.db
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.channel, 'wechat'), eq(schema.messages.direction, 'out')));
    expect(out.length).toBeGreaterThan(10);
    expect(new Set(out.map((m) => m.status))).toEqual(new Set(['sent']));
    // One access token served the whole conversation.
    expect(api.tokensIssued()).toBe(1);
  });

  it('processes a redelivered message once', async () => {
    const openid = newOpenid();
    const xml = textXml(openid, msgId(), 'hello');
    await exchange(openid, xml);
    const sent = api.sentTo(openid).length;
    const messages = await table('messages');
    expect(await exchange(openid, xml)).toBe('');
    expect(api.sentTo(openid).length).toBe(sent);
    expect(await table('messages')).toBe(messages);
  });

  it('refuses a forged signature, a stale timestamp and a missing signature with 401 and stores nothing', async () => {
    const openid = newOpenid();
    const [events, messages] = [await table('inboundEvents'), await table('messages')];
    for (const query of [
      signedQuery({ token: 'forgedToken' }),
      signedQuery({ timestamp: nowSeconds() - 301 }),
      signedQuery({ timestamp: nowSeconds() + 3600 }),
      new URLSearchParams({ timestamp: String(nowSeconds()), nonce: 'n' }).toString(),
    ]) {
      expect((await post(textXml(openid, msgId(), 'hi'), query)).status).toBe(401);
    }
    await t.app.inbox.drain();
    expect(await table('inboundEvents')).toBe(events);
    expect(await table('messages')).toBe(messages);
    expect(api.sentTo(openid)).toEqual([]);
  });

  it('refuses hostile or malformed XML with 400 and oversized bodies with 413, storing nothing', async () => {
    const events = await table('inboundEvents');
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>${nowSeconds()}</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>`;
    expect((await post(xxe)).status).toBe(400);
    expect((await post('{"MsgType":"text"}', signedQuery(), 'application/json')).status).toBe(400);
    expect((await post('<xml><MsgType>text</MsgType></xml>')).status).toBe(400);
    expect((await post(`<xml><Content><![CDATA[${'a'.repeat(70_000)}]]></Content></xml>`)).status).toBe(413);
    expect(await table('inboundEvents')).toBe(events);
  });

  it('ignores unknown event types and unsubscribes with "success", storing nothing', async () => {
    const openid = newOpenid();
    const events = await table('inboundEvents');
    expect(await exchange(openid, eventXml(openid, 'TEMPLATESENDJOBFINISH', { Status: 'success' }))).toBe('');
    expect(await exchange(openid, mediaXml(openid, msgId(), 'miniprogrampage', { Title: 'x' }))).toBe('');
    expect(await exchange(openid, eventXml(openid, 'unsubscribe'))).toBe('');
    expect(await table('inboundEvents')).toBe(events);
  });

  it('answers a photo politely (media)', async () => {
    const openid = newOpenid();
    const answer = await exchange(openid, mediaXml(openid, msgId(), 'image', { PicUrl: 'http://mmbiz.qpic.cn/x', MediaId: 'media-1' }));
    expect(answer.length).toBeGreaterThan(0);
    const [stored] = await t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.channel, 'wechat'), eq(schema.messages.platformMessageId, `msg:${String(nextMsgId - 1n)}`)));
    expect(stored?.body).toMatchObject({ media: 'photo' });
  });
});

describe('WeChat (safe mode) on pglite', () => {
  let api: FakeWechatApi;
  let t: TestApp;
  const key = aesKeyFrom(TEST_AES_KEY);
  beforeAll(async () => {
    api = await startFakeWechatApi();
    t = await startTestApp(
      'pglite',
      { WECHAT_TOKEN: TEST_TOKEN, WECHAT_APP_ID: api.appId, WECHAT_APP_SECRET: api.appSecret, WECHAT_API_BASE_URL: api.url, WECHAT_ENCODING_AES_KEY: TEST_AES_KEY },
      { channels: [wechatChannelModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });
  const post = (req: { query: string; body: string }) =>
    fetch(`${t.app.url}/wechat/webhook?${req.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: req.body });

  it('decrypts a signed, encrypted message and answers through the customer-service API', async () => {
    const openid = newOpenid();
    const res = await post(encryptedRequest(textXml(openid, msgId(), '我要加入會員'), key, { appId: api.appId }));
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
    expect(api.sentTo(openid).map((s) => s.content).join('\n')).toMatch(/全名/);
  });

  it('refuses a plain body, a tampered ciphertext and a message for another app with 401', async () => {
    const openid = newOpenid();
    const events = (await t.app.db.db.select({ n: count() }).from(schema.inboundEvents))[0]!.n;
    // A plain-mode delivery with a valid plain signature is not enough in safe mode.
    expect((await post({ query: signedQuery(), body: textXml(openid, msgId(), 'hi') })).status).toBe(401);
    const good = encryptedRequest(textXml(openid, msgId(), 'hi'), key, { appId: api.appId });
    expect((await post({ query: good.query, body: good.body.replace(/<Encrypt><!\[CDATA\[(.)/, '<Encrypt><![CDATA[A$1') })).status).toBe(401);
    expect((await post(encryptedRequest(textXml(openid, msgId(), 'hi'), key, { appId: 'wxSomeoneElse' }))).status).toBe(401);
    expect((await t.app.db.db.select({ n: count() }).from(schema.inboundEvents))[0]!.n).toBe(events);
    expect(api.sentTo(openid)).toEqual([]);
  });
});
