// The agent console page in real headless Chromium, against the console plugin with the real desk on a real database
// (the customer's platform is a recording pusher; console-handoff.test.ts runs the whole app with fake Telegram).
// Sign in, live queue, take, reply, canned response, notes, a second agent refused with a clear sentence, Arabic right
// to left, and hostile names and notes shown as text. Needs Debian's chromium (scripts/setup-services.sh).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from '../../adapters/http/console/console.test-support.js';
import { systemClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { describeIfBrowser, launchChromium } from '../helpers/browser.js';
import { createBrand } from '../helpers/loyalty-fixtures.js';
import { createTestDb } from '../helpers/test-db.js';

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_NOTE = '<script>window.__pwned = true; alert("note")</script>';

describeIfBrowser('agent console page in Chromium', () => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let h: ConsoleHarness;
  let browser: Browser;
  let dialogs: string[];

  beforeAll(async () => {
    handle = await createTestDb('pglite');
    const deps: CoreDeps = { db: handle.db, clock: systemClock, log: silentLog };
    const { brandId } = await createBrand(handle.db);
    h = await startConsoleHarness(deps, { brandId, secureCookies: false });
    await h.agent('sara', 'Sara', 'sara-console-secret');
    await h.agent('omar', 'Omar', 'omar-console-secret');
    await handle.db.insert(schema.cannedResponses).values([
      { brandId, name: 'greeting', language: 'en', text: 'Hello {name}, how can I help?' },
      { brandId, name: 'greeting', language: 'ar', text: 'مرحبا {name}' },
    ]);
    browser = await launchChromium();
    dialogs = [];
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await handle?.cleanup();
  });

  async function signedIn(login: string, password: string, opts: { live?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' });
    if (opts.live === false) await context.route('**/api/console/events', (route) => route.abort());
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${h.url}/console`);
    await page.locator('#login-name').fill(login);
    await page.locator('#login-password').fill(password);
    await page.locator('#login-submit').click();
    await expect.poll(() => page.locator('#desk-view').isVisible(), { timeout: 10_000 }).toBe(true);
    if (opts.live !== false) await expect.poll(() => page.locator('#live').getAttribute('data-state'), { timeout: 10_000 }).toBe('on');
    return page;
  }

  it('an agent signs in, sees a request arrive live, takes it, replies with a canned response, and the hostile name stays text', async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/console`);
    expect(await page.locator('#login-form').isVisible()).toBe(true);
    await page.locator('#login-name').fill('sara');
    await page.locator('#login-password').fill('wrong password here');
    await page.locator('#login-submit').click();
    await expect.poll(() => page.locator('#login-error').textContent(), { timeout: 10_000 }).toBe('Wrong login or password.');
    await page.close();

    const sara = await signedIn('sara', 'sara-console-secret');
    expect(await sara.locator('#queue-empty').isVisible()).toBe(true);
    const { handoffId, conversationId, chatId } = await h.customerAsking({ name: HOSTILE_NAME, text: 'I want a human' });
    const item = sara.locator(`#queue-list li[data-handoff-id="${handoffId}"]`);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.locator('.queue-name').textContent()).toBe(HOSTILE_NAME);
    expect(await sara.locator('img').count()).toBe(0);
    expect(await item.locator('.status').textContent()).toBe('Waiting');

    await item.locator('button').click();
    await expect.poll(() => sara.locator('#conv-title').textContent(), { timeout: 10_000 }).toBe(HOSTILE_NAME);
    expect(await sara.locator('#customer-name').textContent()).toBe(HOSTILE_NAME);
    expect(await sara.locator('#customer img, #conv img').count()).toBe(0);
    expect(await sara.locator('#reply-text').isDisabled()).toBe(true);
    await sara.locator('#take').click();
    await expect.poll(() => sara.locator('#reply-text').isDisabled(), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => item.locator('.status').textContent(), { timeout: 10_000 }).toBe('With you');

    // The canned response arrives filled in with the customer's name, as text.
    await sara.locator('#canned').selectOption('greeting');
    await expect.poll(() => sara.locator('#reply-text').inputValue(), { timeout: 10_000 }).toBe(`Hello ${HOSTILE_NAME}, how can I help?`);
    await sara.locator('#reply-text').fill('Hello from Sara');
    await sara.locator('#send').click();
    await expect.poll(() => h.pushed.filter((p) => p.reply.text === 'Hello from Sara').length, { timeout: 10_000 }).toBe(1);
    expect(h.pushed.find((p) => p.reply.text === 'Hello from Sara')).toMatchObject({ channel: 'telegram', chatId });
    await expect.poll(() => sara.locator('.msg[data-author="agent"] .msg-text').last().textContent(), { timeout: 10_000 }).toBe('Hello from Sara');
    expect(await sara.locator('#reply-text').inputValue()).toBe('');

    // The customer writes: it shows without a reload.
    await h.customerWrites(conversationId, chatId, 'Thanks <b>Sara</b>!');
    await expect.poll(() => sara.locator('.msg[data-author="customer"] .msg-text').last().textContent(), { timeout: 10_000 }).toBe('Thanks <b>Sara</b>!');
    expect(await sara.locator('#messages b').count()).toBe(0);

    // A private note with a script is shown as text and never runs.
    await sara.locator('#note-text').fill(HOSTILE_NOTE);
    await sara.locator('#note-add').click();
    await expect.poll(() => sara.locator('#note-list .note-text').last().textContent(), { timeout: 10_000 }).toBe(HOSTILE_NOTE);
    expect(await sara.locator('#note-list script').count()).toBe(0);
    expect(await sara.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    await sara.screenshot({ path: join(tmpdir(), 'console-english.png'), fullPage: true });

    // A second agent sees who has it, and is told so when trying to take it anyway.
    const omar = await signedIn('omar', 'omar-console-secret');
    const omarItem = omar.locator(`#queue-list li[data-handoff-id="${handoffId}"]`);
    await expect.poll(() => omarItem.locator('.status').textContent(), { timeout: 10_000 }).toBe('With Sara');
    await omarItem.locator('button').click();
    await expect.poll(() => omar.locator('#conv-status').textContent(), { timeout: 10_000 }).toContain('With Sara');
    expect(await omar.locator('#reply-text').isDisabled()).toBe(true);
    expect(await omar.locator('#note-list .note-text').last().textContent()).toBe(HOSTILE_NOTE);
    // Sara hands back: Omar's page follows live.
    await sara.locator('#hand-back').click();
    await expect.poll(() => omar.locator('#conv-status').textContent(), { timeout: 10_000 }).toContain('Back with the bot');
    await expect.poll(() => omarItem.count(), { timeout: 10_000 }).toBe(0);
    expect(await sara.locator('#reply-text').isDisabled()).toBe(true);
    expect(dialogs).toEqual([]);
    await omar.context().close();
    await sara.context().close();
  });

  it('shows the server’s sentence when a page out of date tries to take a conversation someone else took', async () => {
    const sara = await signedIn('sara', 'sara-console-secret');
    // Omar's page gets no live updates, so it still offers Take after Sara took the conversation.
    const omar = await signedIn('omar', 'omar-console-secret', { live: false });
    const { handoffId } = await h.customerAsking({ name: 'Mona' });
    await omar.reload();
    const item = omar.locator(`#queue-list li[data-handoff-id="${handoffId}"]`);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.locator('button').click();
    await expect.poll(() => omar.locator('#take').isVisible(), { timeout: 10_000 }).toBe(true);

    const saraItem = sara.locator(`#queue-list li[data-handoff-id="${handoffId}"]`);
    await expect.poll(() => saraItem.count(), { timeout: 10_000 }).toBe(1);
    await saraItem.locator('button').click();
    await sara.locator('#take').click();
    await expect.poll(() => sara.locator('#reply-text').isDisabled(), { timeout: 10_000 }).toBe(false);

    await omar.locator('#take').click();
    await expect.poll(() => omar.locator('#action-error').textContent(), { timeout: 10_000 }).toBe('Sara has taken this conversation.');
    // After the refusal the page shows the conversation as it is.
    await expect.poll(() => omar.locator('#conv-status').textContent(), { timeout: 10_000 }).toContain('With Sara');

    await sara.locator('#hand-back').click();
    await expect.poll(() => sara.locator('#reply-text').isDisabled(), { timeout: 10_000 }).toBe(true);
    await sara.context().close();
    await omar.context().close();
  });

  it('switches to Arabic: right to left, mirrored layout, translated labels, remembered', async () => {
    await h.customerAsking({ name: 'ليلى حسن', language: 'ar', text: 'أبي أكلم موظف' });
    const page = await signedIn('sara', 'sara-console-secret');
    await page.locator('#lang').click();
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
    expect(await page.locator('#queue-title').textContent()).toBe('قائمة الانتظار');
    expect(await page.locator('#logout').textContent()).toBe('خروج');
    expect(await page.locator('body').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    // The queue is on the start side: the right in Arabic.
    const queueBox = (await page.locator('.queue-pane').boundingBox())!;
    const convBox = (await page.locator('.conversation-pane').boundingBox())!;
    expect(queueBox.x).toBeGreaterThan(convBox.x);
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir), { timeout: 10_000 }).toBe('rtl');
    await page.locator('#queue-list li button').first().click();
    await expect.poll(() => page.locator('#conv').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: join(tmpdir(), 'console-arabic.png'), fullPage: true });
    await expect.poll(() => page.locator('#take').textContent(), { timeout: 10_000 }).toBe('استلام');
    await page.locator('#lang').click();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await page.context().close();
  });
});
