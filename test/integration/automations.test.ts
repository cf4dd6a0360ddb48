// Automations against a real database: each one's period picks exactly the members it should (and not their
// neighbours a day or a week away), a second run the same day launches nothing and credits no second birthday bonus,
// seasonal greetings go on their day only, and bad settings skip an automation instead of crashing the run.
// The clock stands on Wednesday 18 November 2026, 10:30 in Dubai (06:30 UTC): ISO week 2026-W47 (16–22 November);
// the daily run's window is 17 November 10:00 to 18 November 10:00 Dubai time.
import { eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTOMATION_JOBS,
  enableDefaultAutomations,
  registerAutomationJobs,
  listAutomations,
  planAutomation,
  previewAutomations,
  runAutomation,
  runAutomations,
  updateAutomation,
  type AutomationKind,
} from '../../core/automations/index.js';
import { recordTierChange } from '../../core/loyalty/index.js';
import { recordTransaction } from '../../core/pos/index.js';
import { InProcessJobQueue, ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { rowsOf, schema } from '../../db/index.js';
import { DAY, createBrand, createMember, expectInvariants, ledger, post, purchase, type BrandFixture, type MemberFixture } from '../helpers/loyalty-fixtures.js';
import { eventually } from '../helpers/eventually.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const NOW = new Date('2026-11-18T06:30:00Z');
const HOUR = 3_600_000;

describe.each(testDbKinds)('automations on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  /** A brand (Dubai) with only `automation` enabled, with `settings`. */
  async function brandWith(automation: AutomationKind, settings: Record<string, unknown> = {}): Promise<BrandFixture> {
    clock.set(NOW);
    const b = await createBrand(handle.db);
    const r = await updateAutomation(deps, { brandId: b.brandId, key: automation, enabled: true, settings });
    expect(r.status).toBe('updated');
    return b;
  }

  /** The account ids an audience selects, sorted. */
  async function members(audience: SQL): Promise<string[]> {
    const rows = rowsOf<{ account_id: string }>(await handle.db.execute(sql`select account_id from member_facts where ${audience} order by account_id`));
    return rows.map((r) => r.account_id);
  }

  /** The plans of one automation at the clock's time, by key, with the members each selects. */
  async function planned(brandId: string, automation: AutomationKind): Promise<Record<string, string[]>> {
    const outcome = await planAutomation(deps, { brandId, automation });
    if (outcome.status !== 'planned') throw new Error(`not planned: ${outcome.status}`);
    const out: Record<string, string[]> = {};
    for (const p of outcome.plans) out[p.automationKey] = await members(p.audience);
    return out;
  }

  const ids = (...ms: MemberFixture[]) => ms.map((m) => m.accountId).sort();

  async function setEnrolled(m: MemberFixture, at: Date, via?: string): Promise<void> {
    await handle.db
      .update(schema.loyaltyAccounts)
      .set({ enrolledAt: at, ...(via ? { enrolledVia: via } : {}) })
      .where(eq(schema.loyaltyAccounts.id, m.accountId));
  }

  it('welcomes members enrolled in the day that ended at 10:00, and follows up three days later', async () => {
    const b = await brandWith('welcome');
    const yesterdayAfternoon = await createMember(deps, b.brandId);
    await setEnrolled(yesterdayAfternoon, new Date('2026-11-17T12:00:00Z'));
    const todayAfterTen = await createMember(deps, b.brandId);
    await setEnrolled(todayAfterTen, new Date('2026-11-18T06:10:00Z'));
    const yesterdayBeforeTen = await createMember(deps, b.brandId);
    await setEnrolled(yesterdayBeforeTen, new Date('2026-11-17T05:59:00Z'));
    const imported = await createMember(deps, b.brandId);
    await setEnrolled(imported, new Date('2026-11-17T12:00:00Z'), 'import');
    const threeDaysAgo = await createMember(deps, b.brandId);
    await setEnrolled(threeDaysAgo, new Date('2026-11-14T12:00:00Z'));
    const fourDaysAgo = await createMember(deps, b.brandId);
    await setEnrolled(fourDaysAgo, new Date('2026-11-14T05:00:00Z'));

    expect(await planned(b.brandId, 'welcome')).toEqual({
      'welcome-1:2026-11-18': ids(yesterdayAfternoon),
      'welcome-2:2026-11-18': ids(threeDaysAgo),
    });
    // Before 10:00 the run is still yesterday's: the member enrolled at 09:59 yesterday belongs to it.
    clock.set(new Date('2026-11-18T05:00:00Z'));
    expect(await planned(b.brandId, 'welcome')).toMatchObject({ 'welcome-1:2026-11-17': ids(yesterdayBeforeTen) });
    // Tomorrow's run takes the member enrolled after 10:00 today.
    clock.set(new Date('2026-11-19T07:00:00Z'));
    expect(await planned(b.brandId, 'welcome')).toMatchObject({ 'welcome-1:2026-11-19': ids(todayAfterTen) });
  });

  it('greets birthdays of this ISO week and credits the bonus once', async () => {
    const b = await brandWith('birthday', { rewardPoints: 150 });
    const thisWeek = await createMember(deps, b.brandId, { birthday: '1990-11-20' });
    const sunday = await createMember(deps, b.brandId, { birthday: '1985-11-22' });
    const nextWeek = await createMember(deps, b.brandId, { birthday: '1990-11-24' });
    const lastWeek = await createMember(deps, b.brandId, { birthday: '1990-11-15' });
    const otherMonth = await createMember(deps, b.brandId, { birthday: '1990-08-18' });

    expect(await planned(b.brandId, 'birthday')).toEqual({ 'birthday:2026-W47': ids(thisWeek, sunday) });
    const preview = await previewAutomations(deps, { brandId: b.brandId });
    expect(preview).toEqual([expect.objectContaining({ automationKey: 'birthday:2026-W47', audience: 2 })]);
    expect(preview[0]!.content.en).toContain('150 bonus points');
    expect(preview[0]!.content.ar).toContain('150');
    // A preview credits nothing.
    expect(await ledger(handle.db, thisWeek.accountId)).toEqual([]);

    // The bonus step, run twice (a retried job): one bonus per birthday, through the ledger.
    const outcome = await planAutomation(deps, { brandId: b.brandId, automation: 'birthday' });
    if (outcome.status !== 'planned') throw new Error(outcome.status);
    const before = outcome.plans[0]!.before!;
    expect(await before()).toBe(2);
    expect(await before()).toBe(0);
    expect(await ledger(handle.db, thisWeek.accountId)).toEqual([
      expect.objectContaining({ kind: 'bonus', points: 150, idempotencyKey: `birthday:${thisWeek.accountId}:2026`, reference: 'birthday:2026-W47' }),
    ]);
    for (const m of [nextWeek, lastWeek, otherMonth]) expect(await ledger(handle.db, m.accountId)).toEqual([]);
    await expectInvariants(handle.db);
  });

  it('handles 29 February birthdays and weeks across New Year', async () => {
    const b = await brandWith('birthday');
    const leapling = await createMember(deps, b.brandId, { birthday: '2000-02-29' });
    const newYearsEve = await createMember(deps, b.brandId, { birthday: '1990-12-31' });
    const secondJan = await createMember(deps, b.brandId, { birthday: '1990-01-02' });
    // 2027 is not a leap year: the 28th is their day. Week 2027-W08 is 22–28 February.
    clock.set(new Date('2027-02-24T08:00:00Z'));
    expect(await planned(b.brandId, 'birthday')).toEqual({ 'birthday:2027-W08': ids(leapling) });
    // Week 2026-W53 runs from 28 December 2026 to 3 January 2027.
    clock.set(new Date('2026-12-30T08:00:00Z'));
    expect(await planned(b.brandId, 'birthday')).toEqual({ 'birthday:2026-W53': ids(newYearsEve, secondJan) });
  });

  it('writes to members whose last purchase is now 60 days old, not 59 or 62', async () => {
    const b = await brandWith('win-back');
    const buyAt = async (m: MemberFixture, at: Date) => {
      const r = await recordTransaction(deps, purchase(b, { memberCode: m.memberCode }, at, [5_000]));
      expect(r.status).toBe('recorded');
    };
    const sixty = await createMember(deps, b.brandId);
    await buyAt(sixty, new Date(NOW.getTime() - 60 * DAY - HOUR));
    const fiftyNine = await createMember(deps, b.brandId);
    await buyAt(fiftyNine, new Date(NOW.getTime() - 59 * DAY));
    const sixtyTwo = await createMember(deps, b.brandId);
    await buyAt(sixtyTwo, new Date(NOW.getTime() - 62 * DAY));
    const cameBack = await createMember(deps, b.brandId);
    await buyAt(cameBack, new Date(NOW.getTime() - 60 * DAY - HOUR));
    await buyAt(cameBack, new Date(NOW.getTime() - 10 * DAY));
    await createMember(deps, b.brandId); // never bought: not "lapsed"

    expect(await planned(b.brandId, 'win-back')).toEqual({ 'winback:60d:2026-11-18': ids(sixty) });
    // A brand that waits 90 days.
    await updateAutomation(deps, { brandId: b.brandId, key: 'win-back', settings: { days: 90 } });
    expect(Object.keys(await planned(b.brandId, 'win-back'))).toEqual(['winback:90d:2026-11-18']);
  });

  it('congratulates members whose tier went up in the run window and still hold it', async () => {
    const b = await brandWith('tier-upgrade');
    const upgraded = await createMember(deps, b.brandId);
    const upgradedEarlier = await createMember(deps, b.brandId);
    const downgraded = await createMember(deps, b.brandId, { tierCode: 'silver' });
    const upAndDown = await createMember(deps, b.brandId);
    // Earned their way to silver yesterday afternoon (Dubai), through the ledger.
    clock.set(new Date('2026-11-17T10:00:00Z'));
    await post(deps, upgraded.accountId, 'earn', 1_200);
    await post(deps, upAndDown.accountId, 'earn', 1_200);
    clock.set(new Date('2026-11-16T10:00:00Z'));
    await post(deps, upgradedEarlier.accountId, 'earn', 1_200);
    clock.set(NOW);
    await handle.db.transaction(async (tx) => {
      await recordTierChange(tx, { brandId: b.brandId, accountId: downgraded.accountId, from: 'silver', to: 'bronze', reason: 'review', at: new Date('2026-11-17T12:00:00Z') });
      await recordTierChange(tx, { brandId: b.brandId, accountId: upAndDown.accountId, from: 'silver', to: 'bronze', reason: 'review', at: new Date('2026-11-17T13:00:00Z') });
    });
    await handle.db.update(schema.loyaltyAccounts).set({ tierCode: 'bronze' }).where(eq(schema.loyaltyAccounts.id, upAndDown.accountId));
    await handle.db.update(schema.loyaltyAccounts).set({ tierCode: 'bronze' }).where(eq(schema.loyaltyAccounts.id, downgraded.accountId));

    expect(await planned(b.brandId, 'tier-upgrade')).toEqual({ 'tier-upgrade:2026-11-18': ids(upgraded) });
    await expectInvariants(handle.db);
  });

  it('reminds members of points expiring in the week two weeks ahead, once per week of expiries', async () => {
    const b = await brandWith('points-expiry');
    // Today + 14 days = Wednesday 2 December, in week 2026-W49 (30 November – 6 December, Dubai).
    const inWeek = await createMember(deps, b.brandId);
    await post(deps, inWeek.accountId, 'earn', 300, new Date('2026-12-03T12:00:00Z'));
    const lateSunday = await createMember(deps, b.brandId);
    await post(deps, lateSunday.accountId, 'earn', 300, new Date('2026-12-06T19:00:00Z')); // 23:00 Sunday in Dubai
    const nextWeek = await createMember(deps, b.brandId);
    await post(deps, nextWeek.accountId, 'earn', 300, new Date('2026-12-06T20:30:00Z')); // 00:30 Monday in Dubai
    const spent = await createMember(deps, b.brandId);
    await post(deps, spent.accountId, 'earn', 300, new Date('2026-12-03T12:00:00Z'));
    await post(deps, spent.accountId, 'redeem', -300);
    const never = await createMember(deps, b.brandId);
    await post(deps, never.accountId, 'earn', 300, null);

    expect(await planned(b.brandId, 'points-expiry')).toEqual({ 'points-expiry:2026-W49': ids(inWeek, lateSunday) });
    const [preview] = await previewAutomations(deps, { brandId: b.brandId });
    expect(preview!.content.en).toContain('by 6 December');
    expect(preview!.content.zh).toContain('12月6日');
    // Thursday's run looks at the same week of expiries: the same key, so no second reminder.
    clock.set(new Date('2026-11-19T06:30:00Z'));
    expect(Object.keys(await planned(b.brandId, 'points-expiry'))).toEqual(['points-expiry:2026-W49']);
    await expectInvariants(handle.db);
  });

  it('greets the whole brand on a seasonal event day only', async () => {
    const b = await brandWith('seasonal', { events: { 'chinese-new-year': { enabled: false } } });
    const a = await createMember(deps, b.brandId);
    const c = await createMember(deps, b.brandId);
    clock.set(new Date('2026-12-02T06:30:00Z'));
    expect(await planned(b.brandId, 'seasonal')).toEqual({ 'seasonal:uae-national-day:2026': ids(a, c) });
    clock.set(new Date('2026-12-03T06:30:00Z'));
    expect(await planned(b.brandId, 'seasonal')).toEqual({});
    // 09:00 on the day is still the eve's run: the greeting starts with the 10:00 run, never at midnight.
    clock.set(new Date('2026-12-02T05:00:00Z'));
    expect(await planned(b.brandId, 'seasonal')).toEqual({});
    clock.set(new Date('2026-02-18T06:30:00Z'));
    expect(Object.keys(await planned(b.brandId, 'seasonal'))).toEqual(['seasonal:ramadan:2026']);
    // Chinese New Year (17 February 2026) is switched off for this brand.
    clock.set(new Date('2026-02-17T06:30:00Z'));
    expect(await planned(b.brandId, 'seasonal')).toEqual({});
    // The brand follows the announced date of Eid al-Fitr (a day after Umm al-Qura's 20 March).
    await updateAutomation(deps, { brandId: b.brandId, key: 'seasonal', settings: { events: { 'eid-al-fitr': { dates: { '2026': '2026-03-21' } } } } });
    clock.set(new Date('2026-03-20T06:30:00Z'));
    expect(await planned(b.brandId, 'seasonal')).toEqual({});
    clock.set(new Date('2026-03-21T06:30:00Z'));
    expect(Object.keys(await planned(b.brandId, 'seasonal'))).toEqual(['seasonal:eid-al-fitr:2026']);
  });

  it('refuses bad settings when they are edited, and skips an automation whose stored settings are bad', async () => {
    const b = await brandWith('birthday');
    expect(await updateAutomation(deps, { brandId: b.brandId, key: 'birthday', settings: { rewardPoints: -5 } })).toMatchObject({ status: 'invalid_settings' });
    expect(await updateAutomation(deps, { brandId: b.brandId, key: 'birthday', settings: { texts: { en: 'Hi {nickname}' } } })).toMatchObject({
      status: 'invalid_settings',
      error: expect.stringContaining('{nickname}') as unknown,
    });
    expect(await updateAutomation(deps, { brandId: b.brandId, key: 'nope' })).toEqual({ status: 'unknown_automation', key: 'nope' });
    expect(await updateAutomation(deps, { brandId: b.brandId, key: 'seasonal', settings: { events: { ramadan: { dates: { '2026': '2027-02-08' } } } } })).toMatchObject({
      status: 'invalid_settings',
      error: expect.stringContaining('not in 2026') as unknown,
    });
    // Settings written behind the module's back (or valid under an older version).
    await handle.db.update(schema.automations).set({ settings: { rewardPoint: 100 } }).where(eq(schema.automations.brandId, b.brandId));
    await createMember(deps, b.brandId, { birthday: '1990-11-20' });
    const runs = await runAutomations(deps, { brandId: b.brandId });
    expect(runs).toEqual([expect.objectContaining({ automation: 'birthday', status: 'invalid_settings', campaignId: null })]);
    expect(runs[0]!.reason).toContain('rewardPoint');
    const list = await listAutomations(deps, { brandId: b.brandId });
    expect(list.find((a) => a.key === 'birthday')).toMatchObject({ enabled: true, settingsError: expect.stringContaining('rewardPoint') as unknown });
    expect(list.find((a) => a.key === 'welcome')).toMatchObject({ enabled: false, settingsError: null });
  });

  it('enables the default automations once', async () => {
    clock.set(NOW);
    const b = await createBrand(handle.db);
    expect((await enableDefaultAutomations(deps, { brandId: b.brandId })).added).toEqual(['welcome', 'birthday', 'win-back', 'tier-upgrade', 'points-expiry', 'seasonal']);
    expect((await enableDefaultAutomations(deps, { brandId: b.brandId })).added).toEqual([]);
    expect((await listAutomations(deps, { brandId: b.brandId })).every((a) => a.enabled && a.settingsError === null)).toBe(true);
    // A disabled automation does nothing.
    await updateAutomation(deps, { brandId: b.brandId, key: 'seasonal', enabled: false });
    clock.set(new Date('2026-12-02T06:30:00Z'));
    await createMember(deps, b.brandId);
    expect(await runAutomation(deps, { brandId: b.brandId, automation: 'seasonal' })).toEqual([]);
  });

  /** The customers a campaign has send rows for, sorted. */
  async function sendsOf(campaignId: number | null): Promise<string[]> {
    if (campaignId === null) return [];
    const rows = await handle.db.select({ customerId: schema.campaignSends.customerId }).from(schema.campaignSends).where(eq(schema.campaignSends.campaignId, campaignId));
    return rows.map((r) => r.customerId).sort();
  }
  const customers = (...ms: MemberFixture[]) => ms.map((m) => m.customerId).sort();
  const count = async (table: string) => Number(rowsOf<{ n: number | string }>(await handle.db.execute(sql.raw(`select count(*) as n from ${table}`)))[0]!.n);

  it('launches one campaign per period through the campaign engine, and nothing new on a second run', async () => {
    clock.set(NOW);
    const b = await createBrand(handle.db);
    await enableDefaultAutomations(deps, { brandId: b.brandId });
    const longAgo = new Date(NOW.getTime() - 400 * DAY);
    const newcomer = await createMember(deps, b.brandId);
    await setEnrolled(newcomer, new Date('2026-11-17T12:00:00Z'));
    const birthday = await createMember(deps, b.brandId, { birthday: '1992-11-19' });
    await setEnrolled(birthday, longAgo);
    const lapsed = await createMember(deps, b.brandId);
    await setEnrolled(lapsed, longAgo);
    expect((await recordTransaction(deps, purchase(b, { memberCode: lapsed.memberCode }, new Date(NOW.getTime() - 60 * DAY - HOUR), [5_000]))).status).toBe('recorded');
    const quiet = await createMember(deps, b.brandId);
    await setEnrolled(quiet, longAgo);

    const first = await runAutomations(deps, { brandId: b.brandId });
    expect(first.map((r) => [r.automationKey, r.status])).toEqual([
      ['welcome-1:2026-11-18', 'launched'],
      ['welcome-2:2026-11-18', 'empty'],
      ['birthday:2026-W47', 'launched'],
      ['winback:60d:2026-11-18', 'launched'],
      ['tier-upgrade:2026-11-18', 'empty'],
      ['points-expiry:2026-W49', 'empty'],
    ]);
    const byKey = (key: string) => first.find((r) => r.automationKey === key)!;
    expect(await sendsOf(byKey('welcome-1:2026-11-18').campaignId)).toEqual(customers(newcomer));
    expect(await sendsOf(byKey('birthday:2026-W47').campaignId)).toEqual(customers(birthday));
    expect(await sendsOf(byKey('winback:60d:2026-11-18').campaignId)).toEqual(customers(lapsed));
    expect(byKey('birthday:2026-W47')).toMatchObject({ audience: 1, credited: 1 });
    const [campaign] = await handle.db.select().from(schema.campaigns).where(eq(schema.campaigns.id, byKey('birthday:2026-W47').campaignId!));
    expect(campaign).toMatchObject({ kind: 'automation', automationKey: 'birthday:2026-W47', status: 'sending' });
    const [variant] = await handle.db.select().from(schema.campaignVariants).where(eq(schema.campaignVariants.campaignId, campaign!.id));
    expect(variant!.content.en).toContain('200 bonus points');
    expect(variant!.content.ar).toContain('{first_name}');
    expect((await ledger(handle.db, birthday.accountId)).filter((e) => e.kind === 'bonus')).toEqual([expect.objectContaining({ points: 200 })]);

    // The same day again (a retried job, a second worker, a manual run): nothing new anywhere.
    const before = { campaigns: await count('campaigns'), sends: await count('campaign_sends'), ledger: await count('points_ledger') };
    clock.advance(3 * HOUR);
    const second = await runAutomations(deps, { brandId: b.brandId });
    expect(second.map((r) => [r.automationKey, r.status, r.campaignId])).toEqual(first.map((r) => [r.automationKey, r.status === 'launched' ? 'exists' : r.status, r.campaignId]));
    expect({ campaigns: await count('campaigns'), sends: await count('campaign_sends'), ledger: await count('points_ledger') }).toEqual(before);
    await expectInvariants(handle.db);
  });

  it('runs as scheduled jobs per brand, ignoring brands it does not serve', async () => {
    clock.set(new Date('2026-12-02T06:30:00Z'));
    const b = await createBrand(handle.db);
    await enableDefaultAutomations(deps, { brandId: b.brandId });
    const a = await createMember(deps, b.brandId);
    const c = await createMember(deps, b.brandId);
    const queue = new InProcessJobQueue({ log: silentLog });
    try {
      const declare = registerAutomationJobs(queue, deps, { brandIds: [b.brandId] });
      await declare();
      await queue.start();
      await queue.enqueue(AUTOMATION_JOBS.seasonal, { brandId: 'someone-else' });
      await queue.enqueue(AUTOMATION_JOBS.seasonal, { brandId: b.brandId });
      const campaign = await eventually(async () => {
        const [row] = await handle.db.select().from(schema.campaigns).where(eq(schema.campaigns.automationKey, 'seasonal:uae-national-day:2026'));
        expect(row?.brandId).toBe(b.brandId);
        return row!;
      });
      expect(await sendsOf(campaign.id)).toEqual(customers(a, c));
      expect(campaign.name).toContain('uae-national-day');
    } finally {
      await queue.close();
    }
  });
});
