// Handing a conversation to a person, from the customer bot's side, against real databases: the bot requests the
// handoff in its turn and tells the customer who comes and when (assigned, a place in the queue, or the team's hours),
// then stays silent for every kind of message while the person has the chat, passing each on to the agents' side. The
// agents' side is our own HandoffNotifier port: a recording one here (bots/agent has its own tests).
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoffNotifier } from '../../bots/agent/desk-types.js';
import { createCustomerBot } from '../../bots/customer/customer-bot.js';
import type { InboundMessage, InboundSink, Reply, TeamChat } from '../../core/conversation/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { changeStatus, createTicket } from '../../core/tickets/index.js';
import { schema } from '../../db/index.js';
import { createNlu } from '../../nlu/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBrand } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const nlu = createNlu({ cacheDir: join(tmpdir(), 'crm-test-nlu-cache') });
// Sunday 22 November 2026, 12:00 in Dubai: inside the default support hours (10:00–22:00).
const NOON_DUBAI = new Date('2026-11-22T08:00:00Z');

describe.each(testDbKinds)('handoff from the customer bot on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let bot: InboundSink;
  /** What the agents' side was told, with what the database said at that moment (proof it ran after the commit). */
  let requested: Array<{ handoffId: number; statusSeen: string | undefined }>;
  let wrote: Array<{ conversationId: string; messageId: string; textSeen: string | null | undefined }>;
  let posts: string[];

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(NOON_DUBAI);
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
    requested = [];
    wrote = [];
    posts = [];
    // Reads through the root handle: inside the turn's transaction this would wait forever on PGlite, and on
    // PostgreSQL it would not see the uncommitted rows.
    const notifier: HandoffNotifier = {
      handoffRequested: async (handoffId) => {
        const [row] = await handle.db.select({ status: schema.handoffs.status }).from(schema.handoffs).where(eq(schema.handoffs.id, handoffId));
        requested.push({ handoffId, statusSeen: row?.status });
      },
      customerWrote: async ({ conversationId, messageId }) => {
        const [row] = await handle.db.select({ text: schema.messages.text }).from(schema.messages).where(eq(schema.messages.id, messageId));
        wrote.push({ conversationId, messageId, textSeen: row ? row.text : undefined });
      },
    };
    const teamChat: TeamChat = {
      post: (text) => {
        posts.push(text);
        return Promise.resolve([]);
      },
    };
    bot = createCustomerBot({
      ...deps,
      brand: { id: brandId, country: 'AE', defaultLanguage: 'en', termsVersion: 't-1', marketingWordingVersion: 'm-1' },
      nlu,
      handoff: notifier,
      teamChat,
    });
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  async function agent(name: string, opts: { onDuty?: boolean; max?: number } = {}): Promise<string> {
    const [row] = await handle.db
      .insert(schema.agents)
      .values({ brandId, name, login: name.toLowerCase(), onDuty: opts.onDuty ?? true, maxConversations: opts.max ?? 5 })
      .returning({ id: schema.agents.id });
    return row!.id;
  }

  /** One message from `chat`; the replies' texts joined, and the replies. */
  async function send(chat: string, m: Partial<InboundMessage> = {}): Promise<{ text: string; replies: Reply[]; duplicate: boolean }> {
    const result = await bot.handle({ channel: 'web', externalUserId: chat, chatId: chat, platformMessageId: randomUUID(), timestamp: clock.now(), ...m });
    const replies = result.replies.map((r) => r.reply);
    return { text: replies.map((r) => r.text).join('\n'), replies, duplicate: result.duplicate };
  }
  const say = async (chat: string, text: string) => (await send(chat, { text })).text;

  async function conversation(chat: string) {
    const [row] = await handle.db.select().from(schema.conversations).where(and(eq(schema.conversations.brandId, brandId), eq(schema.conversations.chatId, chat)));
    return row!;
  }
  async function handoffOf(chat: string) {
    const conv = await conversation(chat);
    const [row] = await handle.db.select().from(schema.handoffs).where(eq(schema.handoffs.conversationId, conv.id)).orderBy(desc(schema.handoffs.id));
    return row;
  }

  it('tells the customer in their language: assigned, their place in the queue, or when the team answers', async () => {
    await agent('Sara', { max: 1 });
    const en = randomUUID();
    expect(await say(en, 'can I talk to a real person please')).toMatch(/asked a person from our team to join this chat\. They'll answer here shortly/);
    expect(await conversation(en)).toMatchObject({ mode: 'agent' });
    expect(await handoffOf(en)).toMatchObject({ status: 'assigned', reason: 'asked' });

    // Sara is full: the next ones wait in the queue, and are told where they are.
    const ar = randomUUID();
    const arabic = await send(ar, { text: 'ابي اكلم موظف' });
    expect(arabic.text).toMatch(/ترتيبك في قائمة الانتظار رقم 1/);
    expect(arabic.replies[0]).toMatchObject({ dir: 'rtl' });
    expect(arabic.replies[0]?.buttons).toBeUndefined();
    const zh = randomUUID();
    expect(await say(zh, '我要找真人客服')).toMatch(/您目前排在第 2 位/);

    // The agents' side heard of each, after the turn committed (it could read the handoff).
    const ids = [(await handoffOf(en))!.id, (await handoffOf(ar))!.id, (await handoffOf(zh))!.id];
    await eventually(() => expect(requested).toEqual([
      { handoffId: ids[0], statusSeen: 'assigned' },
      { handoffId: ids[1], statusSeen: 'queued' },
      { handoffId: ids[2], statusSeen: 'queued' },
    ]));

    // Inside opening hours with nobody on duty: the hours, and the place in the queue.
    await handle.db.update(schema.agents).set({ onDuty: false });
    const nobody = randomUUID();
    expect(await say(nobody, '/agent')).toMatch(/Nobody is free at this moment \(they answer 10:00–22:00, Gulf Standard Time\); you are number 3 in the queue/);

    // 23:00 in Dubai: closed; they answer tomorrow from 10:00.
    clock.set(new Date('2026-11-22T19:00:00Z'));
    expect((await send(randomUUID(), { payload: 'intent:human' })).text).toMatch(/They answer in this chat from 10:00 to 22:00 \(Gulf Standard Time\), so a person will reply tomorrow from 10:00/);
    const arLate = randomUUID();
    await send(arLate, { payload: 'lang:ar' });
    expect(await say(arLate, 'ممكن اتكلم مع موظف')).toMatch(/من 10:00 إلى 22:00 \(توقيت الخليج\)، لذلك سيرد عليك أحد الموظفين غداً ابتداءً من 10:00/);
    const zhLate = randomUUID();
    await send(zhLate, { payload: 'lang:zh' });
    expect(await say(zhLate, '真人客服')).toMatch(/客服服務時間為 10:00 至 22:00（.+），客服人員會在明天 10:00 起回覆您/);
    // 02:00 in Dubai: today from 10:00.
    clock.set(new Date('2026-11-22T22:00:00Z'));
    expect(await say(randomUUID(), 'human agent please')).toMatch(/a person will reply today from 10:00/);
  });

  it('stays silent for every kind of message while a person has the chat, stores each, passes each on, and honours STOP', async () => {
    await agent('Sara');
    const chat = randomUUID();
    // Opted in to offers on this channel (START), then asks for a person.
    expect(await say(chat, 'START')).toMatch(/get our offers and news in this chat again/);
    expect(await say(chat, 'I want to talk to a human')).toMatch(/They'll answer here shortly/);
    const conv = await conversation(chat);
    expect(conv.mode).toBe('agent');
    const outboundBefore = await countMessages(conv.id, 'out');
    await eventually(() => expect(requested).toHaveLength(1));

    const kinds: Array<[string, Partial<InboundMessage>]> = [
      ['text', { text: 'hello, is anyone there?' }],
      ['greeting', { text: 'hi' }],
      ['help', { text: 'help' }],
      ['balance', { text: "what's my balance" }],
      ['enroll', { text: 'join' }],
      ['rewards', { text: 'what rewards can I get' }],
      ['complaint', { text: 'my points were not added after my purchase' }],
      ['ticket status', { text: 'ticket 12' }],
      ['link', { text: 'link 48291375' }],
      ['a rating', { text: '9' }],
      ['upset', { text: 'this is terrible, worst service ever!!' }],
      ['/start', { text: '/start' }],
      ['/menu', { text: '/menu' }],
      ['/balance', { text: '/balance' }],
      ['/human', { text: '/human' }],
      ['start button', { payload: 'start' }],
      ['language button', { payload: 'lang:ar' }],
      ['intent button', { payload: 'intent:balance' }],
      ['human button', { payload: 'intent:human' }],
      ['reward pick', { payload: `reward:${randomUUID()}` }],
      ['voucher pick', { payload: `voucher:${randomUUID()}` }],
      ['form button', { payload: 'form:cancel' }],
      ['csat button', { payload: 'csat:1:5' }],
      ['survey button', { payload: 'nps:1:9' }],
      ['photo', { media: 'photo' }],
      ['sticker', { media: 'sticker' }],
      ['voice', { media: 'voice' }],
      ['emoji only', { text: '👍😂' }],
      ['too long', { text: 'x'.repeat(5_000) }],
      ['contact', { contact: { phone: '+971501234567', verified: false }, text: '+971501234567' }],
      ['verified contact', { contact: { phone: '+971509876543', verified: true } }],
      ['gift card code', { text: 'ABCD-EFGH-JKMN-PQRS' }],
      ['empty', { text: '' }],
      ['nothing at all', {}],
      ['STOP', { text: 'STOP' }],
    ];
    for (const [name, m] of kinds) {
      const platformMessageId = randomUUID();
      const before = wrote.length;
      const result = await send(chat, { ...m, platformMessageId });
      expect(result.replies, name).toEqual([]);
      expect(result.duplicate, name).toBe(false);
      const [stored] = await handle.db
        .select({ id: schema.messages.id, text: schema.messages.text, body: schema.messages.body })
        .from(schema.messages)
        .where(and(eq(schema.messages.conversationId, conv.id), eq(schema.messages.direction, 'in'), eq(schema.messages.platformMessageId, platformMessageId)));
      expect(stored, name).toBeDefined();
      if (m.media) expect(stored!.body, name).toMatchObject({ media: m.media });
      if (m.payload) expect(stored!.body, name).toMatchObject({ payload: m.payload });
      await eventually(() => expect(wrote.slice(before), name).toEqual([{ conversationId: conv.id, messageId: stored!.id, textSeen: stored!.text }]));
    }
    // Not one reply went out, and the conversation is still the person's.
    expect(await countMessages(conv.id, 'out')).toBe(outboundBefore);
    expect((await conversation(chat)).mode).toBe('agent');
    expect(await handle.db.select().from(schema.tickets)).toEqual([]);

    // STOP was honoured silently: marketing withdrawn on this channel, recorded like any STOP.
    expect(await marketing(conv.customerId)).toEqual([
      [false, 'chat_stop'],
      [true, 'chat_start'],
    ]);
    // A redelivery is stored once and passed on once.
    const again = randomUUID();
    const before = wrote.length;
    await send(chat, { text: 'still there?', platformMessageId: again });
    await eventually(() => expect(wrote).toHaveLength(before + 1));
    const relayed = wrote.length;
    expect(await send(chat, { text: 'still there?', platformMessageId: again })).toMatchObject({ duplicate: true, replies: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(wrote).toHaveLength(relayed);
    // Only the one handoff was ever requested.
    expect(requested).toHaveLength(1);
  });

  it('hands over on the third misunderstanding in a row, and when the person offered after the second is taken', async () => {
    const first = randomUUID();
    expect(await say(first, 'qwpoeiru zmxncbv')).toMatch(/didn't quite get that/);
    const offer = await send(first, { text: 'lkjhgf poiuyt' });
    expect(offer.text).toMatch(/still didn't understand/);
    expect(offer.replies[0]?.buttons?.[0]?.payload).toBe('intent:human');
    const third = await say(first, 'zzqqxx ppwwee');
    expect(third).toMatch(/^Sorry I couldn't help\. Let me get a person from our team\./);
    expect(third).toMatch(/Nobody is free at this moment .* you are number 1 in the queue/);
    expect(await handoffOf(first)).toMatchObject({ reason: 'misunderstood' });

    const pressed = randomUUID();
    await say(pressed, 'qwpoeiru zmxncbv');
    await say(pressed, 'lkjhgf poiuyt');
    expect((await send(pressed, { payload: 'intent:human' })).text).toMatch(/asked our team/);
    expect(await handoffOf(pressed)).toMatchObject({ reason: 'misunderstood' });

    const yes = randomUUID();
    await say(yes, 'qwpoeiru zmxncbv');
    await say(yes, 'lkjhgf poiuyt');
    expect(await say(yes, 'yes please')).toMatch(/asked our team/);
    expect(await handoffOf(yes)).toMatchObject({ reason: 'misunderstood' });

    // Understood in between: the count starts again, and nobody is handed over.
    const mixed = randomUUID();
    await say(mixed, 'qwpoeiru zmxncbv');
    await say(mixed, 'lkjhgf poiuyt');
    await say(mixed, 'help');
    expect(await say(mixed, 'zzqqxx ppwwee')).toMatch(/didn't quite get that/);
    expect(await handoffOf(mixed)).toBeUndefined();
  });

  it('hands a strongly negative message over, but answers an upset request it can handle', async () => {
    const upset = randomUUID();
    expect(await say(upset, 'this is terrible, worst service ever!!')).toMatch(/I'm sorry about this\. 🙏 Let me get a person from our team\./);
    expect(await handoffOf(upset)).toMatchObject({ reason: 'sentiment' });

    const arabic = randomUUID();
    expect(await say(arabic, 'خدمة سيئة جدا وموظفين وقحين')).toMatch(/نأسف لذلك/);
    expect(await handoffOf(arabic)).toMatchObject({ reason: 'sentiment' });
    // A complaint written in anger is recorded as a ticket as it is (no form to fill while upset).
    const [ticket] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.conversationId, (await conversation(arabic)).id));
    expect(ticket).toMatchObject({ source: 'chat', category: 'other', description: 'خدمة سيئة جدا وموظفين وقحين', priority: 'high' });
    await eventually(() => expect(posts).toContain(`New ticket #${ticket!.id} · other · high priority (from the chat)`));

    // Angry, but asking for something the bot does: answered, nobody called.
    const balance = randomUUID();
    expect(await say(balance, 'I hate waiting, what is my balance')).toMatch(/not a member yet/);
    expect((await conversation(balance)).mode).toBe('bot');
    expect(await handoffOf(balance)).toBeUndefined();
  });

  it('answers an open request already in the queue with its place (the conversation still with the bot)', async () => {
    await agent('Sara', { onDuty: false });
    const chat = randomUUID();
    await say(chat, 'talk to an agent');
    // Back with the bot while the request is still open (a data repair, or staff switching modes by hand).
    await handle.db.update(schema.conversations).set({ mode: 'bot' }).where(eq(schema.conversations.chatId, chat));
    expect(await say(chat, 'talk to an agent')).toMatch(/You're already in the queue \(number 1\)/);
    expect(await handle.db.select({ n: count() }).from(schema.handoffs)).toEqual([{ n: 1 }]);
    await eventually(() => expect(requested).toHaveLength(1));
  });

  it('after a resolved conversation: the CSAT question takes only a rating, and a person asked for at the comment comes', async () => {
    await agent('Sara');
    const chat = randomUUID();
    await say(chat, 'hi');
    const conv = await conversation(chat);
    const resolved = await createTicket(deps, { brandId, customerId: conv.customerId, conversationId: conv.id, category: 'conversation', description: 'Handoff', source: 'chat', actor: { type: 'agent', id: 'a1' } });
    await changeStatus(deps, { brandId, ticketId: resolved.id, to: 'resolved', actor: { type: 'agent', id: 'a1' } });
    // The CSAT question waiting, as the agent desk leaves it.
    await handle.db
      .update(schema.conversations)
      .set({ state: sql`${schema.conversations.state} || ${JSON.stringify({ csat: { ticketId: resolved.id, askedAt: clock.now().toISOString() } })}::jsonb` })
      .where(eq(schema.conversations.id, conv.id));
    const csatOf = async () => (await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, resolved.id)))[0]!;

    // A number in a sentence is no rating, nor a reason to ask again: the complaint is handled as usual.
    const complaint = await say(chat, 'got 2 bottles broken');
    expect(complaint).not.toMatch(/1 to 5|anything you would like to add/);
    expect(await csatOf()).toMatchObject({ csatScore: null });
    // The ticket form is open: a typed "4" is its answer, not the rating.
    expect(complaint).toMatch(/What is it about\?/);
    expect(await say(chat, '4')).not.toMatch(/anything you would like to add/);
    expect(await csatOf()).toMatchObject({ csatScore: null });
    await send(chat, { payload: 'form:cancel' });
    expect((await conversation(chat)).state).toMatchObject({ csat: { ticketId: resolved.id } });

    expect(await say(chat, '4')).toMatch(/anything you would like to add/);
    expect(await say(chat, 'I want to talk to a person')).toMatch(/They'll answer here shortly/);
    expect(await handoffOf(chat)).toMatchObject({ reason: 'asked', status: 'assigned' });
    expect(await csatOf()).toMatchObject({ csatScore: 4, csatComment: null });
    expect((await conversation(chat)).state).not.toHaveProperty('csat');
  });

  async function countMessages(conversationId: string, direction: 'in' | 'out'): Promise<number> {
    const [row] = await handle.db.select({ n: count() }).from(schema.messages).where(and(eq(schema.messages.conversationId, conversationId), eq(schema.messages.direction, direction)));
    return row?.n ?? 0;
  }

  async function marketing(customerId: string) {
    const rows = await handle.db
      .select({ granted: schema.consentRecords.granted, source: schema.consentRecords.source })
      .from(schema.consentRecords)
      .where(and(eq(schema.consentRecords.customerId, customerId), eq(schema.consentRecords.purpose, 'marketing')))
      .orderBy(desc(schema.consentRecords.recordedAt), desc(schema.consentRecords.id));
    return rows.map((r) => [r.granted, r.source]);
  }
});
