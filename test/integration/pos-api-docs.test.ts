// The POS API documentation page in real headless Chromium: Swagger UI renders every operation from /docs/json with
// every request going to our own server (nothing from a CDN) and no Content-Security-Policy violation. Needs Debian's
// chromium (scripts/setup-services.sh); skipped with a reason where it is missing.
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIfBrowser, launchChromium } from '../helpers/browser.js';
import { posApiPlugin } from '../../adapters/http/pos/index.js';
import { buildServer } from '../../adapters/http/server.js';
import type { InboundSink } from '../../core/conversation/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { createTestDb } from '../helpers/test-db.js';


describeIfBrowser('POS API docs page in Chromium', () => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let server: Awaited<ReturnType<typeof buildServer>>;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    handle = await createTestDb('pglite');
    const deps = { db: handle.db, clock: systemClock, log: silentLog };
    const sink: InboundSink = { handle: () => Promise.reject(new Error('unused')), recordDelivery: () => Promise.resolve() };
    server = await buildServer({ logger: pino({ level: 'silent' }), deps, brandId: 'demo', sink, readiness: [], plugins: [posApiPlugin({ deps, brandId: 'demo' })] });
    url = await server.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await handle?.cleanup();
  });

  it('renders every operation, loading nothing from anywhere else and breaking no CSP rule', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${url}/docs`);
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 15_000 }).toBe(9);
    expect(await page.locator('.info .title').innerText()).toMatch(/Loyalty Club POS API/);
    expect(await page.getByText('/api/v1/transactions/bulk').count()).toBeGreaterThan(0);

    const origin = new URL(url).origin;
    const foreign = requested.filter((r) => !r.startsWith(origin) && !r.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requested.some((r) => r.endsWith('/docs/json'))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
