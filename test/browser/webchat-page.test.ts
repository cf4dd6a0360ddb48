// The web chat page in real headless Chromium against the real app: a new visitor enrolls and asks for the
// balance in Arabic, and the page renders right to left. Needs Debian's chromium (scripts/setup-services.sh).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
});
