// Gift card balance through the web chat of the real app: the bot asks for the code (or takes it from the question),
// answers with the last four symbols only, never stores the code, keeps the customer's language, and stops answering
// after 5 wrong codes in an hour.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueGiftCard } from '../../core/gift-cards/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { testDbKinds } from '../helpers/test-db.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe.each(testDbKinds)('gift card balance in the web chat on %s', (kind) => {
  let t: TestApp;
  const client = (sessionId?: string) => new WebChatClient(() => t.app, sessionId);
  const issue = (amountMinor: number, expiresAt: Date | null = null) =>
    issueGiftCard({ db: t.app.db.db, clock: systemClock, log: silentLog }, { brandId: 'demo', amountMinor, currency: 'AED', expiresAt, issuedBy: 'test' });

  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Every inbound text stored for a web session. */
  async function storedTexts(sessionId: string): Promise<string[]> {
    const rows = await t.app.db.db
      .select({ text: schema.messages.text })
      .from(schema.messages)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
      .where(and(eq(schema.conversations.chatId, sessionId), eq(schema.messages.direction, 'in')))
      .orderBy(schema.messages.createdAt);
    return rows.map((r) => r.text ?? '');
  }

  it('asks for the code, answers the balance with the last four symbols, and stores the code masked', async () => {
    const { code } = await issue(25_050);
    const c = client();
    const asked = await c.send({ text: 'gift card balance' });
    expect(asked[0]?.text).toMatch(/type the code on your gift card/);
    expect(asked[0]?.buttons?.map((b) => b.payload)).toEqual(['form:cancel']);
    expect(await c.say('ABC-123')).toMatch(/doesn't look like a gift card code/);
    const answer = await c.say(code.toLowerCase());
    // Intl puts a no-break space between the currency and the amount, so they never wrap apart.
    expect(answer).toBe(`Gift card ending in ${code.slice(-4)}: AED\u00a0250.50 left.`);
    expect(answer).not.toContain(code);

    const stored = await storedTexts(c.sessionId);
    expect(stored).toEqual(['gift card balance', 'ABC-123', `****-****-****-${code.slice(-4)}`]);
    const history = JSON.stringify(await (await fetch(`${t.app.url}/api/webchat/history?sessionId=${c.sessionId}`)).json());
    expect(history).not.toContain(code.slice(0, 9));
    expect(history).not.toContain(code.slice(0, 9).toLowerCase());
  });

  it('answers at once when the code comes with the question, or on its own', async () => {
    // Sent alone and without dashes, 16 symbols count as a code only with a digit in them (a 16-letter word is not
    // one); about 1 random code in 100 has none, so this test takes one that has.
    let { code } = await issue(10_000, new Date('2030-06-30T00:00:00Z'));
    while (!/\d/.test(code)) ({ code } = await issue(10_000, new Date('2030-06-30T00:00:00Z')));
    const c = client();
    expect(await c.say(`what's left on my gift card ${code}?`)).toBe(`Gift card ending in ${code.slice(-4)}: AED\u00a0100.00 left. Valid until 30 June 2030.`);
    expect(await c.say(code.replace(/-/g, ''))).toMatch(/AED\s100\.00 left/);
    expect((await storedTexts(c.sessionId)).join('\n')).not.toMatch(new RegExp(code.slice(0, 4)));
  });

  it('keeps Arabic while the customer types a Latin code, and masks a mistyped code too', async () => {
    const { code } = await issue(5_000);
    const c = client();
    const asked = await c.send({ text: 'ابي اعرف رصيد بطاقة الهدية' });
    expect(asked[0]?.dir).toBe('rtl');
    expect(asked[0]?.text).toMatch(/اكتب رمز بطاقة الهدية/);
    const almost = code.slice(0, -1);
    const retry = await c.send({ text: almost });
    expect(retry[0]?.dir).toBe('rtl');
    expect(retry[0]?.text).toMatch(/لا يبدو رمز بطاقة هدية/);
    const answer = await c.send({ text: code });
    expect(answer[0]?.dir).toBe('rtl');
    expect(answer[0]?.text).toMatch(new RegExp(`بطاقة الهدية المنتهية بـ \u200e${code.slice(-4)}\u200e: الرصيد المتبقي \u200f?50\\.00`));
    const stored = await storedTexts(c.sessionId);
    expect(stored).toEqual(['ابي اعرف رصيد بطاقة الهدية', '****', `****-****-****-${code.slice(-4)}`]);
  });

  it('answers in Chinese', async () => {
    const { code } = await issue(12_300);
    const c = client();
    expect(await c.say('禮物卡餘額')).toMatch(/請輸入禮物卡上的代碼/);
    expect(await c.say(code)).toMatch(new RegExp(`末四碼 ${code.slice(-4)} 的禮物卡餘額為 AED\\s?123\\.00`));
  });

  it('after 5 wrong codes answers "try later" even to the right one; other customers are not affected', async () => {
    const { code } = await issue(1_000);
    const c = client();
    for (let i = 0; i < 5; i++) {
      await c.say('gift card balance');
      expect(await c.say(`ZZZZ-ZZZZ-ZZZZ-${String(1000 + i)}`)).toMatch(/couldn't find a gift card/);
    }
    await c.say('gift card balance');
    expect(await c.say(code)).toMatch(/Too many codes were tried/);
    expect(await client().say(`gift card balance ${code}`)).toMatch(/AED\s10\.00 left/);
  });

  it('says expired, lets the customer cancel, and asks something else in between', async () => {
    const expired = await issue(1_000, new Date(Date.now() - 1_000));
    const c = client();
    expect(await c.say(`gift card ${expired.code}`)).toMatch(/has expired/);
    await c.say('gift card balance');
    expect(await c.say('help')).toMatch(/Here is what I can do[\s\S]*back to your gift card:\nPlease type the code/);
    expect(await c.say('cancel')).toMatch(/OK, no problem/);
    expect(await c.say('hello')).toMatch(/Loyalty Club/);
  });

  it('asked mid-sign-up, keeps the sign-up going', async () => {
    const c = client();
    await c.say('join');
    const answer = await c.say('check my gift card');
    expect(answer).toMatch(/finish your sign-up first[\s\S]*full name/);
    expect(await c.say('Rana Aziz')).toMatch(/date of birth/);
  });
});
