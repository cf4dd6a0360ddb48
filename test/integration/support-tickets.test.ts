// Support tickets and CSAT in the customer chat, against real databases: the ticket form (category buttons, a store
// named loosely or an order number, the complaint itself as the description), priorities by the rules (VIP, sentiment)
// with an urgent ticket bringing a person, "what's the status of my ticket" in three languages, and the CSAT rating the
// agent desk asks for after resolving (buttons, typed numbers in any script, bad answers, stale questions).
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCustomerBot } from '../../bots/customer/customer-bot.js';
import { csatQuestion } from '../../bots/customer/features/feedback.js';
import type { InboundSink, TeamChat } from '../../core/conversation/index.js';
import { enroll } from '../../core/loyalty/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { changeStatus, createTicket } from '../../core/tickets/index.js';
import { schema } from '../../db/index.js';
import { createNlu } from '../../nlu/index.js';
import { eventually } from '../helpers/eventually.js';
import { createBrand, createStore, DAY } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';
import { botChat } from '../helpers/bot-chat.js';

const nlu = createNlu({ cacheDir: join(tmpdir(), 'crm-test-nlu-cache') });
// Sunday 22 November 2026, 12:00 in Dubai.
const NOON_DUBAI = new Date('2026-11-22T08:00:00Z');

describe.each(testDbKinds)('tickets and CSAT in the chat on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let mallId: string;
  let taipeiId: string;
  let bot: InboundSink;
  let posts: string[];

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(NOON_DUBAI);
    deps = { db: handle.db, clock, log: silentLog };
    const b = await createBrand(handle.db, { tiers: [{ code: 'bronze', minPoints: 0 }, { code: 'gold', minPoints: 5_000 }, { code: 'platinum', minPoints: 15_000 }] });
    brandId = b.brandId;
    mallId = b.storeId;
    await handle.db.update(schema.stores).set({ code: 'DXB-MALL', name: { en: 'Dubai Mall', ar: 'دبي مول', zh: '杜拜購物中心' } }).where(eq(schema.stores.id, mallId));
    taipeiId = await createStore(handle.db, brandId, { timezone: 'Asia/Taipei', currency: 'TWD' });
    await handle.db.update(schema.stores).set({ code: 'TPE-XINYI', name: { en: 'Taipei Xinyi', zh: '台北信義店' }, city: 'Taipei' }).where(eq(schema.stores.id, taipeiId));
    posts = [];
    const teamChat: TeamChat = {
      post: (text) => {
        posts.push(text);
        return Promise.resolve([]);
      },
    };
    bot = createCustomerBot({ ...deps, brand: { id: brandId, country: 'AE', defaultLanguage: 'en', termsVersion: 't-1', marketingWordingVersion: 'm-1' }, nlu, teamChat });
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  const { send, say, press } = botChat(
    () => bot,
    () => clock,
  );

  async function conversation(chat: string) {
    const [row] = await handle.db.select().from(schema.conversations).where(and(eq(schema.conversations.brandId, brandId), eq(schema.conversations.chatId, chat)));
    return row!;
  }
  async function ticketsOf(chat: string) {
    const conv = await conversation(chat);
    return handle.db.select().from(schema.tickets).where(eq(schema.tickets.customerId, conv.customerId)).orderBy(asc(schema.tickets.id));
  }
  async function handoffOf(chat: string) {
    const conv = await conversation(chat);
    const [row] = await handle.db.select().from(schema.handoffs).where(eq(schema.handoffs.conversationId, conv.id));
    return row;
  }
  /** Makes the chat's customer a member of `tier`. */
  async function member(chat: string, tier: string): Promise<void> {
    await say(chat, 'hi');
    const conv = await conversation(chat);
    const result = await enroll(deps, {
      brandId,
      customerId: conv.customerId,
      channel: 'web',
      name: 'Mona VIP',
      birthday: '1990-08-12',
      acceptedTerms: true,
      marketingOptIn: false,
      termsVersion: 't-1',
      marketingWordingVersion: 'm-1',
    });
    if (result.status !== 'enrolled') throw new Error(result.status);
    await handle.db.update(schema.loyaltyAccounts).set({ tierCode: tier }).where(eq(schema.loyaltyAccounts.id, result.account.id));
  }

  describe('the ticket form', () => {
    it('opens a ticket: category buttons, a store named loosely, a description; the team hears of it; the status is one question away', async () => {
      const chat = randomUUID();
      const opened = await send(chat, { text: 'I have a problem' });
      expect(opened.text).toMatch(/Let me open a ticket[\s\S]*What is it about\?/);
      expect(opened.replies.at(-1)?.buttons?.map((b) => b.payload)).toEqual([
        'form:category:points',
        'form:category:voucher',
        'form:category:product',
        'form:category:service',
        'form:category:delivery',
        'form:category:other',
        'form:cancel',
      ]);
      expect(await say(chat, 'whatever')).toMatch(/Please pick one of the buttons/);
      const askedWhere = await send(chat, { payload: 'form:category:points' });
      expect(askedWhere.text).toMatch(/Which store was it, or what is the order or receipt number\?/);
      // Few stores: offered as buttons, and Skip.
      expect(askedWhere.replies[0]?.buttons?.map((b) => b.label)).toEqual(['Dubai Mall', 'Taipei Xinyi', 'Skip']);
      expect(await say(chat, 'dubai mal')).toMatch(/Please describe what happened/);
      const created = await say(chat, 'My points from yesterday are missing');
      const [ticket] = await ticketsOf(chat);
      expect(ticket).toMatchObject({ category: 'points', storeId: mallId, source: 'chat', priority: 'normal', status: 'open', description: 'My points from yesterday are missing' });
      expect(ticket!.conversationId).toBe((await conversation(chat)).id);
      // Normal priority: first answer within 8 business hours from 12:00 in Dubai.
      expect(created).toBe(
        `Thank you. Your ticket number is #${ticket!.id} (Dubai Mall). Our team will reply in this chat by Sunday 22 November at 20:00 (Gulf Standard Time). Ask me "status of my ticket" any time.`,
      );
      await eventually(() => expect(posts).toEqual([`New ticket #${ticket!.id} · points · normal priority · Dubai Mall (from the chat)`]));

      expect(await say(chat, "what's the status of my ticket?")).toMatch(new RegExp(`^Your tickets:\\n• #${ticket!.id} Points — open \\(opened 22 November 2026\\)`));
      expect(await say(chat, `ticket ${ticket!.id}`)).toMatch(new RegExp(`#${ticket!.id} Points — open`));
      expect(await say(chat, 'ticket 987654')).toMatch(/I couldn't find ticket #987654 among yours/);
      expect(await say(chat, 'وين وصلت شكوتي')).toMatch(new RegExp(`^تذاكرك:\\n• \u200e#${ticket!.id}\u200e النقاط — مفتوحة`));
      expect(await say(chat, '我的工單進度')).toMatch(new RegExp(`^您的工單：\\n• #${ticket!.id} 點數 — 處理中`));
      // Another customer cannot read it by number.
      expect(await say(randomUUID(), `ticket ${ticket!.id}`)).toMatch(/couldn't find ticket/);
      expect(await say(randomUUID(), 'any news on my complaint?')).toMatch(/You have no open tickets/);
    });

    it('takes the complaint itself as the description, reads an order number, skips, and cancels like any form', async () => {
      const chat = randomUUID();
      expect(await say(chat, 'the cashier was rude to me at the counter')).toMatch(/What is it about\?/);
      await press(chat, 'form:category:service');
      // The description is known: not asked again.
      expect(await say(chat, 'receipt INV-88231')).toMatch(/Your ticket number is #\d+\. Our team will reply/);
      expect(await ticketsOf(chat)).toMatchObject([{ category: 'service', orderReference: 'INV-88231', storeId: null, description: 'the cashier was rude to me at the counter' }]);

      const skipper = randomUUID();
      await say(skipper, 'I want to complain');
      await press(skipper, 'form:category:delivery');
      expect(await say(skipper, 'skip')).toMatch(/Please describe what happened/);
      expect(await say(skipper, 'ok')).toMatch(/tell me a little more/);
      expect(await say(skipper, 'The parcel never arrived')).toMatch(/Your ticket number is/);
      expect(await ticketsOf(skipper)).toMatchObject([{ category: 'delivery', storeId: null, orderReference: null, description: 'The parcel never arrived' }]);

      const taipei = randomUUID();
      await send(taipei, { payload: 'lang:zh' });
      expect(await say(taipei, '我要投訴')).toMatch(/請問是關於哪方面的問題/);
      await press(taipei, 'form:category:product');
      await press(taipei, `form:store:${taipeiId}`);
      // Taipei's clock (UTC+8): 16:00 now; 6 business hours today, 2 more from 10:00 tomorrow.
      expect(await say(taipei, '買到的香水瓶子是破的')).toMatch(/您的工單編號是 #\d+（台北信義店）。我們的客服團隊會在 11月23日星期一 12:00 \(台北標準時間\) 前/);

      const quitter = randomUUID();
      await say(quitter, 'I have a complaint');
      expect(await say(quitter, 'cancel')).toMatch(/OK, I haven't opened a ticket/);
      expect(await ticketsOf(quitter)).toEqual([]);
    });

    it('raises the priority for a VIP and for an upset description, and an urgent ticket brings a person', async () => {
      const vip = randomUUID();
      await member(vip, 'platinum');
      await say(vip, 'I have a problem');
      await press(vip, 'form:category:product');
      await press(vip, 'form:skip');
      // High priority: 2 business hours.
      expect(await say(vip, 'The bottle I bought leaks a little')).toMatch(/by Sunday 22 November at 14:00/);
      expect((await ticketsOf(vip)).map((t) => t.priority)).toEqual(['high']);

      const upset = randomUUID();
      await say(upset, 'I have a problem');
      await press(upset, 'form:category:service');
      await press(upset, 'form:skip');
      await say(upset, 'The staff were horrible and the service was awful');
      expect((await ticketsOf(upset)).map((t) => t.priority)).toEqual(['high']);
      expect((await conversation(upset)).mode).toBe('bot');

      // A VIP who is upset: urgent, and a person is brought in by rule.
      await say(vip, 'I have another problem');
      await press(vip, 'form:category:service');
      await press(vip, `form:store:${mallId}`);
      const urgent = await say(vip, 'The staff were horrible and the service was awful');
      const tickets = await ticketsOf(vip);
      expect(tickets.map((t) => t.priority)).toEqual(['high', 'urgent']);
      expect(urgent).toMatch(new RegExp(`Your ticket number is #${tickets[1]!.id} \\(Dubai Mall\\)\\. Our team will reply in this chat by Sunday 22 November at 13:00[\\s\\S]*Nobody is free at this moment`));
      expect(await handoffOf(vip)).toMatchObject({ reason: 'rule' });
      expect((await conversation(vip)).mode).toBe('agent');
    });
  });

  describe('CSAT after a person resolved the conversation', () => {
    /** A resolved ticket of the chat's customer, and the CSAT question pending as the agent desk leaves it. */
    async function resolvedTicket(chat: string, askedAt: Date = clock.now()): Promise<number> {
      await say(chat, 'hi');
      const conv = await conversation(chat);
      const ticket = await createTicket(deps, { brandId, customerId: conv.customerId, conversationId: conv.id, category: 'conversation', description: 'Handoff', source: 'chat', actor: { type: 'agent', id: 'a1' } });
      await changeStatus(deps, { brandId, ticketId: ticket.id, to: 'resolved', actor: { type: 'agent', id: 'a1' } });
      // The desk's own update: one atomic merge into the state.
      await handle.db
        .update(schema.conversations)
        .set({ state: sql`${schema.conversations.state} || ${JSON.stringify({ csat: { ticketId: ticket.id, askedAt: askedAt.toISOString() } })}::jsonb` })
        .where(eq(schema.conversations.id, conv.id));
      return ticket.id;
    }
    const ticket = async (id: number) => (await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, id)))[0]!;
    const state = async (chat: string) => (await conversation(chat)).state as { csat?: unknown };

    it('asks in the bot’s words: five buttons that come back to the bot', () => {
      expect(csatQuestion('en', 42)).toEqual({
        text: 'How would you rate the help you got from our team? Tap 1 (poor) to 5 (excellent).',
        dir: 'ltr',
        buttons: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), payload: `csat:42:${n}` })),
      });
      expect(csatQuestion('ar', 42)).toMatchObject({ dir: 'rtl', text: expect.stringMatching(/كيف تقيّم/) as unknown });
      expect(csatQuestion('zh', 42).text).toMatch(/您對我們客服人員的協助滿意嗎/);
    });

    it('records a button press, then the comment, with both in the ticket’s history', async () => {
      const chat = randomUUID();
      const id = await resolvedTicket(chat);
      const asked = await send(chat, { payload: `csat:${id}:4` });
      expect(asked.text).toMatch(/Is there anything you would like to add\?/);
      expect(asked.replies[0]?.buttons).toEqual([{ label: 'Skip', payload: 'csat:skip' }]);
      expect(await ticket(id)).toMatchObject({ csatScore: 4, csatComment: null });
      expect(await say(chat, 'Sara was quick and kind')).toMatch(/Thank you for your feedback/);
      expect(await ticket(id)).toMatchObject({ csatScore: 4, csatComment: 'Sara was quick and kind' });
      const events = await handle.db.select().from(schema.ticketEvents).where(eq(schema.ticketEvents.ticketId, id)).orderBy(asc(schema.ticketEvents.id));
      expect(events.map((e) => [e.kind, e.details])).toEqual(
        expect.arrayContaining([
          ['csat', { score: 4 }],
          ['csat_comment', { comment: 'Sara was quick and kind' }],
        ]) as unknown,
      );
      expect(await state(chat)).not.toHaveProperty('csat');
      // Pressed again: already noted, nothing changes.
      expect(await press(chat, `csat:${id}:1`)).toMatch(/already noted/);
      expect((await ticket(id)).csatScore).toBe(4);
    });

    it.each([
      ['٤', 4],
      ['四', 4],
      ['four', 4],
      ['5 stars', 5],
    ] as const)('reads a typed %s as %d', async (typed, score) => {
      const chat = randomUUID();
      const id = await resolvedTicket(chat);
      await say(chat, typed);
      expect((await ticket(id)).csatScore).toBe(score);
      expect(await press(chat, 'csat:skip')).toMatch(/🙏/);
      expect((await ticket(id)).csatComment).toBeNull();
    });

    it('asks again once after a bad answer, then drops the question and carries on', async () => {
      const chat = randomUUID();
      const id = await resolvedTicket(chat);
      const again = await send(chat, { text: '6' });
      expect(again.text).toMatch(/^Please answer with a number from 1 to 5\.\nHow would you rate/);
      expect(again.replies[0]?.buttons?.map((b) => b.payload)).toEqual([1, 2, 3, 4, 5].map((n) => `csat:${id}:${n}`));
      // A second bad answer: the question is dropped and the message is handled as any other.
      expect(await say(chat, 'ten')).not.toMatch(/1 to 5/);
      expect(await state(chat)).not.toHaveProperty('csat');
      expect((await ticket(id)).csatScore).toBeNull();

      // Words that are not a rating are answered as usual; the question waits for a rating.
      const other = randomUUID();
      const otherId = await resolvedTicket(other);
      expect(await say(other, 'thanks')).not.toMatch(/1 to 5/);
      expect(await say(other, 'what is my points balance')).toMatch(/not a member yet/);
      expect(await state(other)).toHaveProperty('csat');
      expect(await say(other, '5 stars')).toMatch(/anything you would like to add/);
      expect((await ticket(otherId)).csatScore).toBe(5);
    });

    it('thanks without recording for someone else’s or an unknown ticket, and forgets a week-old question', async () => {
      const mine = randomUUID();
      const myId = await resolvedTicket(mine);
      const theirs = randomUUID();
      const theirId = await resolvedTicket(theirs);
      expect(await press(mine, `csat:${theirId}:1`)).toMatch(/already noted/);
      expect(await press(mine, 'csat:99999999:5')).toMatch(/already noted/);
      expect((await ticket(theirId)).csatScore).toBeNull();
      expect((await ticket(myId)).csatScore).toBeNull();

      const old = randomUUID();
      const oldId = await resolvedTicket(old, new Date(clock.now().getTime() - 8 * DAY));
      // "5" a week later is a lone rating (thanked), not this ticket's CSAT.
      expect(await say(old, '5')).toMatch(/Thank you for your rating of 5/);
      expect((await ticket(oldId)).csatScore).toBeNull();
      expect(await state(old)).not.toHaveProperty('csat');
      // Its button is still honoured: the ticket is theirs and unrated.
      expect(await press(old, `csat:${oldId}:3`)).toMatch(/Thank you for your feedback/);
      expect((await ticket(oldId)).csatScore).toBe(3);
    });
  });
});
