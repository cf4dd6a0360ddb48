// The real app with the LINE channel module, against a fake Messaging API on 127.0.0.1: signed webhook deliveries
// go through the durable inbox, the customer bot answers, and the replies go out by reply token (or push).
// A customer follows the bot, enrolls, checks the balance and redeems a reward; forged, replayed and unknown events
// leave no trace.
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineChannelModule } from '../../adapters/channels/line/index.js';
import {
  baseEvent,
  followEvent,
  lineUserId,
  postbackEvent,
  signedHeaders,
  textEvent,
  webhookBody,
} from '../../adapters/channels/line/line.test-support.js';
import { postLedgerEntry } from '../../core/loyalty/index.js';
import { systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { startFakeLineApi, type FakeLineApi } from '../fakes/line-api.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const SECRET = 'a3f1c0de5b7e4d2a9c8b6f1e0d3c2b1a';
type Sent = { type: string; text?: string; quickReply?: { items: Array<{ action: { label: string; data: string; displayText: string } }> } };
const VOUCHER = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}/;

describe('LINE on pglite', () => {
  const STAFF_GROUP = `C${'5'.repeat(32)}`;
  let api: FakeLineApi;
  let t: TestApp;
  beforeAll(async () => {
    api = await startFakeLineApi();
    t = await startTestApp(
      'pglite',
      { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: api.token, LINE_API_BASE_URL: api.url, LINE_STAFF_GROUP_IDS: STAFF_GROUP },
      { channels: [lineChannelModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });

  const post = (body: string, headers: Record<string, string> = signedHeaders(SECRET, body)) =>
    fetch(`${t.app.url}/line/webhook`, { method: 'POST', headers, body });
  const rows = async () => ({
    events: (await t.app.db.db.select({ n: count() }).from(schema.inboundEvents))[0]!.n,
    messages: (await t.app.db.db.select({ n: count() }).from(schema.messages))[0]!.n,
  });

  /** Posts one signed event (with a fresh reply token), waits for the inbox, returns the new messages to the user. */
  async function exchange(user: string, event: (token: string) => Record<string, unknown>): Promise<Sent[]> {
    const before = api.messagesTo(user).length;
    const res = await post(webhookBody([event(api.issueReplyToken(user))]));
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
    return api.messagesTo(user).slice(before) as Sent[];
  }
  const say = (user: string, text: string) => exchange(user, (token) => textEvent(user, text, token));
  const press = (user: string, data: string) => exchange(user, (token) => postbackEvent(user, data, token));
  const texts = (sent: Sent[]) => sent.map((m) => m.text ?? '').join('\n');
  const choices = (sent: Sent[]) => sent.flatMap((m) => m.quickReply?.items.map((i) => i.action.data) ?? []);

  it('greets a new friend, enrolls them, shows the balance and redeems a reward by postback buttons', async () => {
    const user = lineUserId();
    const greeting = await exchange(user, (token) => followEvent(user, token));
    expect(texts(greeting)).toMatch(/Loyalty Club/);
    expect(choices(greeting)).toContain('intent:enroll');
    // Everything so far went by the free reply token.
    expect(api.callsTo('push')).toHaveLength(0);

    expect(texts(await press(user, 'intent:enroll'))).toMatch(/full name/);
    expect(texts(await say(user, 'Karim Nasser'))).toMatch(/date of birth/);
    const phone = await say(user, '1990-03-12');
    expect(texts(phone)).toMatch(/mobile number/);
    // LINE cannot share a number: the customer may type it or skip.
    expect(choices(phone)).toContain('form:skip');
    expect(texts(await press(user, 'form:skip'))).toMatch(/terms/);
    await press(user, 'form:yes');
    expect(texts(await press(user, 'form:no'))).toMatch(/Welcome to the club, Karim Nasser/);
    expect(texts(await say(user, 'my points'))).toMatch(/You have 0 points/);

    // Points from a purchase (core's ledger), so there is something to redeem.
    const [identity] = await t.app.db.db
      .select()
      .from(schema.channelIdentities)
      .where(and(eq(schema.channelIdentities.channel, 'line'), eq(schema.channelIdentities.externalId, user)));
    const [account] = await t.app.db.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, identity!.customerId));
    const deps = { db: t.app.db.db, clock: systemClock, log: pino({ level: 'silent' }) };
    expect(await postLedgerEntry(deps, { accountId: account!.id, kind: 'earn', points: 1000, idempotencyKey: randomUUID() })).toMatchObject({ status: 'posted' });

    const list = await say(user, 'rewards');
    expect(texts(list)).toMatch(/You have 1,000 points/);
    const [drink] = await t.app.db.db.select().from(schema.rewards).where(and(eq(schema.rewards.brandId, 'demo'), eq(schema.rewards.code, 'FREE-DRINK')));
    expect(choices(list)).toContain(`reward:${drink!.id}`);
    // Labels fit LINE's 20 characters; the chat shows the full label when pressed.
    for (const item of list.flatMap((m) => m.quickReply?.items ?? [])) expect([...item.action.label].length).toBeLessThanOrEqual(20);

    const confirm = await press(user, `reward:${drink!.id}`);
    expect(texts(confirm)).toMatch(/Redeem “Free regular drink” for 500 points\?/);
    expect(choices(confirm)).toEqual(['form:yes', 'form:no']);

    const voucher = texts(await press(user, 'form:yes'));
    expect(voucher).toMatch(/Here is your voucher for Free regular drink/);
    expect(voucher).toMatch(/You have 500 points left/);
    const code = VOUCHER.exec(voucher)![0];
    const [row] = await t.app.db.db.select().from(schema.vouchers).where(eq(schema.vouchers.code, code));
    expect(row?.status).toBe('active');

    // Every reply of the conversation is marked delivered, with LINE's message id.
    const out = await t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.channel, 'line'), eq(schema.messages.direction, 'out')));
    expect(out.length).toBeGreaterThan(10);
    expect(out.every((m) => m.status === 'sent' && /^\d+$/.test(m.platformMessageId ?? ''))).toBe(true);
  });

  it('answers 401 to a forged signature and stores nothing', async () => {
    const before = await rows();
    const body = webhookBody([textEvent(lineUserId(), 'hello')]);
    const res = await post(body, { 'content-type': 'application/json', 'x-line-signature': signedHeaders('wrong-secret', body)['x-line-signature']! });
    expect(res.status).toBe(401);
    await t.app.inbox.drain();
    expect(await rows()).toEqual(before);
  });

  it('marks a user who unfollows (blocks) the account unreachable, and reachable again when they come back', async () => {
    const user = lineUserId();
    await exchange(user, (token) => followEvent(user, token));
    const identity = async () =>
      (await t.app.db.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, user)))[0]!;
    expect((await identity()).unreachableAt).toBeNull();
    const unfollow = { ...followEvent(user), type: 'unfollow' } as Record<string, unknown>;
    delete unfollow.follow;
    expect((await post(webhookBody([unfollow]))).status).toBe(200);
    await t.app.inbox.drain();
    expect((await identity()).unreachableAt).toBeInstanceOf(Date);
    await exchange(user, (token) => followEvent(user, token));
    expect((await identity()).unreachableAt).toBeNull();
  });

  it('processes a redelivered event once', async () => {
    const user = lineUserId();
    const event = textEvent(user, 'hello', api.issueReplyToken(user));
    expect((await post(webhookBody([event]))).status).toBe(200);
    await t.app.inbox.drain();
    const after = await rows();
    const sent = api.messagesTo(user).length;
    expect(sent).toBeGreaterThan(0);

    expect((await post(webhookBody([{ ...event, deliveryContext: { isRedelivery: true } }]))).status).toBe(200);
    await t.app.inbox.drain();
    expect(await rows()).toEqual(after);
    expect(api.messagesTo(user)).toHaveLength(sent);
  });

  it('routes a staff group message to the staff side and answers in the group, never to the customer bot', async () => {
    const before = await rows();
    const staffer = lineUserId();
    const event = { ...textEvent(staffer, '/ping', api.issueReplyToken(STAFF_GROUP)), source: { type: 'group', groupId: STAFF_GROUP, userId: staffer } };
    expect((await post(webhookBody([event]))).status).toBe(200);
    await t.app.inbox.drain();
    expect(texts(api.messagesTo(STAFF_GROUP) as Sent[])).toMatch(/pong/);
    expect(api.messagesTo(staffer)).toEqual([]);
    const after = await rows();
    // Stored in the inbox (one event), never as a customer message.
    expect(after).toEqual({ events: before.events + 1, messages: before.messages });
  });

  it('ignores unknown event types and group chats without storing them', async () => {
    const before = await rows();
    const user = lineUserId();
    const res = await post(
      webhookBody([
        baseEvent(user, 'beacon', { replyToken: 'r', beacon: { hwid: 'd41d8cd98f', type: 'enter' } }),
        { ...textEvent(user, 'hi team'), source: { type: 'group', groupId: 'Ca56f94637c0', userId: user } },
      ]),
    );
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
    expect(await rows()).toEqual(before);
    expect(api.messagesTo(user)).toEqual([]);
  });

  it('pushes with a retry key when the reply token has expired', async () => {
    const user = lineUserId();
    const pushes = api.callsTo('push').length;
    expect((await post(webhookBody([textEvent(user, 'my points', 'an-expired-reply-token')]))).status).toBe(200);
    await t.app.inbox.drain();
    const mine = api.callsTo('push').slice(pushes);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(texts(api.messagesTo(user) as Sent[])).toMatch(/not a member|join/i);
  });
});
