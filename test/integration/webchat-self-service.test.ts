// The self-service answers of the customer bot, through the web chat of the real running app: points history, the
// tiers, inviting a friend (and joining with a friend's number), stores, asking for a person, STOP, data requests,
// a rating, and redeeming a reward by name. Buttons test the features; typed messages test that the NLU gets there.
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTransaction } from '../../core/pos/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { testDbKinds } from '../helpers/test-db.js';
import { accountOfChannelUser } from '../helpers/loyalty-fixtures.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe.each(testDbKinds)('self-service in the web chat on %s', (kind) => {
  let t: TestApp;
  const db = () => t.app.db.db;
  const client = (sessionId?: string) => new WebChatClient(() => t.app, sessionId);

  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const accountOf = (sessionId: string) => accountOfChannelUser(db(), sessionId);

  async function customerOf(sessionId: string) {
    const [row] = await db().select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, sessionId));
    return row!.customerId;
  }

  beforeAll(async () => {
    // Aisha's profile says Arabic; these tests read English.
    await client('demo-aisha').press('lang:en');
  });

  it('shows a member their latest points movements, newest first, with the balance', async () => {
    const text = await client('demo-aisha').press('intent:points_history');
    const lines = text.split('\n').filter((l) => l.startsWith('•'));
    // The demo seeds two purchases (4,000 and 2,500) and one redemption (300), all today.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/Reward redeemed: -300$/);
    expect(lines[1]).toMatch(/Purchase: \+2,500$/);
    expect(lines[2]).toMatch(/Purchase: \+4,000$/);
    expect(text).toMatch(/Balance now: 6,200 points/);
  });

  it('shows points on hold (inside the return window) in the history, with the date they become usable', async () => {
    // The demo programme releases points at once; this brand now holds them for 14 days.
    await db().update(schema.brands).set({ settings: { pendingDays: 14 } }).where(eq(schema.brands.id, 'demo'));
    try {
      const john = await accountOf('demo-john');
      const [store] = await db().select().from(schema.stores).where(eq(schema.stores.code, 'DXB-MALL'));
      const occurredAt = new Date();
      const result = await recordTransaction(
        { db: db(), clock: systemClock, log: silentLog },
        {
          brandId: 'demo',
          storeId: store!.id,
          externalId: `held-${Date.now()}`,
          customer: { memberCode: john!.memberCode },
          occurredAt,
          currency: 'AED',
          totalMinor: 12_000,
          lines: [{ sku: 'TEA-1', category: 'drinks', quantity: 1, amountMinor: 12_000 }],
        },
      );
      expect(result.status).toBe('recorded');
      const text = await client('demo-john').press('intent:points_history');
      expect(text).toMatch(/On hold until the return period ends:\n⏳ .* Purchase: \+\d+ \(from /);
      expect(text).toMatch(/Balance now: 450 points\./);
    } finally {
      await db().update(schema.brands).set({ settings: { pendingDays: 0 } }).where(eq(schema.brands.id, 'demo'));
    }
  });

  it('offers the history from the balance, and invites non-members to join instead', async () => {
    const [balance] = await client('demo-aisha').send({ payload: 'intent:balance' });
    expect(balance?.buttons?.[0]?.payload).toBe('intent:points_history');
    const [stranger] = await client().send({ payload: 'intent:points_history' });
    expect(stranger?.text).toMatch(/not a member yet/);
    expect(stranger?.buttons?.map((b) => b.payload)).toContain('intent:enroll');
  });

  it('explains the tiers with their thresholds and bonus, marking the member’s own', async () => {
    const text = await client('demo-aisha').press('intent:tier_info');
    expect(text).toContain('• Gold — from 5,000 points, +10% points on every purchase ← you are here');
    expect(text).toContain('• Bronze — from 0 points');
    expect(text).toMatch(/last 12 months/);
    const zh = await client('demo-meiling').press('intent:tier_info');
    expect(zh).toContain('銀卡 — 1,000 點起，每筆消費點數加贈 5%（您目前的等級）');
  });

  it('gives a member their number to share; a friend who joins with it is recorded as referred by them', async () => {
    const aisha = await accountOf('demo-aisha');
    const invite = await client('demo-aisha').press('intent:referral');
    expect(invite).toContain(`join ${aisha!.memberCode}`);
    expect(invite).toMatch(/you get 300 points and they get 200/);

    const friend = client();
    expect(await friend.say(`join ${aisha!.memberCode}`)).toMatch(/What's your full name/);
    const done = await friend.finishSignUp('Omar Haddad', { birthday: '1993-05-06' });
    expect(done).toMatch(/Welcome to the club, Omar Haddad/);
    expect(done).toMatch(/Your friend's invitation is noted/);
    expect((await accountOf(friend.sessionId))?.referredByAccountId).toBe(aisha!.id);
  });

  it('records no referral once the referrer has referred as many friends as the programme allows', async () => {
    const aisha = await accountOf('demo-aisha');
    const [brand] = await db().select().from(schema.brands).where(eq(schema.brands.id, 'demo'));
    await db().update(schema.brands).set({ settings: { pendingDays: 0, referral: { maxReferrals: 1 } } }).where(eq(schema.brands.id, 'demo'));
    try {
      const friend = client();
      await friend.say(`join ${aisha!.memberCode}`);
      const done = await friend.finishSignUp('Rami Aziz', { birthday: '1994-08-09' });
      expect(done).toMatch(/Welcome to the club, Rami Aziz/);
      expect(done).not.toMatch(/invitation/);
      expect((await accountOf(friend.sessionId))?.referredByAccountId).toBeNull();
    } finally {
      await db().update(schema.brands).set({ settings: brand!.settings }).where(eq(schema.brands.id, 'demo'));
    }
  });

  it('ignores a mistyped friend’s number (bad check digit): the sign-up goes on without a referral', async () => {
    const aisha = await accountOf('demo-aisha');
    const wrong = aisha!.memberCode.slice(0, 9) + String((Number(aisha!.memberCode[9]) + 1) % 10);
    const friend = client();
    expect(await friend.say(`join ${wrong}`)).toMatch(/What's your full name/);
    const done = await friend.finishSignUp('Lina Saleh', { birthday: '1990-01-02' });
    expect(done).toMatch(/Welcome to the club/);
    expect(done).not.toMatch(/invitation/);
    expect((await accountOf(friend.sessionId))?.referredByAccountId).toBeNull();
  });

  it('lists the stores, or only the one (or the city) the customer names', async () => {
    const all = await client().press('intent:store_info');
    expect(all.split('\n').filter((l) => l.startsWith('•'))).toEqual([
      '• Dubai Mall — Dubai',
      '• Mall of the Emirates — Dubai',
      '• Kuala Lumpur Pavilion — Kuala Lumpur',
      '• Taipei Xinyi — Taipei',
    ]);
    expect(await client().say('which branches do you have in taipei')).toMatch(/Taipei Xinyi — Taipei/);
  });

  it('hands over to a person once, says so in the customer’s language, and then stays silent', async () => {
    const c = client();
    expect(await c.say('can I talk to a real person please')).toMatch(/asked a person from our team/);
    // The conversation is with a person now: the bot says nothing more, whatever is sent.
    expect(await c.send({ payload: 'intent:human' })).toEqual([]);
    const [row] = await db().select().from(schema.conversations).where(eq(schema.conversations.chatId, c.sessionId));
    expect(row!.mode).toBe('agent');
    // Recorded once, in the audit log.
    const customerId = await customerOf(c.sessionId);
    const audited = await db().select().from(schema.auditLog).where(and(eq(schema.auditLog.target, customerId), eq(schema.auditLog.action, 'conversation.handoff_requested')));
    expect(audited.map((r) => (r.details as { reason: string }).reason)).toEqual(['asked']);
    expect(await client().say('ابي اكلم موظف')).toMatch(/طلبت من أحد موظفينا/);
    expect(await client().say('我要找真人客服')).toMatch(/已經通知我們的客服人員/);
  });

  it('treats a complaint as one: sorry, and a ticket is taken down', async () => {
    const c = client();
    const answer = await c.send({ text: 'my points were not added after my purchase yesterday, this is annoying' });
    expect(answer.map((r) => r.text).join('\n')).toMatch(/sorry/i);
    const [row] = await db().select().from(schema.conversations).where(eq(schema.conversations.chatId, c.sessionId));
    expect((row!.state as { form?: { id: string } }).form?.id).toBe('ticket');
  });

  it('offers a person after two misunderstandings in a row', async () => {
    const c = client();
    const [first] = await c.send({ text: 'qwpoeiru zmxncbv' });
    expect(first?.buttons?.map((b) => b.payload)).not.toContain('intent:human');
    const [second] = await c.send({ text: 'lkjhgf poiuyt' });
    expect(second?.text).toMatch(/still didn't understand/);
    expect(second?.buttons?.[0]?.payload).toBe('intent:human');
  });

  it('asks before unsubscribing on an unsure reading, and START opts back in', async () => {
    const c = client();
    await c.say('join');
    expect(await c.finishSignUp('Nour Haddad', { birthday: '1992-02-03', offers: true })).toMatch(/You'll get our offers here/);
    const customerId = await customerOf(c.sessionId);
    const marketing = async () =>
      (
        await db()
          .select()
          .from(schema.consentRecords)
          .where(and(eq(schema.consentRecords.customerId, customerId), eq(schema.consentRecords.purpose, 'marketing')))
          .orderBy(desc(schema.consentRecords.id))
      ).map((r) => [r.granted, r.source]);
    // "enough" is read as unsubscribe, but not surely: asked, and "no" keeps the consent.
    expect(await c.say('enough')).toMatch(/Do you want to stop receiving offers/);
    expect(await c.say('no')).toMatch(/nothing changed/);
    expect(await marketing()).toEqual([[true, 'chat_enrollment']]);
    expect(await c.say('Stop!')).toMatch(/won't receive offers.*Send START/s);
    expect(await c.say('START')).toMatch(/you'll get our offers and news in this chat again/);
    expect(await marketing()).toEqual([
      [true, 'chat_start'],
      [false, 'chat_stop'],
      [true, 'chat_enrollment'],
    ]);
  });

  it('cancels a form when asked in words, and "stop" mid-form stops the form, not the offers', async () => {
    const c = client();
    expect(await c.say('join')).toMatch(/full name/);
    expect(await c.say('stop the sign up please')).toMatch(/cancelled the sign-up/);
    expect(await c.say('join')).toMatch(/full name/);
    expect(await c.say('stop')).toMatch(/cancelled the sign-up/);
    expect(await c.say('sign me up')).toMatch(/full name/);
    expect(await c.say('i dont want to sign up anymore')).toMatch(/cancelled the sign-up/);
  });

  it('honours STOP at once: marketing consent on this channel is withdrawn and recorded', async () => {
    const c = client();
    // Join with offers, then STOP.
    await c.say('join');
    expect(await c.finishSignUp('Sara Khan', { birthday: '1992-02-03', offers: true })).toMatch(/You'll get our offers here/);
    expect(await c.say('STOP')).toMatch(/won't receive offers or news from us in this chat/);
    const customerId = await customerOf(c.sessionId);
    const history = await db()
      .select()
      .from(schema.consentRecords)
      .where(and(eq(schema.consentRecords.customerId, customerId), eq(schema.consentRecords.purpose, 'marketing')))
      .orderBy(desc(schema.consentRecords.id));
    expect(history.map((r) => [r.granted, r.source])).toEqual([
      [false, 'chat_stop'],
      [true, 'chat_enrollment'],
    ]);
    // Again: nothing more to withdraw, and no second record.
    expect(await c.say('unsubscribe')).toMatch(/not subscribed to offers/);
    const again = await db().select().from(schema.consentRecords).where(eq(schema.consentRecords.customerId, customerId));
    expect(again.filter((r) => r.purpose === 'marketing')).toHaveLength(2);
  });

  it('confirms, then records requests to export or delete personal data for the privacy team, in the audit log', async () => {
    const c = client('demo-john');
    const customerId = await customerOf('demo-john');
    const audited = async () => (await db().select().from(schema.auditLog).where(eq(schema.auditLog.target, customerId))).length;
    const [ask] = await c.send({ text: 'please send me a copy of all the data you have about me' });
    expect(ask?.text).toMatch(/Do you want to ask us for a copy/);
    expect(ask?.buttons?.map((b) => b.payload)).toEqual(['form:yes', 'form:no']);
    expect(await audited()).toBe(0);
    expect(await c.press('form:yes')).toMatch(/recorded your request for a copy of your personal data/);
    // A "no" requests nothing.
    expect(await c.say('delete my account and erase all my data')).toMatch(/Do you want to ask us to delete all your personal data/);
    expect(await c.say('no')).toMatch(/haven't requested anything/);
    expect(await audited()).toBe(1);
    expect(await c.say('delete my account and erase all my data')).toMatch(/delete all your personal data/);
    expect(await c.say('yes')).toMatch(/recorded your request to delete your personal data/);
    const rows = await db().select().from(schema.auditLog).where(eq(schema.auditLog.target, customerId));
    expect(rows.map((r) => [r.action, r.actorType]).sort()).toEqual([
      ['privacy.erasure_requested', 'customer'],
      ['privacy.export_requested', 'customer'],
    ]);
  });

  it('thanks a customer for a rating sent on its own, reading the score in any script', async () => {
    expect(await client().say("I'd give you a 9")).toMatch(/rating of 9/);
    expect(await client().say('١٠ من ١٠')).toMatch(/تقييمك 10/);
  });

  it('goes straight to the confirmation when the customer names the reward to redeem', async () => {
    const [confirm] = await client('demo-aisha').send({ text: 'I want to redeem the oud discovery sample' });
    expect(confirm?.text).toMatch(/Redeem “Oud discovery sample” for 300 points\?/);
    await client('demo-aisha').press('form:cancel');
    // Without a name: the catalogue to pick from.
    const [list] = await client('demo-aisha').send({ text: 'I want to use my points' });
    expect(list?.text).toMatch(/Here's what you can get/);
  });
});
