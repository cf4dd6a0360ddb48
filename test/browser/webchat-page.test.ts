// The web chat page in real headless Chromium against the real app: a new visitor enrolls and asks for the
// balance in Arabic, and the page renders right to left. Needs Debian's chromium (scripts/setup-services.sh).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordOutbound, type Reply } from '../../core/conversation/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { describeIfBrowser, launchChromium } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';


describeIfBrowser('web chat page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp('pglite');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function send(page: Page, text: string): Promise<void> {
    const before = await page.locator('.bubble--bot').count();
    await page.locator('textarea').fill(text);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.bubble--bot').count(), { timeout: 10_000 }).toBeGreaterThan(before);
  }
  const lastBotText = (page: Page) => page.locator('.bubble--bot').last().innerText();

  it('enrolls a visitor in Arabic and shows the balance right to left', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.app.url}/`);
    await expect.poll(() => page.locator('.bubble--bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await send(page, 'بدي أشترك');
    expect(await lastBotText(page)).toMatch(/اسمك/);
    for (const answer of ['ليلى حسن', '1996-06-15', 'تخطي', 'نعم', 'لا']) await send(page, answer);
    await send(page, 'كم نقاطي');
    const last = page.locator('.bubble--bot').last();
    expect(await last.innerText()).toMatch(/رصيدك 0 نقطة/);
    expect(await last.getAttribute('dir')).toBe('rtl');
    expect(await last.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await page.screenshot({ path: join(tmpdir(), 'webchat-arabic.png') });

    // The conversation survives a reload (same session from localStorage, history from the server).
    await page.reload();
    await expect.poll(() => page.getByText('رصيدك 0 نقطة').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.close();
  });

  it('shows a message stored outside a turn (an agent’s CSAT question) without the customer typing, once, with live buttons', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.app.url}/`);
    await expect.poll(() => page.locator('.bubble--bot').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const sessionId = await page.evaluate(() => localStorage.getItem('loyaltyClub.webchat.sessionId'));
    const [conversation] = await t.app.db.db.select({ id: schema.conversations.id }).from(schema.conversations).where(and(eq(schema.conversations.channel, 'web'), eq(schema.conversations.chatId, sessionId!)));
    const [inbound] = await t.app.db.db
      .select({ id: schema.messages.id })
      .from(schema.messages)
      .where(and(eq(schema.messages.conversationId, conversation!.id), eq(schema.messages.direction, 'in')))
      .orderBy(desc(schema.messages.createdAt))
      .limit(1);
    const botBubbles = await page.locator('.bubble--bot').count();

    // What the agent desk does for the web chat: store the message; the page's history poll is the delivery.
    const csat: Reply = { text: 'How did we do? 1 = poor, 5 = great', dir: 'ltr', buttons: ['1', '2', '3', '4', '5'].map((n) => ({ label: n, payload: `csat:9:${n}` })) };
    await recordOutbound({ db: t.app.db.db, clock: systemClock, log: silentLog }, { brandId: t.config.BRAND_ID, conversationId: conversation!.id, channel: 'web', inReplyTo: inbound!.id, replies: [csat] });
    await expect.poll(() => page.getByText(csat.text).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.bubble--bot').count()).toBe(botBubbles + 1);
    const chips = page.locator('.chips').last().locator('button');
    expect(await chips.allInnerTexts()).toEqual(['1', '2', '3', '4', '5']);
    expect(await chips.first().isEnabled()).toBe(true);

    // Pressing a chip is a turn like any other; neither its replies nor the pushed message are shown twice by later polls.
    await chips.nth(4).click();
    await expect.poll(() => page.locator('.bubble--bot').count(), { timeout: 10_000 }).toBeGreaterThan(botBubbles + 1);
    const afterTurn = await page.locator('.bubble--bot').count();
    await page.waitForTimeout(4_000); // more than one poll interval
    expect(await page.locator('.bubble--bot').count()).toBe(afterTurn);
    expect(await page.getByText(csat.text).count()).toBe(1);
    const pressed = await t.app.db.db
      .select({ body: schema.messages.body })
      .from(schema.messages)
      .where(and(eq(schema.messages.conversationId, conversation!.id), eq(schema.messages.direction, 'in')))
      .orderBy(desc(schema.messages.createdAt))
      .limit(1);
    expect(pressed[0]?.body.payload).toBe('csat:9:5');
    await page.close();
  });
});
