// The demo member Aisha (6,200 points, Gold) redeems rewards through the web chat of the real running app, in
// English and Arabic: list → pick → confirm → voucher with its QR code, the balance drops, "my vouchers" shows it.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webQrPng } from '../../adapters/channels/webchat/webchat.qr.js';
import type { Reply } from '../../core/conversation/index.js';
import { ManualClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { testDbKinds } from '../helpers/test-db.js';
import { accountOfChannelUser } from '../helpers/loyalty-fixtures.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

const VOUCHER = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}/;
type WebImage = { url: string; alt: string; kind?: string };

describe.each(testDbKinds)('rewards in the web chat on %s', (kind) => {
  let t: TestApp;
  const db = () => t.app.db.db;
  const client = (sessionId?: string) => new WebChatClient(() => t.app, sessionId);

  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function rewardId(code: string): Promise<string> {
    const [row] = await db().select().from(schema.rewards).where(and(eq(schema.rewards.brandId, 'demo'), eq(schema.rewards.code, code)));
    return row!.id;
  }

  const accountOf = async (sessionId: string) => (await accountOfChannelUser(db(), sessionId))!;

  const imageOf = (reply: Reply | undefined) => reply?.image as WebImage | undefined;
  const payloads = (reply: Reply | undefined) => reply?.buttons?.map((b) => b.payload) ?? [];

  async function fetchImage(path: string) {
    const res = await fetch(`${t.app.url}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  }

  describe('Aisha', () => {
    const aisha = client('demo-aisha');
    let firstCode = '';

    it('asks "what can I get?" and sees the rewards she can afford, cheapest first, a button each', async () => {
      const [list] = await aisha.send({ text: 'what can I get?' });
      expect(list?.dir).toBe('ltr');
      expect(list?.text).toMatch(/You have 6,200 points/);
      const lines = list!.text.split('\n').filter((l) => l.startsWith('•'));
      expect(lines).toEqual([
        '• Oud discovery sample — 300 points',
        '• Free regular drink — 500 points',
        '• 10% off your next order — 1,000 points',
        '• VIP gift box — 5,000 points (only 20 left)',
      ]);
      expect(payloads(list)).toEqual([
        `reward:${await rewardId('OUD-SAMPLE')}`,
        `reward:${await rewardId('FREE-DRINK')}`,
        `reward:${await rewardId('VOUCHER-10')}`,
        `reward:${await rewardId('VIP-GIFTBOX')}`,
        'intent:my_vouchers',
      ]);
      for (const p of payloads(list)) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(64);
      expect(list?.buttons?.[1]?.label).toBe('Free regular drink · 500');
    });

    it('presses a reward, confirms, and gets the voucher code, its expiry and a QR image; the balance drops', async () => {
      const confirm = await aisha.send({ payload: `reward:${await rewardId('FREE-DRINK')}` });
      expect(confirm[0]?.text).toBe('Redeem “Free regular drink” for 500 points? You\'ll have 5,700 points left.');
      expect(payloads(confirm[0])).toEqual(['form:yes', 'form:no']);

      const [voucher] = await aisha.send({ payload: 'form:yes' });
      expect(voucher?.text).toMatch(/Here is your voucher for Free regular drink/);
      firstCode = VOUCHER.exec(voucher!.text)![0];
      const expires = new Date(Date.now() + 30 * 86_400_000);
      const expected = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(expires);
      expect(voucher?.text).toContain(`Valid until ${expected}`);
      expect(voucher?.text).toMatch(/You have 5,700 points left/);
      expect(payloads(voucher)).toContain('intent:my_vouchers');

      const image = imageOf(voucher);
      expect(image).toMatchObject({ kind: 'qr', alt: `QR code of voucher ${firstCode}` });
      expect(image?.url).toMatch(/^\/api\/webchat\/qr\?sessionId=demo-aisha&ref=[0-9a-f]{32}$/);
      expect(image?.url).not.toContain(firstCode.replace(/-/g, ''));
      const png = await fetchImage(image!.url);
      expect(png.status).toBe(200);
      expect(png.type).toBe('image/png');
      // The PNG is the QR code of exactly this voucher code.
      expect(png.body.equals(await webQrPng(firstCode))).toBe(true);

      expect(await aisha.say('balance')).toMatch(/You have 5,700 points/);
      const account = await accountOf('demo-aisha');
      const vouchers = await db().select().from(schema.vouchers).where(eq(schema.vouchers.accountId, account.id));
      expect(vouchers.map((v) => [v.code, v.status])).toEqual([[firstCode, 'active']]);
    });

    it('serves the QR image only to the session it was sent to, and only for QR codes it sent', async () => {
      const [voucher] = (await aisha.send({ text: 'my vouchers' })).filter((r) => r.text.includes(firstCode));
      expect(voucher).toBeDefined();
      const [shown] = await aisha.send({ payload: voucher!.buttons![0]!.payload });
      const url = imageOf(shown)!.url;
      expect((await fetchImage(url)).status).toBe(200);
      expect((await fetchImage(url.replace('demo-aisha', 'demo-john'))).status).toBe(404);
      expect((await fetchImage(url.replace(/ref=[0-9a-f]+/, `ref=${'0'.repeat(32)}`))).status).toBe(404);
      expect((await fetchImage(`/api/webchat/qr?sessionId=demo-aisha&qr=${firstCode}`)).status).toBe(400);
      // The history the page redraws after a reload carries the same image.
      const history = (await (await fetch(`${t.app.url}/api/webchat/history?sessionId=demo-aisha`)).json()) as { messages: Array<{ image?: WebImage }> };
      expect(history.messages.filter((m) => m.image?.kind === 'qr').map((m) => m.image!.url)).toContain(url);
    });

    it('"my vouchers" lists the voucher with its expiry and shows its QR code on request', async () => {
      const [list] = await aisha.send({ text: 'show my vouchers' });
      expect(list?.text).toMatch(new RegExp(`Free regular drink — ${firstCode} \\(valid until `));
      expect(list?.buttons?.map((b) => b.label)).toEqual([`QR · ${firstCode}`]);
      const [shown] = await aisha.send({ payload: list!.buttons![0]!.payload });
      expect(shown?.text).toContain(firstCode);
      expect(imageOf(shown)?.kind).toBe('qr');
    });

    it('redeems in Arabic, right to left: ايش المكافآت → pick → نعم', async () => {
      const [list] = await aisha.send({ text: 'ايش المكافآت' });
      expect(list?.dir).toBe('rtl');
      expect(list?.text).toMatch(/رصيدك 5,700 نقطة/);
      expect(list?.text).toMatch(/• عينة عود للتجربة — 300 نقطة/);
      const confirm = await aisha.send({ payload: `reward:${await rewardId('OUD-SAMPLE')}` });
      expect(confirm[0]?.dir).toBe('rtl');
      expect(confirm[0]?.text).toBe('هل تريد استبدال «عينة عود للتجربة» مقابل 300 نقطة؟ سيتبقى لك 5,400 نقطة.');
      const replies = await aisha.send({ text: 'نعم' });
      expect(replies.every((r) => r.dir === 'rtl')).toBe(true);
      const voucher = replies[0]!;
      expect(voucher.text).toMatch(/تم! 🎉 هذه قسيمتك لـ«عينة عود للتجربة»/);
      expect(voucher.text).toMatch(/رصيدك الآن 5,400 نقطة/);
      expect(voucher.text).toMatch(/صالحة حتى/);
      const code = VOUCHER.exec(voucher.text)![0];
      expect(imageOf(voucher)).toMatchObject({ kind: 'qr', alt: expect.stringContaining(code) as unknown });
      expect((await fetchImage(imageOf(voucher)!.url)).status).toBe(200);

      const [mine] = await aisha.send({ text: 'وين قسائمي' });
      expect(mine?.dir).toBe('rtl');
      expect(mine?.text).toContain(code);
      expect(mine?.text).toContain(firstCode);
      expect(mine?.text).toMatch(/مشروب عادي مجاني/);
      const [oud] = await db().select().from(schema.rewards).where(eq(schema.rewards.code, 'OUD-SAMPLE'));
      expect(oud?.stock).toBe(199);
      expect((await accountOf('demo-aisha')).pointsBalance).toBe(5_400);
    });

    it('spends nothing when she says no, cancels, or asks something else first', async () => {
      await aisha.send({ payload: 'lang:en' });
      await aisha.send({ payload: `reward:${await rewardId('VOUCHER-10')}` });
      expect(await aisha.press('form:no')).toMatch(/haven't redeemed anything/);

      await aisha.send({ payload: `reward:${await rewardId('VOUCHER-10')}` });
      const interrupted = await aisha.say('how many points do I have');
      expect(interrupted).toMatch(/You have 5,400 points[\s\S]*Now, about your reward:\nRedeem “10% off your next order”/);
      expect(await aisha.say('cancel')).toMatch(/haven't redeemed anything/);
      expect(await aisha.press('form:yes')).not.toMatch(/voucher/);
      expect((await accountOf('demo-aisha')).pointsBalance).toBe(5_400);
    });

    it('issues one voucher when the confirmation is delivered twice', async () => {
      await aisha.send({ payload: `reward:${await rewardId('FREE-DRINK')}` });
      const messageId = randomUUID();
      const first = await aisha.send({ payload: 'form:yes', messageId });
      const again = await aisha.send({ payload: 'form:yes', messageId });
      expect(again.map((r) => r.text)).toEqual(first.map((r) => r.text));
      expect((await accountOf('demo-aisha')).pointsBalance).toBe(4_900);
      const account = await accountOf('demo-aisha');
      expect(await db().select().from(schema.vouchers).where(eq(schema.vouchers.accountId, account.id))).toHaveLength(3);
    });
  });

  it('tells a member who is short of points how many more they need', async () => {
    const john = client('demo-john');
    const [list] = await john.send({ text: 'rewards' });
    expect(list?.text).toMatch(/You have 450 points/);
    expect(list?.text).toMatch(/• Free regular drink — 500 points \(50 more points needed\)/);
    expect(payloads(list)).toEqual([`reward:${await rewardId('OUD-SAMPLE')}`, 'intent:my_vouchers']);
    expect(await john.press(`reward:${await rewardId('VIP-GIFTBOX')}`)).toMatch(/You need 4,550 more points for this reward/);
    expect(await john.say('my vouchers')).toMatch(/don't have any vouchers yet/);
  });

  it('answers in Chinese: 有什麼獎勵', async () => {
    const [list] = await client('demo-meiling').send({ text: '有什麼獎勵' });
    expect(list?.text).toMatch(/您目前有 1,500 點，可以兌換/);
    expect(list?.text).toMatch(/• 免費中杯飲品 — 500 點/);
    expect(list?.text).toMatch(/• VIP 禮盒 — 5,000 點（還差 3,500 點）/);
  });

  it('invites non-members to join instead', async () => {
    const guest = client();
    const [answer] = await guest.send({ text: 'what can I get?' });
    expect(answer?.text).toMatch(/Rewards are for club members/);
    expect(payloads(answer)).toEqual(['intent:enroll']);
    expect(await guest.say('my vouchers')).toMatch(/Rewards are for club members/);
    expect(await guest.press(`reward:${await rewardId('FREE-DRINK')}`)).toMatch(/Rewards are for club members/);
  });

  it('shows members rewards, vouchers and gift cards in the menu', async () => {
    const [, menu] = await client('demo-john').send({ payload: 'start' });
    expect(payloads(menu)).toEqual(['intent:balance', 'intent:rewards', 'intent:my_vouchers', 'intent:gift_card_balance', 'intent:language', 'intent:help']);
  });
});

describe.each(testDbKinds)('a reward confirmation left open on %s', (kind) => {
  let t: TestApp;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    t = await startTestApp(kind, {}, { clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is not a standing order: a "yes" 16 minutes later shows the list again and spends nothing', async () => {
    const meiling = new WebChatClient(() => t.app, 'demo-meiling');
    const [drink] = await t.app.db.db.select().from(schema.rewards).where(eq(schema.rewards.code, 'FREE-DRINK'));
    expect(await meiling.press(`reward:${drink!.id}`)).toMatch(/確定要用 500 點兌換「免費中杯飲品」嗎？兌換後剩 1,000 點。/);
    clock.advance(16 * 60_000);
    const answer = await meiling.press('form:yes');
    expect(answer).toMatch(/^已經過了一段時間，所以沒有兌換。請重新選擇獎勵：\n您目前有 1,500 點/);
    expect(await t.app.db.db.select().from(schema.vouchers)).toHaveLength(0);
    // Within the time it goes through.
    await meiling.press(`reward:${drink!.id}`);
    clock.advance(14 * 60_000);
    expect(await meiling.press('form:yes')).toMatch(/兌換成功/);
  });
});
