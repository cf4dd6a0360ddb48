// The console's command box in real headless Chromium: an agent signs in, opens Commands, types staff commands and sees
// the staff bot's replies (line breaks kept, hostile text shown as text), and a chart arrives as a picture served from
// the same origin (/files/…) under the page's strict CSP. Text commands go to the real staff bot (bots/staff
// createStaffBot: /ping, /help); it has no /stats yet, so `/chart` alone is answered here with a real report and chart
// from core/reports, the way the staff bot's /stats will answer.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from '../../adapters/http/console/console.test-support.js';
import { createStaffBot } from '../../bots/staff/index.js';
import type { StaffSink } from '../../core/conversation/index.js';
import { brandStats, renderStatsChart } from '../../core/reports/index.js';
import { systemClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { describeIfBrowser, launchChromium } from '../helpers/browser.js';
import { createBrand, createMember } from '../helpers/loyalty-fixtures.js';
import { createTestDb } from '../helpers/test-db.js';

const HOSTILE = '<img src=x onerror="window.__pwned=true">';

describeIfBrowser('console command box in Chromium', () => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let h: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    handle = await createTestDb('pglite');
    const deps: CoreDeps = { db: handle.db, clock: systemClock, log: silentLog };
    const { brandId } = await createBrand(handle.db);
    for (let i = 0; i < 3; i++) await createMember(deps, brandId);
    const staffBot = createStaffBot({ log: silentLog });
    const staffSink: StaffSink = {
      async handle(msg) {
        const text = msg.text?.trim() ?? '';
        if (text === '/chart') {
          const to = new Date();
          const report = await brandStats(deps, { brandId, from: new Date(to.getTime() - 7 * 86_400_000), to, storeIds: [] });
          return [{ text: `Stats, last 7 days\nNew members: ${report.members.new}`, dir: 'ltr', attachment: { fileName: 'stats-7d.png', mimeType: 'image/png', data: renderStatsChart(report, { title: 'Stats - last 7 days' }) } }];
        }
        if (text.startsWith('/echo ')) return [{ text: text.slice(6), dir: 'ltr' }];
        return staffBot.handle(msg);
      },
    };
    h = await startConsoleHarness(deps, { brandId, secureCookies: false, staffSink });
    await h.agent('mona', 'Mona', 'mona-console-secret');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await handle?.cleanup();
  });

  async function run(page: Page, command: string): Promise<void> {
    const before = await page.locator('#command-log .command-entry').count();
    await page.locator('#command-text').fill(command);
    await page.locator('#command-text').press('Enter');
    await expect.poll(() => page.locator('#command-log .command-entry').count(), { timeout: 10_000 }).toBe(before + 1);
  }

  it('signs in, runs staff commands and shows the replies, the chart as a picture', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${h.url}/console`);
    await page.locator('#login-name').fill('mona');
    await page.locator('#login-password').fill('mona-console-secret');
    await page.locator('#login-submit').click();
    await expect.poll(() => page.locator('#desk-view').isVisible(), { timeout: 10_000 }).toBe(true);

    const toggle = page.locator('#commands-toggle');
    await expect.poll(() => toggle.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await toggle.textContent()).toBe('Commands');
    await toggle.click();
    expect(await page.locator('#command-view').isVisible()).toBe(true);
    expect(await page.locator('#desk-view').isVisible()).toBe(false);
    expect(await toggle.textContent()).toBe('Conversations');

    // The real staff bot answers /ping.
    await run(page, '/ping');
    const last = () => page.locator('#command-log .command-entry').last();
    expect(await last().locator('.command-typed').textContent()).toBe('> /ping');
    expect(await last().locator('.command-reply').textContent()).toBe('pong — this team workspace is connected to the bot.');
    expect(await page.locator('#command-text').inputValue()).toBe('');

    // /help has several lines: they stay lines.
    await run(page, '/help');
    const help = last().locator('.command-reply');
    expect(await help.evaluate((n) => getComputedStyle(n).whiteSpace)).toBe('pre-wrap');
    expect((await help.innerText()).split('\n').length).toBeGreaterThan(3);

    // Text from the bot is text, never markup.
    await run(page, `/echo ${HOSTILE}`);
    expect(await last().locator('.command-reply').textContent()).toBe(HOSTILE);
    expect(await last().locator('.command-reply img').count()).toBe(0);

    // A chart: the picture loads from /files/ on this origin, with a download link.
    await run(page, '/chart');
    const img = last().locator('.command-reply img');
    expect(await img.getAttribute('src')).toMatch(/^\/files\/[A-Za-z0-9_-]{43}$/);
    await expect.poll(() => img.evaluate((n) => (n as HTMLImageElement).complete && (n as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(960);
    const link = last().locator('a.command-file');
    expect(await link.textContent()).toBe('Download stats-7d.png');
    expect(await link.getAttribute('download')).toBe('stats-7d.png');
    expect(await last().locator('.command-reply').innerText()).toContain('New members: 3');

    // A command the bot does not answer says so; an empty one is refused in the page.
    await run(page, 'hello team');
    expect(await last().locator('.command-reply').textContent()).toBe('No answer.');
    await page.locator('#command-text').fill('   ');
    await page.locator('#command-run').click();
    expect(await page.locator('#command-error').textContent()).toBe('Write something first.');

    await page.screenshot({ path: join(tmpdir(), 'console-commands.png'), fullPage: true });

    // Arabic: the labels switch, the log stays.
    await page.locator('#lang').click();
    expect(await toggle.textContent()).toBe('المحادثات');
    expect(await page.locator('#command-title').textContent()).toBe('الأوامر');
    expect(await page.locator('#command-run').textContent()).toBe('تنفيذ');
    expect(await page.locator('#command-log .command-entry').count()).toBe(5);

    // Back to the conversations.
    await toggle.click();
    expect(await page.locator('#desk-view').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(cspViolations).toEqual([]);
    await context.close();
  }, 60_000);
});
