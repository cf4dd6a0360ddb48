// Odd and hostile input on the web chat: every message gets a polite answer in the customer's language,
// malformed requests get a 4xx that says what is wrong and store nothing, duplicates are processed once.
import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { testDbKinds } from '../helpers/test-db.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe.each(testDbKinds)('web chat bad input on %s', (kind) => {
  let t: TestApp;
  const client = () => new WebChatClient(() => t.app);
  const messageCount = async () => (await t.app.db.db.select({ n: count() }).from(schema.messages))[0]!.n;

  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers whitespace-only and empty text with the menu, never silence', async () => {
    for (const text of ['', '   \n\t ']) {
      const replies = await client().send({ text });
      expect(replies.length).toBeGreaterThan(0);
      expect(replies.at(-1)?.buttons?.length).toBeGreaterThan(0);
    }
  });

  it('answers a 100 KB message politely and stores it truncated', async () => {
    const c = client();
    const replies = await c.send({ text: 'a'.repeat(100_000) });
    expect(replies[0]?.text).toMatch(/too long/);
    const [identity] = await t.app.db.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, c.sessionId));
    const stored = await t.app.db.db.select().from(schema.messages).where(eq(schema.messages.direction, 'in'));
    const mine = stored.filter((m) => m.body.truncatedFrom === 100_000);
    expect(identity).toBeDefined();
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text?.length).toBe(10_000);
  });

  it('answers emoji-only in the remembered language', async () => {
    const c = client();
    await c.say('مرحبا');
    const replies = await c.send({ text: '😀🎉👍' });
    expect(replies[0]?.dir).toBe('rtl');
    expect(replies[0]?.text).toMatch(/كيف أقدر أساعدك/);
  });

  it('understands mixed-script messages by their dominant script', async () => {
    const replies = await client().send({ text: '我要join會員' });
    expect(replies.map((r) => r.text).join('\n')).toMatch(/全名/);
  });

  it('processes a duplicate delivery once and answers it with the same replies', async () => {
    const c = client();
    const messageId = randomUUID();
    const first = await c.post({ text: 'join', messageId });
    const before = await messageCount();
    const second = await c.post({ text: 'join', messageId });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ ...(first.body as object), duplicate: true });
    expect(await messageCount()).toBe(before);
    // The form advanced once: the next answer is taken as the name, not as a second "join".
    expect(await c.say('Rana Aziz')).toMatch(/date of birth/);
  });

  it('rejects malformed JSON with 400 and stores nothing', async () => {
    const before = await messageCount();
    const res = await fetch(`${t.app.url}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sessionId": "abc' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(await messageCount()).toBe(before);
  });

  it('rejects a request without session or content with a 400 that names the field', async () => {
    const before = await messageCount();
    const noSession = await fetch(`${t.app.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: randomUUID(), text: 'hi' }),
    });
    expect(noSession.status).toBe(400);
    expect(((await noSession.json()) as { error: { message: string } }).error.message).toMatch(/sessionId/);
    const noContent = await client().post({});
    expect(noContent.status).toBe(400);
    expect(JSON.stringify(noContent.body)).toMatch(/one of text, payload or contact/);
    const badId = await client().post({ text: 'hi', messageId: "1'; drop table messages; --" });
    expect(badId.status).toBe(400);
    expect(await messageCount()).toBe(before);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await client().post({ text: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
  });

  it('serves the chat page, health and readiness', async () => {
    const page = await fetch(`${t.app.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect(await (await fetch(`${t.app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.database).toBe('ok');
  });

  it('keeps members and a half-finished form across a restart', async () => {
    const member = client();
    for (const s of ['join', 'Nour Khalil', '1993-09-09', 'skip']) await member.say(s);
    await member.press('form:yes');
    await member.press('form:no');
    const halfway = client();
    await halfway.say('我要加入會員');
    await halfway.say('林志明');

    await t.restart();

    expect(await member.say('balance')).toMatch(/You have 0 points/);
    // Still in the form, still in Chinese: the next answer is the birthday.
    expect(await halfway.say('1990-01-02')).toMatch(/手機號碼/);
  });
});
