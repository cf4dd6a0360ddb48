// The real app through the web chat (startApp on the seeded demo brand): once the customer asked for a person, the bot
// answers nothing at all, whatever arrives, and every message is kept for the person; a STOP is honoured all the same.
// And a ticket opened in the chat, end to end, on the demo brand's stores.
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe('support in the web chat (pglite)', () => {
  let t: TestApp;
  const db = () => t.app.db.db;
  const client = () => new WebChatClient(() => t.app);

  beforeAll(async () => {
    t = await startTestApp('pglite');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function conversationOf(sessionId: string) {
    const [row] = await db().select().from(schema.conversations).where(and(eq(schema.conversations.channel, 'web'), eq(schema.conversations.chatId, sessionId)));
    return row!;
  }
  async function count_(conversationId: string, direction: 'in' | 'out'): Promise<number> {
    const [row] = await db().select({ n: count() }).from(schema.messages).where(and(eq(schema.messages.conversationId, conversationId), eq(schema.messages.direction, direction)));
    return row!.n;
  }

  it('says nothing to any message while a person has the conversation, keeps each, and still honours STOP', async () => {
    const c = client();
    expect(await c.say('START')).toMatch(/get our offers and news in this chat again/);
    expect(await c.say('I want to talk to a person')).toMatch(/person/);
    const conv = await conversationOf(c.sessionId);
    expect(conv.mode).toBe('agent');
    const outBefore = await count_(conv.id, 'out');
    const inBefore = await count_(conv.id, 'in');

    const kinds: Array<Record<string, string>> = [
      { text: 'hello?' },
      { text: 'hi' },
      { text: 'help' },
      { text: "what's my balance" },
      { text: 'كم نقاطي' },
      { text: '我有多少點數' },
      { text: 'join' },
      { text: 'I have a problem with my order' },
      { text: 'status of my ticket' },
      { text: '9' },
      { text: '/start' },
      { text: '/menu' },
      { text: '/balance' },
      { payload: 'start' },
      { payload: 'lang:zh' },
      { payload: 'intent:balance' },
      { payload: 'intent:human' },
      { payload: `reward:${randomUUID()}` },
      { payload: `voucher:${randomUUID()}` },
      { payload: 'csat:1:5' },
      { payload: 'nps:1:10' },
      { text: '🙂🙂' },
      { text: 'y'.repeat(10_000) },
      { contact: '+971 50 123 4567' },
      { text: 'ABCD-EFGH-JKMN-PQRS' },
      { text: '' },
      { text: 'STOP' },
    ];
    for (const k of kinds) {
      const res = await c.post(k);
      expect(res.status, JSON.stringify(k).slice(0, 60)).toBe(200);
      expect((res.body as { replies: unknown[] }).replies, JSON.stringify(k).slice(0, 60)).toEqual([]);
    }
    expect(await count_(conv.id, 'in')).toBe(inBefore + kinds.length);
    expect(await count_(conv.id, 'out')).toBe(outBefore);
    // The history shows every message the customer sent, for the person who has the conversation.
    const history = (await (await fetch(`${t.app.url}/api/webchat/history?sessionId=${c.sessionId}`)).json()) as { messages: Array<{ direction: string; text: string }> };
    const inbound = history.messages.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(inbound).toEqual(expect.arrayContaining(['hello?', 'كم نقاطي', 'STOP', '+971 50 123 4567']) as unknown);
    // A gift card code is still masked in the stored copy, agent or no agent.
    expect(inbound.join('\n')).not.toContain('ABCD-EFGH-JKMN-PQRS');
    expect((await conversationOf(c.sessionId)).mode).toBe('agent');
    const [marketing] = await db()
      .select()
      .from(schema.consentRecords)
      .where(and(eq(schema.consentRecords.customerId, conv.customerId), eq(schema.consentRecords.purpose, 'marketing')))
      .orderBy(desc(schema.consentRecords.recordedAt), desc(schema.consentRecords.id));
    expect(marketing).toMatchObject({ granted: false, source: 'chat_stop', channel: 'web' });
  });

  it('opens a ticket for a demo store and answers its status', async () => {
    const c = client();
    const [, question] = await c.send({ text: 'I want to complain' });
    expect(question?.buttons?.[0]).toEqual({ label: 'Points', payload: 'form:category:points' });
    const where = await c.send({ payload: 'form:category:voucher' });
    expect(where[0]?.buttons?.map((b) => b.label)).toEqual(['Dubai Mall', 'Mall of the Emirates', 'Kuala Lumpur Pavilion', 'Taipei Xinyi', 'Skip']);
    expect(await c.say('mall of the emirats')).toMatch(/describe what happened/);
    const created = await c.say('My voucher was refused at the till');
    expect(created).toMatch(/^Thank you\. Your ticket number is #\d+ \(Mall of the Emirates\)\. Our team will reply in this chat by .+ \(Gulf Standard Time\)\./);
    const id = Number(/#(\d+)/.exec(created)![1]);
    const [ticket] = await db().select().from(schema.tickets).where(eq(schema.tickets.id, id));
    const [store] = await db().select().from(schema.stores).where(eq(schema.stores.code, 'DXB-MOE'));
    expect(ticket).toMatchObject({ category: 'voucher', storeId: store!.id, source: 'chat', status: 'open' });
    expect(await c.say('what is the status of my ticket')).toMatch(new RegExp(`#${id} Voucher or reward — open`));
  });
});
