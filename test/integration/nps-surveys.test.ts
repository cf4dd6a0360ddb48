// NPS surveys end to end against real databases: a sale through the POS API schedules the post-purchase survey in its
// transaction; the survey job sends it through the survey sender (the customer's platform is a recording pusher, our
// own CustomerPusher port: the channel adapters test their platforms); the customer answers in the chat (buttons or
// typed, in any script), gives a reason; a detractor opens a ticket and alerts the team, a promoter gets the review
// link; late and bad answers are handled; and the NPS report is served by the POS API.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { posApiPlugin } from '../../adapters/http/pos/index.js';
import { buildServer } from '../../adapters/http/server.js';
import { createCustomerBot } from '../../bots/customer/customer-bot.js';
import { surveyQuestion } from '../../bots/customer/features/feedback.js';
import { createSurveySender } from '../../bots/customer/survey-sender.js';
import { createApiKey } from '../../core/api-keys/index.js';
import type { ChannelName, InboundSink, PushResult, Reply, TeamChat } from '../../core/conversation/index.js';
import { recordTransaction } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { sendDueSurveys, type SendSurvey } from '../../core/surveys/index.js';
import { schema } from '../../db/index.js';
import { createNlu } from '../../nlu/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBrand, createStore, DAY } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';
import { botChat } from '../helpers/bot-chat.js';

const nlu = createNlu({ cacheDir: join(tmpdir(), 'crm-test-nlu-cache') });
// Sunday 22 November 2026, 12:00 in Dubai.
const NOON_DUBAI = new Date('2026-11-22T08:00:00Z');
const HOUR = 3_600_000;
const REVIEW_URL = 'https://g.page/r/loyalty-club/review';

describe.each(testDbKinds)('NPS surveys on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let mallId: string;
  let taipeiId: string;
  let bot: InboundSink;
  let server: FastifyInstance;
  let url: string;
  let keys: { brand: string; mall: string; taipei: string };
  let posts: string[];
  let pushed: Array<{ channel: ChannelName; chatId: string; reply: Reply }>;
  /** The options of each push, in order (the survey sender asks for no re-engagement template). */
  let pushOptions: Array<{ template?: boolean } | undefined>;
  let pushResult: PushResult;
  let sender: SendSurvey;

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(NOON_DUBAI);
    deps = { db: handle.db, clock, log: silentLog };
    const b = await createBrand(handle.db);
    brandId = b.brandId;
    mallId = b.storeId;
    await handle.db.update(schema.stores).set({ code: 'DXB-MALL', name: { en: 'Dubai Mall', ar: 'دبي مول' } }).where(eq(schema.stores.id, mallId));
    taipeiId = await createStore(handle.db, brandId, { timezone: 'Asia/Taipei', currency: 'TWD' });
    await handle.db.update(schema.stores).set({ code: 'TPE-XINYI', name: { en: 'Taipei Xinyi' } }).where(eq(schema.stores.id, taipeiId));
    await handle.db.insert(schema.surveys).values({ brandId, kind: 'post_purchase', delayMinutes: 120, sendFrom: '09:00', sendUntil: '21:00', minDaysBetween: 30, reviewUrl: REVIEW_URL });
    posts = [];
    pushed = [];
    pushOptions = [];
    pushResult = { status: 'sent', platformMessageId: 'p-1' };
    const teamChat: TeamChat = {
      post: (text) => {
        posts.push(text);
        return Promise.resolve([]);
      },
    };
    bot = createCustomerBot({ ...deps, brand: { id: brandId, country: 'AE', defaultLanguage: 'en', termsVersion: 't-1', marketingWordingVersion: 'm-1' }, nlu, teamChat });
    sender = createSurveySender({
      ...deps,
      brandId,
      // Like the channels' push: outside WhatsApp's window, a template only when the caller allows one.
      pusher: (target, reply, opts) => {
        pushed.push({ ...target, reply });
        pushOptions.push(opts);
        return Promise.resolve(pushResult.status === 'window_closed' ? { status: 'window_closed', template: pushResult.template && opts?.template !== false } : pushResult);
      },
    });
    server = await buildServer({ logger: pino({ level: 'silent' }), deps, brandId, sink: bot, readiness: [], plugins: [posApiPlugin({ deps, brandId })] });
    url = (await server.listen({ host: '127.0.0.1', port: 0 })).replace('[::1]', 'localhost');
    const key = async (storeCode: string | null) => (await createApiKey(deps, { brandId, storeCode, name: `k-${storeCode ?? 'brand'}`, createdBy: 'test' })).key;
    keys = { brand: await key(null), mall: await key('DXB-MALL'), taipei: await key('TPE-XINYI') };
  });
  afterEach(async () => {
    await server.close();
    await handle.cleanup();
  });

  const { send, say, press } = botChat(
    () => bot,
    () => clock,
  );

  /** A customer who joined in the web chat and said yes to offers there (so they may be surveyed there). */
  async function member(name = 'Layla Haddad'): Promise<{ chat: string; memberCode: string; customerId: string }> {
    const chat = randomUUID();
    await say(chat, 'join');
    await say(chat, name);
    await say(chat, '1990-01-01');
    await say(chat, 'skip');
    await say(chat, 'yes');
    expect(await say(chat, 'yes')).toMatch(/You'll get our offers here/);
    const [row] = await handle.db
      .select({ memberCode: schema.loyaltyAccounts.memberCode, customerId: schema.loyaltyAccounts.customerId })
      .from(schema.loyaltyAccounts)
      .innerJoin(schema.conversations, eq(schema.conversations.customerId, schema.loyaltyAccounts.customerId))
      .where(eq(schema.conversations.chatId, chat));
    return { chat, ...row! };
  }

  async function api(method: 'GET' | 'POST', path: string, opts: { key?: string | null; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    const key = opts.key === undefined ? keys.mall : opts.key;
    if (key) headers.authorization = `Bearer ${key}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}/api/v1${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const sale = (memberCode: string | undefined, opts: { externalId?: string; occurredAt?: Date } = {}) => ({
    externalId: opts.externalId ?? `INV-${randomUUID().slice(0, 8)}`,
    ...(memberCode ? { customer: { memberCode } } : {}),
    occurredAt: (opts.occurredAt ?? clock.now()).toISOString(),
    currency: 'AED',
    totalMinor: 45_000,
    lines: [{ sku: 'OUD-50', category: 'perfume', quantity: 1, amountMinor: 45_000 }],
  });

  const responses = () => handle.db.select().from(schema.surveyResponses).orderBy(asc(schema.surveyResponses.id));
  const responseOf = async (customerId: string) => (await handle.db.select().from(schema.surveyResponses).where(eq(schema.surveyResponses.customerId, customerId)))[0]!;
  const stateOf = async (chat: string) => ((await handle.db.select().from(schema.conversations).where(eq(schema.conversations.chatId, chat)))[0]!.state as { survey?: { responseId: number } });

  /** A member with a post-purchase survey sent to their chat now; its response id. */
  async function surveyed(name?: string): Promise<{ chat: string; customerId: string; responseId: number }> {
    const m = await member(name);
    expect((await api('POST', '/transactions', { body: sale(m.memberCode) })).status).toBe(201);
    const r = await responseOf(m.customerId);
    // Due now (the delay and waking hours are tested on their own, below and in core/surveys).
    await handle.db.update(schema.surveyResponses).set({ dueAt: clock.now() }).where(eq(schema.surveyResponses.id, r.id));
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 1 });
    return { chat: m.chat, customerId: m.customerId, responseId: r.id };
  }

  it('schedules on a sale through the POS API, asks in the chat, and turns a detractor’s answer into a ticket and a team alert', async () => {
    const m = await member();
    const first = await api('POST', '/transactions', { body: sale(m.memberCode, { externalId: 'INV-1' }) });
    expect(first.status).toBe(201);
    // Scheduled in the sale's transaction: two hours later, inside the store's waking hours (14:00 in Dubai).
    expect(await responses()).toMatchObject([{ customerId: m.customerId, storeId: mallId, transactionId: first.body.transactionId, status: 'scheduled', channel: 'web', dueAt: new Date('2026-11-22T10:00:00Z') }]);
    // A retried sale schedules nothing more; nor does a second sale within minDaysBetween.
    expect((await api('POST', '/transactions', { body: sale(m.memberCode, { externalId: 'INV-1' }) })).status).toBe(200);
    expect((await api('POST', '/transactions', { body: sale(m.memberCode) })).status).toBe(201);
    expect(await responses()).toHaveLength(1);

    expect(await sendDueSurveys(deps, sender)).toEqual({ sent: 0, skipped: 0, deferred: 0, failed: 0 });
    clock.advance(2 * HOUR);
    expect(await sendDueSurveys(deps, sender)).toEqual({ sent: 1, skipped: 0, deferred: 0, failed: 0 });
    const [response] = await responses();
    expect(pushed).toEqual([{ channel: 'web', chatId: m.chat, reply: surveyQuestion('en', response!.id) }]);
    expect(pushed[0]!.reply.buttons?.map((b) => b.payload)).toEqual(Array.from({ length: 11 }, (_, n) => `nps:${response!.id}:${n}`));
    expect(response).toMatchObject({ status: 'sent', sentAt: clock.now() });
    // Stored in the conversation, so the history (and an agent) sees it; delivered.
    const [conv] = await handle.db.select().from(schema.conversations).where(eq(schema.conversations.chatId, m.chat));
    const [question] = await handle.db.select().from(schema.messages).where(and(eq(schema.messages.conversationId, conv!.id), eq(schema.messages.text, surveyQuestion('en', response!.id).text)));
    expect(question).toMatchObject({ direction: 'out', status: 'sent', platformMessageId: 'p-1' });
    expect(conv!.state).toMatchObject({ survey: { responseId: response!.id, askedAt: clock.now().toISOString() } });

    clock.advance(10 * 60_000);
    const asked = await send(m.chat, { text: '3' });
    expect(asked.text).toMatch(/What is the main reason for your score\?/);
    expect(asked.replies[0]?.buttons).toEqual([{ label: 'Skip', payload: 'nps:skip' }]);
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'answered', score: 3 });

    const thanked = await say(m.chat, 'The staff ignored me and the shop was dirty');
    const [ticket] = await handle.db.select().from(schema.tickets);
    expect(thanked).toBe(`Thank you for telling us, and we're sorry we let you down. 🙏 Our team will look into it (ticket #${ticket!.id}) and get back to you in this chat.`);
    expect(ticket).toMatchObject({ source: 'nps', category: 'nps', storeId: mallId, customerId: m.customerId, priority: 'high', description: 'NPS 3/10: The staff ignored me and the shop was dirty' });
    const answered = await responseOf(m.customerId);
    expect(answered).toMatchObject({ ticketId: ticket!.id, reason: 'The staff ignored me and the shop was dirty' });
    expect(answered.sentiment).toBeLessThan(-0.5);
    await eventually(() => expect(posts).toEqual([`Detractor 3/10 at Dubai Mall: ticket #${ticket!.id} (high priority)`]));
    expect(await stateOf(m.chat)).not.toHaveProperty('survey');
  });

  it('reads scores in words and any script, asks again for out-of-range ones, thanks promoters with the review link', async () => {
    const ten = await surveyed('Omar Ali');
    for (const bad of ['11', '-1', '7.5']) {
      const again = await send(ten.chat, { text: bad });
      expect(again.text, bad).toMatch(/^Please answer with a whole number from 0 to 10\.\nHow likely are you to recommend us/);
      expect(again.replies[0]?.buttons, bad).toHaveLength(11);
    }
    expect(await say(ten.chat, 'ten')).toMatch(/main reason/);
    expect(await press(ten.chat, 'nps:skip')).toBe(`Thank you, that means a lot! 🎉 Would you share it in a review? ${REVIEW_URL}`);
    expect(await responseOf(ten.customerId)).toMatchObject({ status: 'answered', score: 10, reason: null, ticketId: null });

    const eight = await surveyed('Mona Saleh');
    expect(await say(eight.chat, '٨')).toMatch(/main reason/);
    expect(await say(eight.chat, 'Good perfume, slow queue')).toMatch(/^Thank you for your feedback! 🙏/);
    expect(await responseOf(eight.customerId)).toMatchObject({ score: 8, reason: 'Good perfume, slow queue' });

    const nine = await surveyed('Lina Haddad');
    expect(await press(nine.chat, `nps:${nine.responseId}:9`)).toMatch(/main reason/);
    expect(await say(nine.chat, 'Lovely staff')).toMatch(new RegExp(`review\\? ${REVIEW_URL.replace(/[/.]/g, '\\$&')}$`));
    // The same button again: already noted.
    expect(await press(nine.chat, `nps:${nine.responseId}:2`)).toMatch(/already noted/);
    expect((await responseOf(nine.customerId)).score).toBe(9);

    // Chinese numerals, then a detractor who skips the reason: still a ticket for the team.
    const two = await surveyed('陳美玲');
    await send(two.chat, { payload: 'lang:zh' });
    expect(await say(two.chat, '兩分')).toMatch(/主要原因/);
    expect(await say(two.chat, '略過')).toMatch(/很抱歉讓您失望了/);
    const [ticket] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.customerId, two.customerId));
    expect(ticket).toMatchObject({ source: 'nps', description: 'NPS 2/10 (no reason given)', storeId: mallId });
    await eventually(() => expect(posts).toContain(`Detractor 2/10 at Dubai Mall: ticket #${ticket!.id} (normal priority)`));

    // Words that are no score: the bot carries on as usual, and the question still waits for a score.
    const words = await surveyed('Sam Lee');
    expect(await say(words.chat, 'great shop')).not.toMatch(/0 to 10/);
    expect(await say(words.chat, 'cool')).not.toMatch(/0 to 10/);
    expect(await stateOf(words.chat)).toHaveProperty('survey');
    expect(await responseOf(words.customerId)).toMatchObject({ status: 'sent', score: null });
    expect(await say(words.chat, "I'd say 8")).toMatch(/main reason/);
    expect(await responseOf(words.customerId)).toMatchObject({ status: 'answered', score: 8 });
  });

  it('takes a typed answer as a score only when the whole message is one; anything else is routed as usual', async () => {
    const m = await surveyed();
    // A number inside a sentence is no score, and no reason to ask the survey again.
    for (const text of ['got 2 bottles broken', 'order 884201', 'I have a problem']) {
      const reply = await say(m.chat, text);
      expect(reply, text).not.toMatch(/0 to 10|main reason/);
      expect(await responseOf(m.customerId), text).toMatchObject({ status: 'sent', score: null });
      expect(await handle.db.select().from(schema.tickets), text).toEqual([]);
      // "I have a problem" opened the ticket form; left for the next text.
      await send(m.chat, { payload: 'form:cancel' });
    }
    expect(await stateOf(m.chat)).toMatchObject({ survey: { responseId: m.responseId } });
    // Score-like, whatever the script or the few words around it.
    expect(await say(m.chat, '8 out of 10')).toMatch(/main reason/);
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'answered', score: 8 });

    for (const [typed, score, name] of [['十分', 10, 'Mei Lin'], ['عشرة', 10, 'Nour Aziz'], ['I would give you a 9', 9, 'Sam Lee'], ['8/10', 8, 'Rami Said']] as const) {
      const one = await surveyed(name);
      // (Answered in the language the customer wrote in.)
      expect(await say(one.chat, typed), typed).toMatch(/main reason|主要原因|السبب/);
      expect(await responseOf(one.customerId), typed).toMatchObject({ status: 'answered', score });
    }
  });

  it('leaves a typed message to an open form; a button still answers the survey', async () => {
    const m = await surveyed();
    // "I have a problem" opens the ticket form (the survey still waits).
    expect(await say(m.chat, 'I have a problem')).toMatch(/What is it about\?/);
    expect(await press(m.chat, 'form:category:points')).toMatch(/order or receipt number/);
    expect(await press(m.chat, 'form:skip')).toMatch(/Please describe what happened/);
    // "8" answers the form's question (the description: too short), not the survey.
    expect(await say(m.chat, '8')).toMatch(/tell me a little more/);
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'sent', score: null });
    expect(await say(m.chat, 'My points from yesterday are missing')).toMatch(/Your ticket number is/);
    // The form is done: the survey question still waits, and a score is read again.
    expect(await say(m.chat, '9')).toMatch(/main reason/);
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'answered', score: 9 });

    const pressed = await surveyed('Huda Karim');
    await say(pressed.chat, 'I have a problem');
    expect(await press(pressed.chat, `nps:${pressed.responseId}:7`)).toMatch(/main reason/);
    expect(await responseOf(pressed.customerId)).toMatchObject({ status: 'answered', score: 7 });
  });

  it('forgets a survey nobody answered within its window: a later message is not read against it', async () => {
    const m = await surveyed();
    clock.advance(8 * DAY);
    expect(await say(m.chat, 'got 2 bottles broken')).not.toMatch(/survey has closed|main reason|0 to 10/);
    expect(await stateOf(m.chat)).not.toHaveProperty('survey');
    expect(await responseOf(m.customerId)).toMatchObject({ score: null, reason: null });
    expect(await handle.db.select().from(schema.tickets).where(eq(schema.tickets.source, 'nps'))).toEqual([]);
  });

  it('never takes a clear request for the reason: a person asked for is handed over, the score stays', async () => {
    const m = await surveyed();
    expect(await say(m.chat, '3')).toMatch(/main reason/);
    const handed = await say(m.chat, 'I want to talk to a person');
    expect(handed).not.toMatch(/Thank you for telling us/);
    const [conv] = await handle.db.select().from(schema.conversations).where(eq(schema.conversations.chatId, m.chat));
    const [handoff] = await handle.db.select().from(schema.handoffs).where(eq(schema.handoffs.conversationId, conv!.id));
    expect(handoff).toMatchObject({ reason: 'asked' });
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'answered', score: 3, reason: null });
    expect(await stateOf(m.chat)).not.toHaveProperty('survey');
    // The detractor's score still reaches the team (as when the reason is skipped).
    const [ticket] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.source, 'nps'));
    expect(ticket).toMatchObject({ description: 'NPS 3/10 (no reason given)' });

    // STOP at the reason question: honoured, not stored as the reason.
    const stop = await surveyed('Omar Said');
    expect(await say(stop.chat, '9')).toMatch(/main reason/);
    expect(await say(stop.chat, 'STOP')).not.toMatch(/review\?/);
    expect(await responseOf(stop.customerId)).toMatchObject({ score: 9, reason: null });
    // A promoter asking for help gets help; a detractor's complaint is their reason.
    const help = await surveyed('Lina Saleh');
    expect(await say(help.chat, '9')).toMatch(/main reason/);
    expect(await say(help.chat, 'I want to complain')).toMatch(/What is it about\?/);
    expect(await responseOf(help.customerId)).toMatchObject({ score: 9, reason: null });
  });

  it('thanks a late answer without recording it; a lone rating without a survey is still thanked', async () => {
    const late = await surveyed();
    clock.advance(8 * DAY);
    expect(await say(late.chat, '9')).toBe('Thank you! That survey has closed, so your answer was not recorded, but we appreciate it. 🙏');
    expect(await responseOf(late.customerId)).toMatchObject({ status: 'expired', score: null });
    expect(await stateOf(late.chat)).not.toHaveProperty('survey');
    expect(await press(late.chat, `nps:${late.responseId}:9`)).toMatch(/That survey has closed/);
    expect(await say(randomUUID(), "I'd give you a 9")).toMatch(/Thank you for your rating of 9/);
  });

  it('waits while a person has the chat, skips a closed window or a blocked user, and retries a temporary failure', async () => {
    const m = await member();
    await api('POST', '/transactions', { body: sale(m.memberCode) });
    clock.advance(2 * HOUR);
    await handle.db.update(schema.conversations).set({ mode: 'agent' }).where(eq(schema.conversations.chatId, m.chat));
    expect(await sendDueSurveys(deps, sender)).toEqual({ sent: 0, skipped: 0, deferred: 1, failed: 0 });
    expect(pushed).toEqual([]);
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'scheduled' });
    await handle.db.update(schema.conversations).set({ mode: 'bot' }).where(eq(schema.conversations.chatId, m.chat));
    clock.advance(16 * 60_000);
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 1 });

    const closed = await member('Nour Haddad');
    await api('POST', '/transactions', { body: sale(closed.memberCode) });
    clock.advance(2 * HOUR);
    pushResult = { status: 'window_closed', template: true };
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 0, skipped: 1 });
    expect(await responseOf(closed.customerId)).toMatchObject({ status: 'skipped' });
    expect(await stateOf(closed.chat)).not.toHaveProperty('survey');
    const [failedQuestion] = await handle.db
      .select({ status: schema.messages.status, error: schema.messages.error })
      .from(schema.messages)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
      .where(and(eq(schema.conversations.chatId, closed.chat), eq(schema.messages.direction, 'out'), eq(schema.messages.text, surveyQuestion('en', 1).text)));
    // Pushed without a re-engagement template: nothing went out.
    expect(pushOptions.at(-1)).toEqual({ template: false });
    expect(failedQuestion).toEqual({ status: 'failed', error: 'WINDOW_CLOSED' });

    const flaky = await member('Rami Aziz');
    await api('POST', '/transactions', { body: sale(flaky.memberCode) });
    clock.advance(2 * HOUR);
    pushResult = { status: 'failed', code: 'TEMPORARY' };
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 0, failed: 1 });
    expect(await responseOf(flaky.customerId)).toMatchObject({ status: 'scheduled' });
    pushResult = { status: 'failed', code: 'BLOCKED_BY_USER' };
    clock.advance(16 * 60_000);
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ skipped: 1 });
    expect(await responseOf(flaky.customerId)).toMatchObject({ status: 'skipped' });
  });

  it('waits while the customer is with a person on another channel, checked again before the push; retried in waking hours', async () => {
    const m = await member();
    await api('POST', '/transactions', { body: sale(m.memberCode) });
    clock.advance(2 * HOUR);
    // The same customer talks with the team on Telegram (queued: the request stands).
    const [telegram] = await handle.db.insert(schema.conversations).values({ brandId, channel: 'telegram', chatId: 'tg-5151', customerId: m.customerId }).returning();
    const [handoff] = await handle.db
      .insert(schema.handoffs)
      .values({ brandId, conversationId: telegram!.id, customerId: m.customerId, reason: 'asked', status: 'queued', requestedAt: clock.now() })
      .returning();
    expect(await sendDueSurveys(deps, sender)).toEqual({ sent: 0, skipped: 0, deferred: 1, failed: 0 });
    expect(pushed).toEqual([]);
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'scheduled' });
    await handle.db.update(schema.handoffs).set({ status: 'assigned' }).where(eq(schema.handoffs.id, handoff!.id));
    clock.advance(16 * 60_000);
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 0, deferred: 1 });

    // Still with the team at 23:20 in Dubai, closed at 23:30: not asked at 23:35, but when the waking hours open, 09:00
    // the next morning.
    clock.set(new Date('2026-11-22T19:20:00Z'));
    await handle.db.update(schema.surveyResponses).set({ dueAt: clock.now() }).where(eq(schema.surveyResponses.customerId, m.customerId));
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ deferred: 1 });
    expect(await responseOf(m.customerId)).toMatchObject({ status: 'scheduled', dueAt: new Date('2026-11-23T05:00:00Z') });
    clock.set(new Date('2026-11-22T19:30:00Z'));
    await handle.db.update(schema.handoffs).set({ status: 'closed', closedAt: clock.now() }).where(eq(schema.handoffs.id, handoff!.id));
    clock.set(new Date('2026-11-22T19:50:00Z'));
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 0, deferred: 0 });
    clock.set(new Date('2026-11-23T05:00:00Z'));
    expect(await sendDueSurveys(deps, sender)).toMatchObject({ sent: 1 });
    expect(pushed).toHaveLength(1);
    expect(pushOptions).toEqual([{ template: false }]);
  });

  it('surveys only recent sales with an amount and a member: recordTransaction and the API alike', async () => {
    const m = await member();
    const direct = await recordTransaction(deps, {
      brandId,
      storeId: mallId,
      externalId: 'DIRECT-1',
      customer: { memberCode: m.memberCode },
      occurredAt: clock.now(),
      currency: 'AED',
      totalMinor: 12_000,
      lines: [{ sku: 'X', category: 'perfume', quantity: 1, amountMinor: 12_000 }],
    });
    expect(direct.status).toBe('recorded');
    expect(await responses()).toMatchObject([{ customerId: m.customerId, transactionId: direct.status === 'recorded' ? direct.transactionId : '' }]);

    const old = await member('Omar Said');
    // Reported ten days late (a till catching up): no survey about a visit that long ago.
    expect((await api('POST', '/transactions', { body: sale(old.memberCode, { occurredAt: new Date(clock.now().getTime() - 10 * DAY) }) })).status).toBe(201);
    // Anonymous: nobody to ask.
    expect((await api('POST', '/transactions', { body: sale(undefined) })).status).toBe(201);
    const free = await member('Huda Karim');
    expect((await api('POST', '/transactions', { body: { ...sale(free.memberCode), totalMinor: 0, lines: [{ sku: 'S', quantity: 1, amountMinor: 0 }] } })).status).toBe(201);
    expect(await responses()).toHaveLength(1);
  });

  it('serves the NPS report: brand-wide or per store, by store or month, and a store key sees only its store', async () => {
    const customers = (await handle.db.insert(schema.customers).values([1, 2, 3, 4, 5, 6].map(() => ({ brandId }))).returning({ id: schema.customers.id })).map((c) => c.id);
    const [survey] = await handle.db.select().from(schema.surveys);
    const row = (customerId: string, storeId: string, sentAt: string, score: number | null) => ({
      brandId,
      surveyId: survey!.id,
      customerId,
      storeId,
      channel: 'web',
      status: score === null ? 'sent' : 'answered',
      dueAt: new Date(sentAt),
      sentAt: new Date(sentAt),
      score,
    });
    await handle.db.insert(schema.surveyResponses).values([
      row(customers[0]!, mallId, '2026-11-02T08:00:00Z', 10),
      row(customers[1]!, mallId, '2026-11-03T08:00:00Z', 3),
      row(customers[2]!, mallId, '2026-11-04T08:00:00Z', 8),
      row(customers[3]!, mallId, '2026-11-05T08:00:00Z', null),
      row(customers[4]!, taipeiId, '2026-11-06T08:00:00Z', 9),
      // October, outside the period below.
      row(customers[5]!, mallId, '2026-10-20T08:00:00Z', 0),
    ]);
    const all = await api('GET', '/reports/nps?from=2026-11-01&to=2026-12-01&groupBy=store', { key: keys.brand });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ from: '2026-10-31T20:00:00.000Z', to: '2026-11-30T20:00:00.000Z', storeCode: null, sent: 5, responses: 4, responseRate: 80, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    const groups = (all.body.groups as Array<{ key: string }>).sort((a, b) => a.key.localeCompare(b.key));
    expect(groups).toEqual([
      { key: 'DXB-MALL', sent: 4, responses: 3, responseRate: 75, promoters: 1, passives: 1, detractors: 1, nps: 0 },
      { key: 'TPE-XINYI', sent: 1, responses: 1, responseRate: 100, promoters: 1, passives: 0, detractors: 0, nps: 100 },
    ]);
    const months = await api('GET', '/reports/nps?from=2026-10-01&to=2026-12-01&groupBy=month', { key: keys.brand });
    expect((months.body.groups as Array<{ key: string; sent: number; nps: number }>).map((g) => [g.key, g.sent, g.nps])).toEqual([
      ['2026-10', 1, -100],
      ['2026-11', 5, 25],
    ]);
    // The default period is the last 30 days (to now, 22 November): the October survey falls outside it.
    expect((await api('GET', '/reports/nps', { key: keys.brand })).body).toMatchObject({ sent: 5 });
    expect((await api('GET', '/reports/nps?from=2026-11-01T00:00:00Z&to=2026-12-01&storeCode=TPE-XINYI', { key: keys.brand })).body).toMatchObject({ storeCode: 'TPE-XINYI', sent: 1, nps: 100 });

    // A store's key: its store only, whatever it asks.
    expect((await api('GET', '/reports/nps?from=2026-11-01&to=2026-12-01', { key: keys.mall })).body).toMatchObject({ storeCode: 'DXB-MALL', sent: 4, nps: 0 });
    const mallByStore = await api('GET', '/reports/nps?from=2026-11-01&to=2026-12-01&groupBy=store', { key: keys.mall });
    expect((mallByStore.body.groups as Array<{ key: string }>).map((g) => g.key)).toEqual(['DXB-MALL']);
    expect(await api('GET', '/reports/nps?storeCode=TPE-XINYI', { key: keys.mall })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });

    expect(await api('GET', '/reports/nps?from=2026-12-01&to=2026-11-01', { key: keys.brand })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await api('GET', '/reports/nps?groupBy=week', { key: keys.brand })).toMatchObject({ status: 400 });
    expect(await api('GET', '/reports/nps?from=yesterday', { key: keys.brand })).toMatchObject({ status: 400 });
    expect(await api('GET', '/reports/nps', { key: null })).toMatchObject({ status: 401 });
    expect(await api('GET', '/reports/nps?storeCode=NOPE', { key: keys.brand })).toMatchObject({ status: 422, body: { error: { code: 'UNKNOWN_STORE' } } });
  });
});
