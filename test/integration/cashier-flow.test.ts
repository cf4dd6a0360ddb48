// The cashier flow of issue #3 against the running app, as a brand would use it: the POS posts purchases, the
// member follows balance and tier in the chat, redeems a reward in the chat, the till validates and redeems the
// voucher, a refund takes the points back. Purchases and refunds are retried to prove they are idempotent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../adapters/cli/admin.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('cashier flow on %s', (kind) => {
  let t: TestApp;
  let key: string;
  const member = () => new WebChatClient(() => t.app, chatSession);
  const chatSession = `cashier-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const out: string[] = [];
    const deps = { db: t.app.db.db, clock: systemClock, log: silentLog, brandId: t.config.BRAND_ID };
    expect(await runAdminCommand(['api-key', 'create', '--store', 'DXB-MALL', '--name', 'till-1'], deps, (l) => out.push(l))).toBe(0);
    key = out.join('\n').match(/pos_[0-9a-f]+_[0-9a-f]+/)![0];
  });
  afterAll(async () => {
    await t?.close();
  });

  /** One POS API call with the till's key. */
  async function pos(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${t.app.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const saleTime = new Date().toISOString();
  const sale = (externalId: string, memberCode: string, aed: number) => ({
    externalId,
    customer: { memberCode },
    occurredAt: saleTime,
    currency: 'AED',
    totalMinor: aed * 100,
    lines: [{ sku: 'OUD-50', category: 'perfume', quantity: 1, amountMinor: aed * 100 }],
  });

  it('runs from enrollment to refund', async () => {
    const c = member();
    for (const step of ['join', 'Maryam Saeed', '1992-02-02', 'skip']) await c.say(step);
    await c.press('form:yes');
    const welcome = await c.press('form:no');
    const memberCode = welcome.match(/member number is (\d{10})/)![1]!;

    // POS: a purchase of AED 600 earns 600 + the 100-point first-purchase bonus; the retry is answered from the first.
    const first = await pos('POST', '/transactions', sale('INV-1', memberCode, 600));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ pointsEarned: 700, member: { balance: 700, tierCode: 'bronze' } });
    const retry = await pos('POST', '/transactions', sale('INV-1', memberCode, 600));
    expect([retry.status, retry.body.pointsEarned]).toEqual([200, 700]);
    expect(await c.say('balance')).toMatch(/You have 700 points\.\nTier: Bronze\.\n300 more points to reach Silver/);

    // A second purchase crosses 1,000 qualifying points: Silver at once, and the chat says so.
    const second = await pos('POST', '/transactions', sale('INV-2', memberCode, 400));
    expect(second.body).toMatchObject({ pointsEarned: 400, member: { balance: 1_100, tierCode: 'silver' } });
    expect(await c.say('how many points do I have')).toMatch(/You have 1,100 points\.\nTier: Silver\./);

    // Redeem a free drink (500) in the chat and get a voucher.
    const list = await c.send({ text: 'what can I get?' });
    const drink = list.flatMap((r) => r.buttons ?? []).find((b) => b.label.startsWith('Free regular drink'))!;
    expect(await c.press(drink.payload)).toMatch(/Redeem “Free regular drink” for 500 points/);
    const issued = await c.send({ payload: 'form:yes' });
    const voucher = issued.map((r) => r.text).join('\n').match(/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}/)![0];
    // The web chat gets the QR as an image URL served for this session; it must load as a PNG.
    const qrUrl = issued.map((r) => (r.image && 'url' in r.image ? r.image.url : null)).find((u) => u?.includes('/qr'));
    expect(qrUrl).toBeDefined();
    const png = await fetch(new URL(qrUrl!, t.app.url));
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(await c.say('balance')).toMatch(/You have 600 points/);

    // The till validates and redeems it; a second redemption is refused.
    expect((await pos('POST', `/vouchers/${voucher}/validate`)).body).toMatchObject({ valid: true, reward: { code: 'FREE-DRINK' } });
    expect((await pos('POST', `/vouchers/${voucher}/redeem`, {})).status).toBe(200);
    expect((await pos('POST', `/vouchers/${voucher}/redeem`, {})).status).toBe(409);

    // The second purchase is refunded in full: its 400 points come back off the balance; the retry changes nothing.
    const refund = await pos('POST', '/transactions/INV-2/refunds', { refundId: 'RF-2', amountMinor: 40_000 });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ pointsReversed: 400, shortfallPoints: 0, member: { balance: 200 } });
    const refundRetry = await pos('POST', '/transactions/INV-2/refunds', { refundId: 'RF-2', amountMinor: 40_000 });
    expect([refundRetry.status, refundRetry.body.pointsReversed]).toEqual([200, 400]);
    expect(await c.say('balance')).toMatch(/You have 200 points/);
  });
});
