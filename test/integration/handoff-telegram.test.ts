// Issue #6 end to end with the running app: a customer on Telegram asks for a person, the agent is alerted in the
// staff group, takes it and answers in the alert's thread, the customer gets it, the bot stays silent, the agent
// resolves and the customer rates; then a purchase at the till triggers an NPS survey whose detractor answer opens a
// ticket and alerts the team. The real grammy client talks to a fake Bot API server; the POS API is called over HTTP.
import type { Update, User } from 'grammy/types';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageUpdate, callbackUpdate } from '../../adapters/channels/telegram/telegram.test-support.js';
import { runAdminCommand } from '../../adapters/cli/admin.js';
import { SURVEY_JOBS } from '../../core/surveys/index.js';
import { ManualClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-bot-api.js';
import { eventually } from '../helpers/eventually.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

type Sent = { chat_id: number | string; text: string; reply_parameters?: { message_id: number }; reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } };

const STAFF_GROUP = -1004242;
let nextUpdateId = 7000;
const customer: User = { id: 88001, is_bot: false, first_name: 'Layla', language_code: 'en' };
const sara: User = { id: 99001, is_bot: false, first_name: 'Sara' };

const text = (from: User, t: string): Update => messageUpdate(nextUpdateId++, { text: t }, from);
const press = (from: User, data: string): Update => {
  const u = callbackUpdate(nextUpdateId++, `q${nextUpdateId}`, data);
  return { ...u, callback_query: { ...u.callback_query!, from, message: { ...u.callback_query!.message!, chat: { id: from.id, type: 'private', first_name: from.first_name } } } };
};
/** A message in the staff group, replying to `replyTo` (a message the bot posted there) when given. */
const staff = (t: string, replyTo?: number): Update => {
  const u = messageUpdate(nextUpdateId++, { text: t }, sara);
  return {
    ...u,
    message: {
      ...u.message!,
      chat: { id: STAFF_GROUP, type: 'supergroup', title: 'Team' },
      ...(replyTo !== undefined ? { reply_to_message: { message_id: replyTo, date: 0, chat: { id: STAFF_GROUP, type: 'supergroup', title: 'Team' } } } : {}),
    } as NonNullable<Update['message']>,
  };
};

describe.each(testDbKinds)('handoff and NPS end to end on %s (Telegram)', (kind) => {
  let api: FakeTelegramApi;
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-11-22T06:00:00Z')); // 10:00 in Dubai

  const sentTo = (chatId: number) => api.callsTo('sendMessage').map((c) => c.params as Sent).filter((p) => String(p.chat_id) === String(chatId));
  /** Delivers an update and waits until `chatId` got `n` more messages; returns them. */
  const exchange = async (update: Update, chatId: number, n: number): Promise<Sent[]> => {
    const before = sentTo(chatId).length;
    api.queueUpdate(update);
    return eventually(() => {
      const now = sentTo(chatId);
      if (now.length < before + n) throw new Error(`waiting for ${n} messages to ${chatId}, have ${now.length - before}`);
      return now.slice(before);
    });
  };
  /** Delivers an update and waits until the app stored it (for messages that get no answer). */
  const deliverSilently = async (update: Update) => {
    const before = await storedInbound();
    api.queueUpdate(update);
    await eventually(async () => {
      if ((await storedInbound()) <= before) throw new Error('not processed yet');
    });
  };
  const storedInbound = async () => (await t.app.db.db.select({ id: schema.messages.id }).from(schema.messages).where(eq(schema.messages.direction, 'in'))).length;

  beforeAll(async () => {
    api = await startFakeTelegramApi({ longPollCapMs: 100 });
    t = await startTestApp(kind, { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.url, TELEGRAM_STAFF_CHAT_IDS: String(STAFF_GROUP) }, { clock });
    await t.app.db.db.update(schema.agents).set({ onDuty: false }).where(eq(schema.agents.brandId, t.config.BRAND_ID));
    await t.app.db.db.insert(schema.agents).values({ brandId: t.config.BRAND_ID, name: 'Sara Test', login: 'sara-test', telegramUserId: String(sara.id), onDuty: false });
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });

  it('a person takes over, the bot stays silent, hands back, and the customer rates the help', async () => {
    const asked = await exchange(text(customer, 'I want to talk to a human'), customer.id, 1);
    expect(asked.map((m) => m.text).join('\n')).toMatch(/team|person|queue/i);

    // The team is alerted at once, with who the customer is and what they said.
    const alert = await eventually(() => {
      const a = sentTo(STAFF_GROUP).find((m) => m.text.includes('Handoff #'));
      if (!a) throw new Error('no alert yet');
      return a;
    });
    expect(alert.text).toContain('I want to talk to a human');
    const handoffId = Number(/Handoff #(\d+)/.exec(alert.text)![1]);
    const alertMessageId = await eventually(async () => {
      const [row] = await t.app.db.db.select().from(schema.handoffTeamMessages).where(eq(schema.handoffTeamMessages.handoffId, handoffId));
      if (!row) throw new Error('thread not stored yet');
      return Number(row.messageId);
    });

    // While waiting, the customer's messages go to the team's thread and the bot says nothing.
    const relayed = await exchange(text(customer, 'hello? anyone?'), STAFF_GROUP, 1);
    expect(relayed[0]!.text).toContain('hello? anyone?');
    expect(relayed[0]!.reply_parameters?.message_id).toBe(alertMessageId);

    // The thread hears who took it, and Sara gets the confirmation.
    const taken = await exchange(staff(`/take ${handoffId}`), STAFF_GROUP, 2);
    expect(taken.map((m) => m.text)).toEqual(expect.arrayContaining([`#${handoffId} taken by Sara Test.`, expect.stringContaining(`#${handoffId} is yours, Sara Test`)]));
    await eventually(() => {
      if (!sentTo(customer.id).some((m) => m.text.includes('Sara Test from our team has joined'))) throw new Error('no joined message yet');
    });
    const answer = await exchange(staff('Hello Layla, Sara here. Let me look at your points.', alertMessageId), customer.id, 1);
    expect(answer[0]!.text).toBe('Hello Layla, Sara here. Let me look at your points.');

    // Nothing the customer sends makes the bot speak while Sara has the conversation.
    const toCustomerBefore = sentTo(customer.id).length;
    for (const update of [text(customer, '/start'), text(customer, 'balance'), press(customer, 'intent:help'), text(customer, '😀'), text(customer, 'menu')]) {
      await deliverSilently(update);
    }
    expect(sentTo(customer.id)).toHaveLength(toCustomerBefore);

    // Resolved from the team chat: the customer is back with the bot and asked to rate (1–5 buttons).
    const resolved = await exchange(staff(`/resolve ${handoffId}`), customer.id, 2);
    const rating = resolved.at(-1)!;
    const buttons = rating.reply_markup?.inline_keyboard?.flat().map((b) => b.callback_data) ?? [];
    expect(buttons).toHaveLength(5);
    const five = buttons.find((b) => b.endsWith(':5'))!;
    await exchange(press(customer, five), customer.id, 1);
    const [ticket] = await t.app.db.db.select().from(schema.tickets).where(eq(schema.tickets.conversationId, (await conversationOf(customer.id)).id));
    expect(ticket).toMatchObject({ status: 'resolved', csatScore: 5 });

    // The bot answers again.
    const back = await exchange(text(customer, 'balance'), customer.id, 1);
    expect(back[0]!.text.length).toBeGreaterThan(0);
  });

  const conversationOf = async (chatId: number) =>
    (await t.app.db.db.select().from(schema.conversations).where(and(eq(schema.conversations.channel, 'telegram'), eq(schema.conversations.chatId, String(chatId)))))[0]!;

  it('a purchase triggers an NPS survey; a detractor answer opens a ticket and alerts the team', async () => {
    const buyer: User = { id: 88002, is_bot: false, first_name: 'Omar', language_code: 'en' };
    // The demo brand's post-purchase survey: two hours after a sale.
    const [survey] = await t.app.db.db.select().from(schema.surveys).where(eq(schema.surveys.brandId, t.config.BRAND_ID));
    expect(survey).toMatchObject({ kind: 'post_purchase', delayMinutes: 120, active: true });
    // Omar joins in the chat and agrees to hear from us here (a survey needs consent to contact him on this channel).
    await exchange(text(buyer, 'join'), buyer.id, 1);
    for (const answer of ['Omar Haddad', '1988-04-02', 'skip', 'yes']) await exchange(text(buyer, answer), buyer.id, 1);
    await exchange(text(buyer, 'yes'), buyer.id, 1);
    // Replies to one answer can still be arriving when the next one is sent: wait for the membership itself.
    const account = await eventually(async () => {
      const [row] = await t.app.db.db
        .select({ memberCode: schema.loyaltyAccounts.memberCode })
        .from(schema.loyaltyAccounts)
        .where(eq(schema.loyaltyAccounts.customerId, (await conversationOf(buyer.id)).customerId));
      if (!row) throw new Error(`not a member yet: ${JSON.stringify(sentTo(buyer.id).map((m) => m.text))}`);
      return row;
    });

    // A sale at the Dubai Mall till, through the POS API.
    const out: string[] = [];
    await runAdminCommand(['api-key', 'create', '--store', 'DXB-MALL', '--name', 'till', '--by', 'test'], { db: t.app.db.db, clock, log: t.app.server.log, brandId: t.config.BRAND_ID }, (l) => out.push(l));
    // The key is printed once, alone on an indented line.
    const key = out.find((l) => l.startsWith('  '))?.trim();
    const sale = await fetch(`${t.app.url}/api/v1/transactions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: 'T-NPS-1', customer: { memberCode: account.memberCode }, occurredAt: clock.now().toISOString(), currency: 'AED', totalMinor: 12_000, lines: [{ sku: 'OUD-50', quantity: 1, amountMinor: 12_000 }] }),
    });
    expect(sale.status).toBe(201);

    // Two hours later (inside Omar's waking hours) the survey job asks him, with 0–10 buttons.
    clock.advance(2 * 3_600_000 + 60_000);
    const before = sentTo(buyer.id).length;
    await t.app.queue.enqueue(SURVEY_JOBS.sendDue, {});
    const question = await eventually(() => {
      const q = sentTo(buyer.id).slice(before).find((m) => (m.reply_markup?.inline_keyboard?.flat().length ?? 0) === 11);
      if (!q) throw new Error('no survey yet');
      return q;
    });
    const three = question.reply_markup!.inline_keyboard!.flat().find((b) => b.text === '3')!.callback_data;

    const asked = await exchange(press(buyer, three), buyer.id, 1);
    expect(asked[0]!.text).toMatch(/reason/i);
    const teamBefore = sentTo(STAFF_GROUP).length;
    await exchange(text(buyer, 'The staff were rude and I waited too long'), buyer.id, 1);
    const [response] = await t.app.db.db.select().from(schema.surveyResponses).where(eq(schema.surveyResponses.customerId, (await conversationOf(buyer.id)).customerId));
    expect(response).toMatchObject({ status: 'answered', score: 3 });
    expect(response!.sentiment).toBeLessThan(0);
    const [ticket] = await t.app.db.db.select().from(schema.tickets).where(eq(schema.tickets.id, response!.ticketId!));
    expect(ticket).toMatchObject({ source: 'nps', status: 'open' });
    const alert = await eventually(() => {
      const a = sentTo(STAFF_GROUP).slice(teamBefore).find((m) => m.text.includes(`#${ticket!.id}`));
      if (!a) throw new Error('no detractor alert yet');
      return a;
    });
    expect(alert.text).toMatch(/Dubai Mall/);
  });
});
