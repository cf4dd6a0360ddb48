// Issue #6 end to end in real headless Chromium against the whole app (startApp), with Telegram pointed at the fake
// Bot API server: a customer asks for a person on Telegram, the request appears in the agent console live, the agent
// signs in, takes it and replies, the customer receives it on Telegram, writes again (shown live, the bot silent), the
// agent hands back, and the bot answers again. The customer's hostile name and a hostile note stay text, and the
// Arabic console is right to left. Needs Debian's chromium (scripts/setup-services.sh).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Update, User } from 'grammy/types';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageUpdate } from '../../adapters/channels/telegram/telegram.test-support.js';
import { setPassword } from '../../core/agents/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-bot-api.js';
import { describeIfBrowser, launchChromium } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_NOTE = '<script>window.__pwned = true; alert("note")</script>';
const PASSWORD = 'sara-console-secret';

let nextUpdateId = 51_000;
const customer: User = { id: 77_001, is_bot: false, first_name: 'Layla', language_code: 'en' };
const text = (from: User, t: string): Update => messageUpdate(nextUpdateId++, { text: t }, from);
type Sent = { chat_id: number | string; text: string };

describeIfBrowser('agent console end to end with Telegram (Chromium)', () => {
  let api: FakeTelegramApi;
  let t: TestApp;
  let browser: Browser;
  const dialogs: string[] = [];

  const sentToCustomer = () => api.callsTo('sendMessage').map((c) => c.params as Sent).filter((p) => String(p.chat_id) === String(customer.id));
  const conversation = async () =>
    (await t.app.db.db.select().from(schema.conversations).where(and(eq(schema.conversations.channel, 'telegram'), eq(schema.conversations.chatId, String(customer.id)))))[0];
  const messagesOf = async (direction: 'in' | 'out') => {
    const conv = await conversation();
    if (!conv) return [];
    return t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.conversationId, conv.id), eq(schema.messages.direction, direction)));
  };
  /** The customer writes; waits until the app stored the message. */
  const customerWrites = async (message: string) => {
    const before = (await messagesOf('in')).length;
    api.queueUpdate(text(customer, message));
    await eventually(async () => {
      if ((await messagesOf('in')).length <= before) throw new Error(`"${message}" not stored yet`);
    }, { timeoutMs: 10_000 });
  };
  /** Waits until the customer received a message matching `pattern` on Telegram, after the first `after` messages. */
  const customerReceives = (pattern: RegExp | string, after = 0) =>
    eventually(() => {
      const found = sentToCustomer().slice(after).find((m) => (typeof pattern === 'string' ? m.text === pattern : pattern.test(m.text)));
      if (!found) throw new Error(`customer has not received ${String(pattern)}; got ${JSON.stringify(sentToCustomer().slice(after).map((m) => m.text))}`);
      return found;
    }, { timeoutMs: 10_000 });

  beforeAll(async () => {
    api = await startFakeTelegramApi({ longPollCapMs: 100 });
    t = await startTestApp('pglite', { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.url });
    const deps = { db: t.app.db.db, clock: systemClock, log: silentLog };
    // The demo agents are on duty (a request would be assigned at once); here it waits in the queue for Sara to take.
    await t.app.db.db.update(schema.agents).set({ onDuty: false }).where(eq(schema.agents.brandId, t.config.BRAND_ID));
    expect(await setPassword(deps, { brandId: t.config.BRAND_ID, login: 'sara', password: PASSWORD })).toMatchObject({ status: 'set' });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await api?.close();
  });

  async function signIn(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${t.app.url}/console`);
    await page.locator('#login-name').fill('sara');
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-submit').click();
    await expect.poll(() => page.locator('#desk-view').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator('#live').getAttribute('data-state'), { timeout: 10_000 }).toBe('on');
    return page;
  }

  it('take, reply on Telegram, live customer messages with the bot silent, hand back, the bot answers again', async () => {
    const page = await signIn();

    // The customer is known to the app (and gets a name that tries to be markup), then asks for a person.
    await customerWrites('hi');
    await customerReceives(/./);
    const conv = (await conversation())!;
    await t.app.db.db.update(schema.customers).set({ name: HOSTILE_NAME }).where(eq(schema.customers.id, conv.customerId));
    const beforeAsk = sentToCustomer().length;
    await customerWrites('I want to talk to a human');
    await customerReceives(/./, beforeAsk);

    // It appears in the console without a reload.
    const item = page.locator('#queue-list li').filter({ hasText: 'I want to talk to a human' });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.locator('.queue-name').textContent()).toBe(HOSTILE_NAME);
    expect(await item.locator('.status').textContent()).toBe('Waiting');
    expect(await page.locator('img').count()).toBe(0);

    await item.locator('button').click();
    await expect.poll(() => page.locator('#take').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#conv-title').textContent()).toBe(HOSTILE_NAME);
    const beforeTake = sentToCustomer().length;
    await page.locator('#take').click();
    await expect.poll(() => page.locator('#reply-text').isDisabled(), { timeout: 10_000 }).toBe(false);
    await customerReceives(/Sara from our team has joined/, beforeTake);

    // The reply reaches the customer's Telegram chat once.
    await page.locator('#reply-text').fill('Hello from Sara');
    await page.locator('#send').click();
    await customerReceives('Hello from Sara');
    await expect.poll(() => page.locator('.msg[data-author="agent"] .msg-text').last().textContent(), { timeout: 10_000 }).toBe('Hello from Sara');
    expect(sentToCustomer().filter((m) => m.text === 'Hello from Sara')).toHaveLength(1);

    // The customer writes again: it shows live, and the bot says nothing.
    const outBefore = (await messagesOf('out')).length;
    const sentBefore = sentToCustomer().length;
    await customerWrites('Thanks! My points look wrong');
    await expect.poll(() => page.locator('.msg[data-author="customer"] .msg-text').last().textContent(), { timeout: 10_000 }).toBe('Thanks! My points look wrong');
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesOf('out')).length).toBe(outBefore);
    expect(sentToCustomer()).toHaveLength(sentBefore);

    // A private note that tries to be a script stays text.
    await page.locator('#note-text').fill(HOSTILE_NOTE);
    await page.locator('#note-add').click();
    await expect.poll(() => page.locator('#note-list .note-text').last().textContent(), { timeout: 10_000 }).toBe(HOSTILE_NOTE);
    expect(await page.locator('#note-list script, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    await page.screenshot({ path: join(tmpdir(), 'console-handoff.png'), fullPage: true });

    // Hand back: the customer is told, and the bot answers again.
    const beforeHandBack = sentToCustomer().length;
    await page.locator('#hand-back').click();
    await expect.poll(() => page.locator('#reply-text').isDisabled(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(0);
    await customerReceives(/assistant/i, beforeHandBack);
    const beforeBalance = sentToCustomer().length;
    await customerWrites('balance');
    const answer = await customerReceives(/./, beforeBalance);
    expect(answer.text.length).toBeGreaterThan(0);
    // The bot's own answer to "balance" (this customer is not a member yet).
    expect(answer.text).toMatch(/member|points/i);

    // Arabic: the whole console turns right to left.
    await page.locator('#lang').click();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.locator('#hand-back').textContent()).toBe('إعادة إلى البوت');
    expect(await page.locator('.msg').first().evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(dialogs).toEqual([]);
    await page.context().close();
  });
});
