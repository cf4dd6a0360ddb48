// A customer enrolls and checks the balance through the web chat of the real running app,
// in English, Arabic and Chinese, on every database this run tests.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { testDbKinds } from '../helpers/test-db.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe.each(testDbKinds)('web chat enrollment on %s', (kind) => {
  let t: TestApp;
  const client = (sessionId?: string) => new WebChatClient(() => t.app, sessionId);
  const db = () => t.app.db.db;

  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function accountsOf(sessionId: string) {
    const [identity] = await db().select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, sessionId));
    if (!identity) return [];
    return db().select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, identity.customerId));
  }

  it('greets with a menu on start', async () => {
    const replies = await client().send({ payload: 'start' });
    expect(replies.map((r) => r.text).join('\n')).toMatch(/Loyalty Club/);
    expect(replies.at(-1)?.buttons?.map((b) => b.payload)).toEqual(['intent:enroll', 'intent:balance', 'intent:language', 'intent:help']);
  });

  it('enrolls in English, validating each answer, then shows the balance', async () => {
    const c = client();
    expect(await c.say('I want to join')).toMatch(/full name/);
    expect(await c.say('12345')).toMatch(/type your name using letters/);
    expect(await c.say('Sam Lee')).toMatch(/date of birth/);
    expect(await c.say('31/02/1990')).toMatch(/doesn't exist/);
    expect(await c.say('01/01/2999')).toMatch(/in the future/);
    expect(await c.say('12/03/1990')).toMatch(/mobile number/);
    expect(await c.say('12345')).toMatch(/valid mobile number/);
    expect(await c.say('+971 50 123 4567')).toMatch(/terms/);
    expect(await c.say('maybe')).toMatch(/yes or no/);
    expect(await c.press('form:yes')).toMatch(/offers and news/);
    const welcome = await c.press('form:no');
    expect(welcome).toMatch(/Welcome to the club, Sam Lee!.*member number is \d{10}.*Bronze/s);
    const balance = await c.say('how many points do I have?');
    expect(balance).toMatch(/You have 0 points/);
    expect(balance).toMatch(/Tier: Bronze/);
    expect(balance).toMatch(/1,000 more points to reach Silver/);

    const [customer] = await db()
      .select()
      .from(schema.customers)
      .innerJoin(schema.channelIdentities, eq(schema.channelIdentities.customerId, schema.customers.id))
      .where(eq(schema.channelIdentities.externalId, c.sessionId));
    expect(customer?.customers).toMatchObject({ name: 'Sam Lee', birthday: '1990-03-12', phone: '+971501234567', phoneVerified: false, language: 'en' });
    const consents = await db().select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, customer!.customers.id));
    expect(consents.map((r) => [r.purpose, r.granted, r.channel, r.wordingVersion]).sort()).toEqual([
      ['marketing', false, 'web', t.config.MARKETING_WORDING_VERSION],
      ['terms', true, 'web', t.config.TERMS_VERSION],
    ]);
  });

  it('enrolls in Arabic (بدي أشترك / كم نقاطي), right to left', async () => {
    const c = client();
    const first = await c.send({ text: 'بدي أشترك' });
    expect(first.every((r) => r.dir === 'rtl')).toBe(true);
    expect(first.map((r) => r.text).join('\n')).toMatch(/ما اسمك الكامل/);
    expect(await c.say('محمد العلي')).toMatch(/تاريخ ميلادك/);
    expect(await c.say('١٢/٠٣/١٩٩٠')).toMatch(/رقم جوالك/);
    expect(await c.say('تخطي')).toMatch(/شروط/);
    expect(await c.say('نعم')).toMatch(/العروض/);
    expect(await c.say('ايه')).toMatch(/أهلاً بك في النادي يا محمد العلي/);
    const balance = await c.send({ text: 'كم نقاطي' });
    expect(balance[0]?.dir).toBe('rtl');
    expect(balance[0]?.text).toMatch(/رصيدك 0 نقطة/);
    expect(balance[0]?.text).toMatch(/برونزي/);
    expect(await accountsOf(c.sessionId)).toHaveLength(1);
  });

  it('enrolls in Chinese (我要加入會員 / 我有多少點數)', async () => {
    const c = client();
    expect(await c.say('我要加入會員')).toMatch(/全名/);
    expect(await c.say('王小明')).toMatch(/生日/);
    expect(await c.say('1990年3月12日')).toMatch(/手機號碼/);
    expect(await c.say('略過')).toMatch(/條款/);
    expect(await c.say('是')).toMatch(/優惠/);
    expect(await c.say('不要')).toMatch(/歡迎加入會員俱樂部，王小明/);
    const balance = await c.say('我有多少點數');
    expect(balance).toMatch(/您目前有 0 點/);
    expect(balance).toMatch(/銅卡/);
  });

  it('lets the customer ask something else mid-form and come back, or cancel', async () => {
    const c = client();
    await c.say('join');
    await c.say('Lina Haddad');
    const interrupted = await c.say('what is my balance');
    expect(interrupted).toMatch(/not a member yet/);
    expect(interrupted).toMatch(/back to your sign-up:\nWhat's your date of birth/);
    expect(await c.say('1992-07-01')).toMatch(/mobile number/);
    expect(await c.say('cancel')).toMatch(/cancelled the sign-up/);
    expect(await c.say('balance')).toMatch(/not a member yet/);
    expect(await accountsOf(c.sessionId)).toHaveLength(0);
  });

  it('does not create a second member when someone enrolls twice', async () => {
    const c = client();
    for (const step of ['join', 'Omar Saleh', '1985-05-05', 'skip']) await c.say(step);
    await c.press('form:yes');
    await c.press('form:yes');
    expect(await c.say('join')).toMatch(/already a member/);
    expect(await accountsOf(c.sessionId)).toHaveLength(1);
  });

  it('shows a seeded member their tier, next tier and points expiring soon', async () => {
    const balance = await client('demo-aisha').say('balance');
    // Seed: earned 4,000 (expires in 30 days) + 2,500, spent 300 from the soonest-expiring lot.
    expect(balance).toMatch(/You have 6,200 points/);
    expect(balance).toMatch(/Tier: Gold/);
    expect(balance).toMatch(/8,500 more points to reach Platinum/);
    expect(balance).toMatch(/3,700 points expire on/);
  });

  it('switches language from the menu and remembers it', async () => {
    const c = client();
    await c.say('hello');
    const menu = await c.send({ payload: 'intent:language' });
    expect(menu[0]?.buttons?.map((b) => b.payload)).toEqual(['lang:en', 'lang:ar', 'lang:zh']);
    expect((await c.send({ payload: 'lang:zh' }))[0]?.text).toMatch(/中文/);
    expect(await c.press('intent:balance')).toMatch(/還不是會員/);
  });
});
