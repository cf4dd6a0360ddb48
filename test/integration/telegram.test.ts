// The real app with the real grammy client, against a fake Bot API server on 127.0.0.1:
// a customer enrolls and checks the balance in long-polling mode and in webhook mode.
import type { Update, User } from 'grammy/types';
import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { callbackUpdate, messageUpdate } from '../../adapters/channels/telegram/telegram.test-support.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-bot-api.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

type Sent = { chat_id: number | string; text: string; reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>>; keyboard?: unknown } };

let nextUpdateId = 1000;
const STAFF_GROUP = -1001234567890;
/** A message in a group (a forum topic when `threadId` is given). */
const groupText = (chatId: number, from: User, t: string, threadId?: number): Update => {
  const u = messageUpdate(nextUpdateId++, { text: t }, from);
  return {
    ...u,
    message: {
      ...u.message!,
      chat: { id: chatId, type: 'supergroup', title: 'Team', ...(threadId !== undefined ? { is_forum: true } : {}) },
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
    },
  };
};
let nextUserId = 5000;
const newUser = (language_code = 'en'): User => ({ id: nextUserId++, is_bot: false, first_name: 'Test', language_code });
const text = (user: User, t: string): Update => messageUpdate(nextUpdateId++, { text: t }, user);
const press = (user: User, data: string): Update => {
  const u = callbackUpdate(nextUpdateId++, `q${nextUpdateId}`, data);
  return { ...u, callback_query: { ...u.callback_query!, from: user, message: { ...u.callback_query!.message!, chat: { id: user.id, type: 'private', first_name: 'Test' } } } };
};

/** Drives one Telegram user through the bot; `deliver` is polling (queue) or webhook (HTTP POST). */
function conversation(api: FakeTelegramApi, deliver: (u: Update) => Promise<void>) {
  return async (user: User, update: Update, expectedMessages = 1): Promise<string> => {
    const before = api.callsTo('sendMessage').filter((c) => String((c.params as Sent).chat_id) === String(user.id)).length;
    await deliver(update);
    const deadline = Date.now() + 5_000;
    for (;;) {
      const mine = api.callsTo('sendMessage').filter((c) => String((c.params as Sent).chat_id) === String(user.id));
      if (mine.length >= before + expectedMessages) return mine.slice(before).map((c) => (c.params as Sent).text).join('\n');
      if (Date.now() > deadline) throw new Error(`expected ${expectedMessages} new messages for ${user.id}, got ${mine.length - before}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
}

describe.each(testDbKinds)('Telegram on %s', (kind) => {
  describe('long polling', () => {
    let api: FakeTelegramApi;
    let t: TestApp;
    beforeAll(async () => {
      api = await startFakeTelegramApi({ longPollCapMs: 200 });
      t = await startTestApp(kind, { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.url, TELEGRAM_STAFF_CHAT_IDS: `${STAFF_GROUP}, -100777` });
    });
    afterAll(async () => {
      await t?.close();
      await api?.close();
    });

    it('enrolls with buttons and a shared contact, then shows the balance', async () => {
      const chat = conversation(api, (u) => Promise.resolve(api.queueUpdate(u)));
      const user = newUser();
      expect(await chat(user, text(user, '/start'), 2)).toMatch(/Loyalty Club/);
      const menu = api.callsTo('sendMessage').at(-1)!.params as Sent;
      expect(menu.reply_markup?.inline_keyboard?.flat().map((b) => b.callback_data)).toContain('intent:enroll');

      expect(await chat(user, press(user, 'intent:enroll'), 2)).toMatch(/full name/);
      expect(await chat(user, text(user, 'Karim Nasser'))).toMatch(/date of birth/);
      // The phone question offers Telegram's "share my number" keyboard (a second message carries it).
      expect(await chat(user, text(user, '1990-03-12'), 2)).toMatch(/mobile number/);
      const contactKeyboard = api.callsTo('sendMessage').at(-1)!.params as { reply_markup: { keyboard: Array<Array<{ request_contact?: boolean }>> } };
      expect(contactKeyboard.reply_markup.keyboard.flat().some((b) => b.request_contact)).toBe(true);

      const shared = messageUpdate(nextUpdateId++, { contact: { phone_number: '971501112233', first_name: 'Karim', user_id: user.id } }, user);
      expect(await chat(user, shared, 2)).toMatch(/\+971501112233[\s\S]*terms/);
      await chat(user, press(user, 'form:yes'));
      expect(await chat(user, press(user, 'form:yes'), 2)).toMatch(/Welcome to the club, Karim Nasser/);
      expect(await chat(user, text(user, 'my points'))).toMatch(/You have 0 points/);
      await expect.poll(() => api.callsTo('answerCallbackQuery').length).toBeGreaterThanOrEqual(3);

      const customers = await t.app.db.db.select().from(schema.customers);
      expect(customers.find((c) => c.name === 'Karim Nasser')).toMatchObject({ phone: '+971501112233', phoneVerified: true });
    });

    it('recognises a member by the number they share with the contact button: one customer, one balance', async () => {
      const chat = conversation(api, (u) => Promise.resolve(api.queueUpdate(u)));
      const user = newUser();
      expect(await chat(user, press(user, 'intent:enroll'), 2)).toMatch(/full name/);
      expect(await chat(user, text(user, 'Aisha M'))).toMatch(/date of birth/);
      await chat(user, text(user, '1991-04-18'), 2);
      // Aisha (a demo member known by this number) shares her own contact: this chat becomes hers.
      const shared = messageUpdate(nextUpdateId++, { contact: { phone_number: '971501234567', first_name: 'Aisha', user_id: user.id } }, user);
      const answer = await chat(user, shared, 2);
      expect(answer).toMatch(/already a member/);
      expect(answer).toMatch(/6,200 points/);
      const [identity] = await t.app.db.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, String(user.id)));
      const [aisha] = await t.app.db.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, 'demo-aisha'));
      expect(identity?.customerId).toBe(aisha?.customerId);
    });

    it('routes a staff group message to the staff side, answering in its topic, and never to the customer bot', async () => {
      const staffer = newUser();
      const messages = async () => (await t.app.db.db.select({ n: count() }).from(schema.messages))[0]!.n;
      const before = await messages();
      api.queueUpdate(groupText(STAFF_GROUP, staffer, '/ping', 42));
      await expect
        .poll(() => api.callsTo('sendMessage').filter((c) => String((c.params as Sent).chat_id) === String(STAFF_GROUP)).length)
        .toBe(1);
      const sent = api.callsTo('sendMessage').find((c) => String((c.params as Sent).chat_id) === String(STAFF_GROUP))!.params as Sent & { message_thread_id?: number };
      expect(sent.text).toMatch(/pong/);
      expect(sent.message_thread_id).toBe(42);
      // Chatter in the staff group, and any message in a group that is not configured, gets no answer at all.
      api.queueUpdate(groupText(STAFF_GROUP, staffer, 'hi team, what is my balance?'));
      api.queueUpdate(groupText(-100999, staffer, 'hello bot'));
      // A private message afterwards is answered: so the group messages before it were seen (and dropped) already.
      const user = newUser();
      const chat = conversation(api, (u) => Promise.resolve(api.queueUpdate(u)));
      expect(await chat(user, text(user, 'balance'))).toMatch(/not a member yet/);
      expect(api.callsTo('sendMessage').filter((c) => [String(STAFF_GROUP), '-100999'].includes(String((c.params as Sent).chat_id)))).toHaveLength(1);
      // Only the private message (and the bot's reply) reached the customer side.
      expect((await messages()) - before).toBe(2);
    });

    it('answers Arabic and Chinese in their language, and stickers and voice politely', async () => {
      const chat = conversation(api, (u) => Promise.resolve(api.queueUpdate(u)));
      const ar = newUser('ar');
      expect(await chat(ar, text(ar, 'كم نقاطي'))).toMatch(/لست عضواً/);
      expect(await chat(ar, messageUpdate(nextUpdateId++, { sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }, ar))).toMatch(/الملصقات/);
      const zh = newUser('zh-hant');
      expect(await chat(zh, text(zh, '我要加入會員'), 2)).toMatch(/全名/);
      expect(await chat(zh, messageUpdate(nextUpdateId++, { voice: { file_id: 'v', file_unique_id: 'v', duration: 2 } }, zh), 2)).toMatch(/語音[\s\S]*全名/);
    });
    it.each([
      ['en', 'what are your opening hours at dubai mall?', /10:00/],
      ['en', 'how do I invite a friend', /Inviting friends is for members/],
      ['en', 'i want to speak to a real person', /asked a person from our team/],
      ['en', 'is there nuts in the cake', /nut allergy/],
      ['ar', 'وين فروعكم', /فروعنا|دبي/],
      ['ar', 'ابي اكلم احد من خدمة العملاء', /طلبت من أحد موظفينا/],
      ['ar', 'شو مزايا العضوية الذهبية', /فئات العضوية/],
      ['zh', '你們幾點開門', /10:00|營業/],
      ['zh', '怎麼邀請朋友加入', /邀請/],
      ['zh', '我要退訂優惠訊息', /訂閱/],
    ] as const)('answers a natural question in %s: "%s"', async (lang, question, expected) => {
      const chat = conversation(api, (u) => Promise.resolve(api.queueUpdate(u)));
      const user = newUser(lang === 'zh' ? 'zh-hant' : lang);
      expect(await chat(user, text(user, question))).toMatch(expected);
    });
  });

  describe('webhook', () => {
    let api: FakeTelegramApi;
    let t: TestApp;
    const secret = 'wh-secret-0123456789abcdef';
    beforeAll(async () => {
      api = await startFakeTelegramApi();
      t = await startTestApp(kind, {
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.url,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: secret,
      });
    });
    afterAll(async () => {
      await t?.close();
      await api?.close();
    });
    afterEach(() => api.clearCalls());

    const post = (body: string, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': secret }) =>
      fetch(`${t.app.url}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const messages = async () => (await t.app.db.db.select({ n: count() }).from(schema.messages))[0]!.n;

    it('registers the webhook with the secret and never polls', () => {
      expect(api.webhook).toEqual({ url: 'https://bot.example.com/telegram/webhook', secretToken: secret });
      expect(api.callsTo('getUpdates')).toHaveLength(0);
    });

    it('enrolls and answers the balance through webhook deliveries', async () => {
      const chat = conversation(api, async (u) => {
        const res = await post(JSON.stringify(u));
        expect(res.status).toBe(200);
      });
      const user = newUser('ar');
      expect(await chat(user, text(user, 'بدي أشترك'), 2)).toMatch(/اسمك/);
      await chat(user, text(user, 'سارة'));
      await chat(user, text(user, '1994-02-28'), 2);
      await chat(user, press(user, 'form:skip'));
      await chat(user, press(user, 'form:yes'));
      expect(await chat(user, press(user, 'form:no'), 2)).toMatch(/أهلاً بك في النادي يا سارة/);
      expect(await chat(user, text(user, 'كم نقاطي'))).toMatch(/رصيدك 0 نقطة/);
    });

    it('processes the same update delivered twice once', async () => {
      const user = newUser();
      const update = text(user, 'hello');
      expect((await post(JSON.stringify(update))).status).toBe(200);
      const afterFirst = await messages();
      const sent = api.callsTo('sendMessage').length;
      expect((await post(JSON.stringify(update))).status).toBe(200);
      expect(await messages()).toBe(afterFirst);
      expect(api.callsTo('sendMessage').length).toBe(sent);
    });

    it('refuses a wrong or missing secret with 401 and stores nothing', async () => {
      const before = await messages();
      const user = newUser();
      expect((await post(JSON.stringify(text(user, 'hi')), { 'x-telegram-bot-api-secret-token': 'wrong-secret-000000' })).status).toBe(401);
      expect((await post(JSON.stringify(text(user, 'hi')), {})).status).toBe(401);
      expect(await messages()).toBe(before);
      expect(api.callsTo('sendMessage')).toHaveLength(0);
    });

    it('refuses malformed JSON and non-updates with 400 and stores nothing', async () => {
      const before = await messages();
      const bad = await post('{"update_id": 1, "message": {');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
      expect((await post(JSON.stringify({ hello: 'world' }))).status).toBe(400);
      expect(await messages()).toBe(before);
    });
  });
});
