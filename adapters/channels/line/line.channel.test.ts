import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINE_API_ERRORS, startFakeLineApi, type FakeLineApi } from '../../../test/fakes/line-api.js';
import { createLineChannel, type LineChannel } from './line.channel.js';
import { lineRetryKey } from './line.deliver.js';
import {
  baseEvent,
  captureLogger,
  followEvent,
  lineUserId,
  MemoryInbox,
  MemorySink,
  messageEvent,
  postbackEvent,
  reply,
  signedHeaders,
  silentLogger,
  textEvent,
  webhookBody,
} from './line.test-support.js';

const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
const menu = reply('Hi! What would you like to do?', { buttons: [{ label: 'Balance', payload: 'intent:balance' }] });

describe('LINE channel: webhook, inbox and delivery against the fake Messaging API', () => {
  let api: FakeLineApi;
  let sink: MemorySink;
  let inbox: MemoryInbox;
  let app: FastifyInstance;
  let channel: LineChannel;
  let logs: ReturnType<typeof captureLogger>;
  let waits: number[];

  beforeEach(async () => {
    api = await startFakeLineApi();
    sink = new MemorySink(() => [menu]);
    inbox = new MemoryInbox();
    logs = captureLogger();
    waits = [];
    channel = createLineChannel({
      config: { channelSecret: SECRET, accessToken: api.token, apiBaseUrl: api.url, staffGroupIds: [] },
      sink,
      inbox,
      log: logs.log,
      sleep: (ms) => {
        // Records the back-off instead of waiting it out.
        waits.push(ms);
        return Promise.resolve();
      },
    });
    app = Fastify({ logger: false });
    await app.register(channel.routes!);
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await api.close();
  });

  const post = (body: string, headers: Record<string, string> = signedHeaders(SECRET, body)) =>
    app.inject({ method: 'POST', url: '/line/webhook', payload: body, headers });
  const deliver = async (events: Record<string, unknown>[]) => {
    const res = await post(webhookBody(events));
    expect(res.statusCode).toBe(200);
    await inbox.drain();
  };

  it('stores a signed event, answers 200 at once, then replies with the reply token', async () => {
    const user = lineUserId();
    const event = textEvent(user, 'hello', api.issueReplyToken(user));
    const res = await post(webhookBody([event]));
    expect(res.statusCode).toBe(200);
    // Answered before any work: nothing has reached the bot yet.
    expect(sink.received).toEqual([]);
    expect(inbox.accepted).toEqual([{ channel: 'line', eventId: event.webhookEventId, chatKey: user, payload: event }]);

    await inbox.drain();
    expect(sink.processed).toMatchObject([{ text: 'hello', externalUserId: user, platformMessageId: `evt:${String(event.webhookEventId)}` }]);
    const [call] = api.callsTo('reply');
    expect(call?.body).toMatchObject({ messages: [{ type: 'text', text: menu.text, quickReply: { items: [{ action: { data: 'intent:balance', displayText: 'Balance' } }] } }] });
    expect(api.callsTo('push')).toHaveLength(0);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { platformMessageId: expect.stringMatching(/^\d+$/) as unknown } }]);
  });

  it.each([
    ['a forged signature', { 'content-type': 'application/json', 'x-line-signature': 'bm90IHRoZSByaWdodCBzaWduYXR1cmUgYXQgYWxsIQ==' }],
    ['no signature', { 'content-type': 'application/json' }],
  ])('answers 401 to %s and stores nothing', async (_name, headers) => {
    const user = lineUserId();
    const res = await post(webhookBody([textEvent(user, 'hello')]), headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Missing or wrong x-line-signature' } });
    await inbox.drain();
    expect(inbox.accepted).toEqual([]);
    expect(sink.received).toEqual([]);
  });

  it('refuses a signature made over a different body (the check is on the raw bytes)', async () => {
    const body = webhookBody([textEvent(lineUserId(), 'hello')]);
    const res = await post(body.replace('hello', 'HELLO'), signedHeaders(SECRET, body));
    expect(res.statusCode).toBe(401);
    expect(inbox.accepted).toEqual([]);
  });

  it('answers 413 to a body over the size limit, before reading it as an event', async () => {
    const body = webhookBody([textEvent(lineUserId(), 'x'.repeat(1024 * 1024))]);
    const res = await post(body);
    expect(res.statusCode).toBe(413);
    expect(inbox.accepted).toEqual([]);
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['JSON without events', '{"destination":"U1"}'],
    ['events that are not an array', '{"events":{"0":{}}}'],
    ['a JSON array', '[]'],
  ])('answers 400 to a signed body that is %s', async (_name, body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(inbox.accepted).toEqual([]);
  });

  it('answers 200 to the console’s verification request (no events)', async () => {
    expect((await post(webhookBody([]))).statusCode).toBe(200);
  });

  it('skips events of unexpected shape, unknown types, groups and standby, storing only customer events, logging each kind once', async () => {
    const user = lineUserId();
    const good = textEvent(user, 'hi');
    await deliver([
      { type: 'message' },
      baseEvent(user, 'beacon', { beacon: { hwid: 'd41d8cd98f', type: 'enter' } }),
      baseEvent(user, 'beacon', { beacon: { hwid: 'd41d8cd98f', type: 'leave' } }),
      { ...textEvent(user, 'hi all'), source: { type: 'group', groupId: 'Ca56f94637c', userId: user } },
      { ...textEvent(user, 'hi'), mode: 'standby' },
      good,
    ]);
    expect(inbox.accepted.map((e) => e.eventId)).toEqual([good.webhookEventId]);
    const messages = logs.entries().map((e) => e.msg);
    expect(messages.filter((m) => m === 'line event type ignored')).toHaveLength(1);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'line event type ignored', eventType: 'beacon' }));
    expect(messages).toContain('line group chat event ignored (not a staff workspace)');
    expect(messages).toContain('line webhook event with an unexpected shape skipped');
    expect(sink.processed).toHaveLength(1);
  });

  it('processes a redelivered event once, and pushes for a first-seen redelivery (its reply token has lapsed)', async () => {
    const user = lineUserId();
    const event = textEvent(user, 'hello', api.issueReplyToken(user));
    await deliver([event]);
    await deliver([{ ...event, deliveryContext: { isRedelivery: true } }]);
    expect(inbox.accepted).toHaveLength(1);
    expect(api.messagesTo(user)).toHaveLength(1);

    const late = { ...textEvent(user, 'again', api.issueReplyToken(user)), deliveryContext: { isRedelivery: true } };
    await deliver([late]);
    expect(api.callsTo('reply')).toHaveLength(1);
    expect(api.callsTo('push')).toMatchObject([{ status: 200, retryKey: lineRetryKey('out-2:0'), body: { to: user } }]);
  });

  it('pushes with a retry key when the reply token is no longer valid', async () => {
    const user = lineUserId();
    await deliver([textEvent(user, 'hello', 'expired-or-used-token')]);
    expect(api.callsTo('reply')).toMatchObject([{ status: 400 }]);
    const [push] = api.callsTo('push');
    expect(push).toMatchObject({ status: 200, retryKey: lineRetryKey('out-1:0'), body: { to: user, messages: [{ text: menu.text }] } });
    expect(push?.retryKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { platformMessageId: expect.stringMatching(/^\d+$/) as unknown } }]);
  });

  it('sends the first 5 messages with the reply token and pushes the rest, in order', async () => {
    sink.answerWith(() => ['one', 'two', 'three', 'four', 'five', 'six', 'seven'].map((t) => reply(t)));
    const user = lineUserId();
    await deliver([textEvent(user, 'tell me everything', api.issueReplyToken(user))]);
    expect(api.callsTo('reply')[0]?.body.messages).toHaveLength(5);
    expect(api.callsTo('push').map((c) => c.retryKey)).toEqual([lineRetryKey('out-6:0'), lineRetryKey('out-7:0')]);
    expect(api.messagesTo(user).map((m) => m.text)).toEqual(['one', 'two', 'three', 'four', 'five', 'six', 'seven']);
    expect(sink.deliveries.map((d) => d.outcome.error)).toEqual(Array(7).fill(undefined));
  });

  it('puts buttons of a reply followed by more replies in a template, so they stay usable', async () => {
    sink.answerWith(() => [reply('Redeem it?', { buttons: [{ label: 'Yes', payload: 'form:yes' }, { label: 'No', payload: 'form:no' }] }), reply('Tip: vouchers last 30 days.')]);
    const user = lineUserId();
    await deliver([postbackEvent(user, 'reward:1', api.issueReplyToken(user))]);
    expect(api.messagesTo(user)).toMatchObject([{ type: 'template', template: { type: 'buttons', text: 'Redeem it?' } }, { type: 'text' }]);
  });

  it('backs off on 429 using Retry-After, reusing the same retry key', async () => {
    const user = lineUserId();
    api.failNext('push', LINE_API_ERRORS.tooManyRequests(2));
    api.failNext('push', LINE_API_ERRORS.internal);
    await deliver([textEvent(user, 'hello')]);
    const pushes = api.callsTo('push');
    expect(pushes.map((c) => c.status)).toEqual([429, 500, 200]);
    expect(new Set(pushes.map((c) => c.retryKey)).size).toBe(1);
    // Retry-After (2 s) first, then the policy's own back-off for the 500 (second attempt: 2 × 1 s).
    expect(waits).toEqual([2000, 2000]);
    expect(sink.deliveries).toHaveLength(1);
    expect(sink.deliveries[0]?.outcome.error).toBeUndefined();
  });

  it('records RATE_LIMITED after the last try', async () => {
    const user = lineUserId();
    for (let i = 0; i < 3; i++) api.failNext('push', LINE_API_ERRORS.monthlyLimit);
    await deliver([textEvent(user, 'hello')]);
    expect(api.callsTo('push')).toHaveLength(3);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { error: 'RATE_LIMITED' } }]);
  });

  it('sends a push once when its answer was lost and the retry finds the key already accepted', async () => {
    const user = lineUserId();
    api.loseNextAnswer('push');
    await deliver([textEvent(user, 'hello')]);
    expect(api.callsTo('push').map((c) => c.status)).toEqual([0, 409]);
    expect(api.messagesTo(user)).toHaveLength(1);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { platformMessageId: expect.stringMatching(/^request:/) as unknown } }]);
  });

  it('marks every reply of the turn BLOCKED_BY_USER after one refused push, logging no text', async () => {
    sink.answerWith(() => [reply('Secret offer for +971501234567'), reply('second'), reply('third')]);
    const user = lineUserId();
    api.block(user);
    await deliver([textEvent(user, 'my number is +971501234567')]);
    expect(api.callsTo('push')).toHaveLength(1);
    expect(sink.deliveries.map((d) => d.outcome)).toEqual([{ error: 'BLOCKED_BY_USER' }, { error: 'BLOCKED_BY_USER' }, { error: 'BLOCKED_BY_USER' }]);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'line delivery failed', code: 'BLOCKED_BY_USER', outboundId: 'out-1' }));
    expect(logs.text()).not.toContain('Secret offer');
    expect(logs.text()).not.toContain('501234567');
    expect(logs.text()).not.toContain(api.token);
  });

  it('records AUTH for the whole turn when the access token is refused, without pushing', async () => {
    const user = lineUserId();
    const broken = createLineChannel({
      config: { channelSecret: SECRET, accessToken: 'revoked', apiBaseUrl: api.url, staffGroupIds: [] },
      sink,
      inbox: new MemoryInbox(),
      log: silentLogger,
    });
    await broken.processEvent(textEvent(user, 'hello', api.issueReplyToken(user)));
    expect(api.callsTo('reply')).toMatchObject([{ status: 401 }]);
    expect(api.callsTo('push')).toHaveLength(0);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { error: 'AUTH' } }]);
  });

  it('records UNKNOWN for a reply it cannot render and still sends the others', async () => {
    sink.answerWith(() => [reply('bad', { buttons: [{ label: 'x', payload: 'p'.repeat(301) }] }), reply('good')]);
    const user = lineUserId();
    await deliver([textEvent(user, 'hi', api.issueReplyToken(user))]);
    expect(api.messagesTo(user).map((m) => m.text)).toEqual(['good']);
    expect(sink.deliveries).toEqual([
      { outboundId: 'out-1', outcome: { error: 'UNKNOWN' } },
      { outboundId: 'out-2', outcome: { platformMessageId: expect.stringMatching(/^\d+$/) as unknown } },
    ]);
  });

  it('rejects (so the inbox retries later) only when the bot itself failed, having sent nothing', async () => {
    sink.answerWith(() => {
      throw new Error('database unavailable');
    });
    await expect(channel.processEvent(textEvent(lineUserId(), 'hi'))).rejects.toThrow('database unavailable');
    expect(api.calls).toHaveLength(0);
  });

  it('sends nothing for a turn the bot has already answered', async () => {
    const user = lineUserId();
    const event = textEvent(user, 'hi');
    await channel.processEvent(event);
    await channel.processEvent(event);
    expect(sink.received).toHaveLength(2);
    expect(api.callsTo('push')).toHaveLength(1);
  });

  it('greets on follow, acknowledges media, and stores unfollow without a bot turn', async () => {
    sink.answerWith((msg) => [reply(msg.payload === 'start' ? 'Welcome!' : `media:${msg.media ?? 'none'}`)]);
    const user = lineUserId();
    await deliver([followEvent(user), messageEvent(user, { type: 'sticker', packageId: '446', stickerId: '1988' }), baseEvent(user, 'unfollow')]);
    expect(inbox.accepted).toHaveLength(3);
    expect(api.messagesTo(user).map((m) => m.text)).toEqual(['Welcome!', 'media:sticker']);
    expect(sink.received).toHaveLength(2);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'line user unfollowed (blocked) the bot', userId: user }));
  });

  it('skips a stored payload of unexpected shape instead of retrying it forever', async () => {
    await expect(channel.processEvent({ nonsense: true })).resolves.toBeUndefined();
    expect(sink.received).toEqual([]);
  });
});
