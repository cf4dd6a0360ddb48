import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { createBrand, createMember, createStore, DAY, type BrandFixture } from '../../test/helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { ManualClock, silentLog, type CoreDeps } from '../shared/index.js';
import {
  attachTicket,
  dueSurveys,
  intoWakingHours,
  markSent,
  npsReport,
  parseScore,
  recordReason,
  recordScore,
  scheduleAfterPurchase,
  scheduleRelationshipRound,
  sendDueSurveys,
  type SurveyToSend,
} from './index.js';

const HOUR = 3_600_000;
/** A Dubai wall time (UTC+4, no daylight saving) as an instant. */
const dubai = (iso: string) => new Date(new Date(`${iso}Z`).getTime() - 4 * HOUR);

describe('intoWakingHours', () => {
  const w = { from: '09:00', until: '21:00' };
  it('keeps times inside the window and moves the others to the next opening', () => {
    expect(intoWakingHours(dubai('2026-03-10T14:00'), w, 'Asia/Dubai')).toEqual(dubai('2026-03-10T14:00'));
    expect(intoWakingHours(dubai('2026-03-10T06:30'), w, 'Asia/Dubai')).toEqual(dubai('2026-03-10T09:00'));
    expect(intoWakingHours(dubai('2026-03-10T21:00'), w, 'Asia/Dubai')).toEqual(dubai('2026-03-11T09:00'));
    expect(intoWakingHours(dubai('2026-03-10T23:59'), w, 'Asia/Dubai')).toEqual(dubai('2026-03-11T09:00'));
  });
  it('handles a window across midnight and a zone with daylight saving', () => {
    const night = { from: '20:00', until: '02:00' };
    expect(intoWakingHours(dubai('2026-03-10T01:00'), night, 'Asia/Dubai')).toEqual(dubai('2026-03-10T01:00'));
    expect(intoWakingHours(dubai('2026-03-10T03:00'), night, 'Asia/Dubai')).toEqual(dubai('2026-03-10T20:00'));
    // New York, the night clocks go forward (8 March 2026): 23:30 EST → 09:00 EDT = 13:00Z.
    expect(intoWakingHours(new Date('2026-03-08T04:30:00Z'), w, 'America/New_York')).toEqual(new Date('2026-03-08T13:00:00Z'));
  });
});

describe('parseScore', () => {
  it.each([
    ['8', 8], ['10', 10], ['0', 0], ['ten', 10], ['I would say nine', 9], ['عشرة', 10], ['٧', 7], ['تسعه', 9], ['十', 10], ['十分', 10], ['九分', 9], ['8/10', 8], ['8 out of 10', 8], ['٨ من ١٠', 8], [7, 7],
  ] as const)('reads %s as %d', (text, score) => {
    expect(parseScore(text)).toEqual({ status: 'ok', score });
  });
  it.each([
    ['11', 'out_of_range'], ['-1', 'out_of_range'], ['7.5', 'out_of_range'], ['eleven', 'out_of_range'], ['100', 'out_of_range'], ['great shop', 'not_a_number'], ['between 6 and 8', 'ambiguous'],
  ] as const)('refuses %s (%s)', (text, reason) => {
    expect(parseScore(text)).toMatchObject({ status: 'invalid_score', reason });
  });
});

describe.each(testDbKinds)('surveys on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let b: BrandFixture;
  let surveyId: string;

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(dubai('2026-03-10T12:00'));
    deps = { db: handle.db, clock, log: silentLog };
    b = await createBrand(handle.db);
    const [s] = await handle.db
      .insert(schema.surveys)
      .values({ brandId: b.brandId, kind: 'post_purchase', delayMinutes: 120, sendFrom: '09:00', sendUntil: '21:00', minDaysBetween: 30, reviewUrl: 'https://g.page/r/review' })
      .returning();
    surveyId = s!.id;
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  const responses = () => handle.db.select().from(schema.surveyResponses).orderBy(schema.surveyResponses.id);

  /** Records a consent decision for a purpose the consent module does not type yet ('surveys'). */
  const consent = (customerId: string, purpose: 'surveys' | 'marketing', granted: boolean, channel = 'web') =>
    handle.db.insert(schema.consentRecords).values({ customerId, purpose, channel, granted, wordingVersion: 's-1', source: 'test', recordedAt: clock.now() });

  /** A member (web chat identity) who agreed to surveys. */
  const surveyable = async () => {
    const m = await createMember(deps, b.brandId);
    await consent(m.customerId, 'surveys', true);
    return m.customerId;
  };

  const buy = (customerId: string, occurredAt: Date, transactionId: string = randomUUID()) =>
    scheduleAfterPurchase(deps, { brandId: b.brandId, customerId, transactionId, storeId: b.storeId, occurredAt });

  /** Schedules, then marks sent at `sentAt`; returns the response id. */
  const sentSurvey = async (customerId: string, sentAt: Date) => {
    clock.set(sentAt);
    const scheduled = await buy(customerId, sentAt);
    if (scheduled.status !== 'scheduled') throw new Error(`not scheduled: ${JSON.stringify(scheduled)}`);
    await markSent(deps, { id: scheduled.response.id, channel: 'web', sentAt });
    return scheduled.response.id;
  };

  describe('scheduling after a purchase', () => {
    it('is due after the delay, moved into the store’s waking hours (across midnight in Asia/Dubai)', async () => {
      const cases: Array<[string, string]> = [
        ['2026-03-10T14:00', '2026-03-10T16:00'], // inside: +2 h
        ['2026-03-10T20:30', '2026-03-11T09:00'], // +2 h = 22:30: next morning
        ['2026-03-10T23:30', '2026-03-11T09:00'], // +2 h = 01:30 the next day: that morning
        ['2026-03-11T05:00', '2026-03-11T09:00'], // +2 h = 07:00: the same morning
      ];
      for (const [bought, due] of cases) {
        clock.set(dubai(bought));
        const result = await buy(await surveyable(), dubai(bought));
        expect(result.status).toBe('scheduled');
        if (result.status === 'scheduled') expect(result.response.dueAt).toEqual(dubai(due));
      }
    });

    it('uses the store’s zone, not the brand’s', async () => {
      const taipei = await createStore(handle.db, b.brandId, { timezone: 'Asia/Taipei' });
      const at = dubai('2026-03-10T18:00'); // 22:00 in Taipei: +2 h is past 21:00 there
      clock.set(at);
      const result = await scheduleAfterPurchase(deps, { brandId: b.brandId, customerId: await surveyable(), transactionId: randomUUID(), storeId: taipei, occurredAt: at });
      expect(result.status === 'scheduled' && result.response.dueAt).toEqual(new Date('2026-03-11T01:00:00Z')); // 09:00 Taipei
    });

    it('skips a purchase reported more than MAX_PURCHASE_AGE_DAYS late', async () => {
      const customerId = await surveyable();
      expect(await buy(customerId, new Date(clock.now().getTime() - 4 * DAY))).toEqual({ status: 'skipped', reason: 'stale_purchase' });
      expect(await buy(customerId, new Date(clock.now().getTime() - 2 * DAY))).toMatchObject({ status: 'scheduled' });
    });

    it('is once per transaction: a repeated call is a no-op', async () => {
      const customerId = await surveyable();
      const tx = randomUUID();
      const first = await buy(customerId, clock.now(), tx);
      const again = await buy(customerId, clock.now(), tx);
      expect(first.status).toBe('scheduled');
      expect(again).toMatchObject({ status: 'duplicate', response: { id: first.status === 'scheduled' ? first.response.id : -1 } });
      expect(await responses()).toHaveLength(1);
    });

    it('skips a customer surveyed within minDaysBetween days, and not after', async () => {
      const customerId = await surveyable();
      await sentSurvey(customerId, dubai('2026-03-10T12:00'));
      clock.set(dubai('2026-03-25T12:00')); // 15 days later
      expect(await buy(customerId, clock.now())).toEqual({ status: 'skipped', reason: 'recently_surveyed' });
      clock.set(dubai('2026-04-10T12:00')); // 31 days later
      expect((await buy(customerId, clock.now())).status).toBe('scheduled');
      // One still waiting to be sent also counts.
      expect(await buy(customerId, clock.now())).toEqual({ status: 'skipped', reason: 'recently_surveyed' });
      expect(await responses()).toHaveLength(2);
    });

    it('skips a customer without consent; marketing consent is the fallback; a "no" to surveys wins', async () => {
      const none = (await createMember(deps, b.brandId)).customerId; // enrolled without marketing opt-in
      expect(await buy(none, clock.now())).toEqual({ status: 'skipped', reason: 'no_consent' });

      const marketing = (await createMember(deps, b.brandId)).customerId;
      await consent(marketing, 'marketing', true);
      expect((await buy(marketing, clock.now())).status).toBe('scheduled');

      const refused = (await createMember(deps, b.brandId)).customerId;
      await consent(refused, 'marketing', true);
      await consent(refused, 'surveys', false);
      expect(await buy(refused, clock.now())).toEqual({ status: 'skipped', reason: 'no_consent' });

      // Consent on another channel than the one they are reachable on does not count.
      const elsewhere = (await createMember(deps, b.brandId)).customerId;
      await consent(elsewhere, 'surveys', true, 'whatsapp');
      expect(await buy(elsewhere, clock.now())).toEqual({ status: 'skipped', reason: 'no_consent' });
      expect(await responses()).toHaveLength(1);
    });

    it('skips a customer whose only identity is unreachable', async () => {
      const customerId = await surveyable();
      await handle.db.update(schema.channelIdentities).set({ unreachableAt: clock.now() }).where(eq(schema.channelIdentities.customerId, customerId));
      expect(await buy(customerId, clock.now())).toEqual({ status: 'skipped', reason: 'unreachable' });
      expect(await responses()).toHaveLength(0);
    });

    it('skips when the brand has no active post-purchase survey', async () => {
      await handle.db.update(schema.surveys).set({ active: false }).where(eq(schema.surveys.id, surveyId));
      expect(await buy(await surveyable(), clock.now())).toEqual({ status: 'skipped', reason: 'no_active_survey' });
    });
  });

  describe('sending', () => {
    it('hands due surveys to send, marks them sent or skipped, and leaves the rest', async () => {
      const ok = await surveyable();
      const blocked = await surveyable();
      const gone = await surveyable();
      const later = await surveyable();
      clock.set(dubai('2026-03-10T10:00'));
      for (const c of [ok, blocked, gone]) await buy(c, clock.now());
      clock.set(dubai('2026-03-10T11:00'));
      await buy(later, clock.now()); // due 13:00
      // Withdrew by blocking us between scheduling and sending: skipped without a send.
      await handle.db.update(schema.channelIdentities).set({ unreachableAt: clock.now() }).where(eq(schema.channelIdentities.customerId, gone));

      clock.set(dubai('2026-03-10T12:30'));
      expect((await dueSurveys(deps, { now: clock.now() })).map((d) => d.customerId).sort()).toEqual([ok, blocked, gone].sort());
      const asked: SurveyToSend[] = [];
      const counts = await sendDueSurveys(deps, (due) => {
        asked.push(due);
        return Promise.resolve(due.customerId === blocked ? 'unreachable' : 'sent');
      });
      expect(counts).toEqual({ sent: 1, skipped: 2, deferred: 0, failed: 0 });
      expect(asked.map((a) => [a.customerId, a.channel, a.kind]).sort()).toEqual([[ok, 'web', 'post_purchase'], [blocked, 'web', 'post_purchase']].sort());
      const byCustomer = new Map((await responses()).map((r) => [r.customerId, r]));
      expect(byCustomer.get(ok)).toMatchObject({ status: 'sent', channel: 'web', sentAt: dubai('2026-03-10T12:30') });
      expect(byCustomer.get(blocked)?.status).toBe('skipped');
      expect(byCustomer.get(gone)?.status).toBe('skipped');
      expect(byCustomer.get(later)?.status).toBe('scheduled');
      // A second run sends nothing again.
      expect(await sendDueSurveys(deps, () => Promise.reject(new Error('must not be called')))).toEqual({ sent: 0, skipped: 0, deferred: 0, failed: 0 });
    });

    it('puts a survey off when the sender says "later": still scheduled, tried again after the lease', async () => {
      const c = await surveyable();
      await buy(c, clock.now());
      clock.advance(3 * HOUR);
      expect(await sendDueSurveys(deps, () => Promise.resolve('later'))).toEqual({ sent: 0, skipped: 0, deferred: 1, failed: 0 });
      expect((await responses())[0]?.status).toBe('scheduled');
      expect(await sendDueSurveys(deps, () => Promise.reject(new Error('claimed: must not be called')))).toEqual({ sent: 0, skipped: 0, deferred: 0, failed: 0 });
      clock.advance(16 * 60_000);
      expect(await sendDueSurveys(deps, () => Promise.resolve('sent'))).toEqual({ sent: 1, skipped: 0, deferred: 0, failed: 0 });
    });

    it('puts a survey off into the store’s waking hours: "later" at 23:30 is tried at 09:00, not at 23:45', async () => {
      const c = await surveyable();
      await buy(c, clock.now()); // due 14:00
      clock.set(dubai('2026-03-10T23:30'));
      expect(await sendDueSurveys(deps, () => Promise.resolve('later'))).toMatchObject({ deferred: 1 });
      expect((await responses())[0]).toMatchObject({ status: 'scheduled', dueAt: dubai('2026-03-11T09:00') });
      clock.set(dubai('2026-03-10T23:50'));
      expect(await sendDueSurveys(deps, () => Promise.reject(new Error('night: must not be called')))).toMatchObject({ sent: 0, deferred: 0 });
      // A failure at 20:50 (its lease ends at 21:05, past the window) waits for the morning too; one at 09:00 for the lease.
      clock.set(dubai('2026-03-11T09:00'));
      expect(await sendDueSurveys(deps, () => Promise.reject(new Error('platform down')))).toMatchObject({ failed: 1 });
      expect((await responses())[0]?.dueAt).toEqual(dubai('2026-03-11T09:15'));
      clock.set(dubai('2026-03-11T20:50'));
      expect(await sendDueSurveys(deps, () => Promise.reject(new Error('platform down')))).toMatchObject({ failed: 1 });
      expect((await responses())[0]?.dueAt).toEqual(dubai('2026-03-12T09:00'));
    });

    it('uses the store’s zone when putting a survey off', async () => {
      const taipei = await createStore(handle.db, b.brandId, { timezone: 'Asia/Taipei' });
      const customerId = await surveyable();
      await scheduleAfterPurchase(deps, { brandId: b.brandId, customerId, transactionId: randomUUID(), storeId: taipei, occurredAt: clock.now() });
      clock.set(new Date('2026-03-10T12:50:00Z')); // 20:50 in Taipei, 16:50 in Dubai
      expect(await sendDueSurveys(deps, () => Promise.resolve('later'))).toMatchObject({ deferred: 1 });
      expect((await responses())[0]?.dueAt).toEqual(new Date('2026-03-11T01:00:00Z')); // 09:00 Taipei
    });

    it('retries a failed send after the lease, never twice at once', async () => {
      const c = await surveyable();
      await buy(c, clock.now());
      clock.advance(3 * HOUR);
      expect(await sendDueSurveys(deps, () => Promise.reject(new Error('platform down')))).toEqual({ sent: 0, skipped: 0, deferred: 0, failed: 1 });
      expect(await dueSurveys(deps, { now: clock.now() })).toHaveLength(0); // claimed
      clock.advance(16 * 60_000);
      expect(await sendDueSurveys(deps, () => Promise.resolve('sent'))).toEqual({ sent: 1, skipped: 0, deferred: 0, failed: 0 });
    });
  });

  describe('answers', () => {
    it('refuses "11", and records words and Chinese numerals as scores', async () => {
      const a = await surveyable();
      await sentSurvey(a, clock.now());
      expect(await recordScore(deps, { brandId: b.brandId, customerId: a, score: '11', at: clock.now() })).toEqual({ status: 'invalid_score', reason: 'out_of_range', value: 11 });
      const ten = await recordScore(deps, { brandId: b.brandId, customerId: a, score: 'ten', at: clock.now() });
      expect(ten).toMatchObject({ status: 'recorded', score: 10, category: 'promoter', reviewUrl: 'https://g.page/r/review' });

      const ar = await surveyable();
      await sentSurvey(ar, clock.now());
      expect(await recordScore(deps, { brandId: b.brandId, customerId: ar, score: 'عشرة', at: clock.now() })).toMatchObject({ status: 'recorded', score: 10 });

      const zh = await surveyable();
      await sentSurvey(zh, clock.now());
      expect(await recordScore(deps, { brandId: b.brandId, customerId: zh, score: '十分', at: clock.now() })).toMatchObject({ status: 'recorded', score: 10 });

      const passive = await surveyable();
      await sentSurvey(passive, clock.now());
      const eight = await recordScore(deps, { brandId: b.brandId, customerId: passive, score: 8, at: clock.now() });
      expect(eight).toMatchObject({ status: 'recorded', category: 'passive' });
      expect(eight).not.toHaveProperty('reviewUrl');

      // Answered: nothing waits for a second score.
      expect(await recordScore(deps, { brandId: b.brandId, customerId: a, score: 3, at: clock.now() })).toEqual({ status: 'no_survey' });
      expect((await responses()).map((r) => r.score)).toEqual([10, 10, 10, 8]);
    });

    it('expires a survey answered more than 7 days after it was sent', async () => {
      const c = await surveyable();
      const id = await sentSurvey(c, clock.now());
      clock.advance(7 * DAY - 60_000);
      const fresh = await surveyable();
      await sentSurvey(fresh, clock.now());
      clock.advance(2 * 60_000); // c's survey is now 7 days + 1 minute old
      expect(await recordScore(deps, { brandId: b.brandId, customerId: c, score: 9, at: clock.now() })).toEqual({ status: 'expired', responseId: id });
      expect(await recordScore(deps, { brandId: b.brandId, customerId: c, score: 9, at: clock.now() })).toEqual({ status: 'no_survey' });
      expect((await recordScore(deps, { brandId: b.brandId, customerId: fresh, score: 9, at: clock.now() })).status).toBe('recorded');
      const [row] = await handle.db.select().from(schema.surveyResponses).where(eq(schema.surveyResponses.id, id));
      expect(row).toMatchObject({ status: 'expired', score: null });
    });

    it('returns the ticket request for a detractor’s reason, and attaches the ticket once', async () => {
      const c = await surveyable();
      const id = await sentSurvey(c, clock.now());
      const scored = await recordScore(deps, { brandId: b.brandId, customerId: c, score: '3', at: clock.now() });
      expect(scored).toEqual({ status: 'recorded', responseId: id, score: 3, category: 'detractor' });
      const reason = await recordReason(deps, { responseId: id, reason: 'The cashier was rude and I waited 20 minutes' });
      expect(reason).toMatchObject({ status: 'recorded', openTicket: true, ticket: { responseId: id, brandId: b.brandId, customerId: c, storeId: b.storeId, score: 3, reason: 'The cashier was rude and I waited 20 minutes' } });
      if (reason.status !== 'recorded' || !reason.openTicket) throw new Error('no ticket request');
      expect(reason.ticket.sentiment).toBeLessThan(0);
      expect(await recordReason(deps, { responseId: id, reason: 'again' })).toEqual({ status: 'already_recorded' });

      const [ticket] = await handle.db
        .insert(schema.tickets)
        .values({ brandId: b.brandId, customerId: c, category: 'complaint', priority: 'normal', source: 'survey', description: 'x', firstResponseDueAt: clock.now(), resolutionDueAt: clock.now() })
        .returning({ id: schema.tickets.id });
      expect(await attachTicket(deps, { responseId: id, ticketId: ticket!.id })).toEqual({ status: 'attached' });
      expect(await attachTicket(deps, { responseId: id, ticketId: ticket!.id })).toEqual({ status: 'already_attached', ticketId: ticket!.id });
      const [row] = await handle.db.select().from(schema.surveyResponses).where(eq(schema.surveyResponses.id, id));
      expect(row).toMatchObject({ ticketId: ticket!.id, reason: 'The cashier was rude and I waited 20 minutes' });
      expect(row!.sentiment).toBeLessThan(0);
    });

    it('asks no ticket for a promoter’s reason, and stores no reason before a score', async () => {
      const c = await surveyable();
      const id = await sentSurvey(c, clock.now());
      expect(await recordReason(deps, { responseId: id, reason: 'lovely staff' })).toEqual({ status: 'not_answered' });
      await recordScore(deps, { brandId: b.brandId, customerId: c, score: '٩', at: clock.now() });
      const reason = await recordReason(deps, { responseId: id, reason: 'الموظفين وايد محترمين' });
      expect(reason).toMatchObject({ status: 'recorded', openTicket: false });
      expect(reason.status === 'recorded' && reason.sentiment).toBeGreaterThan(0);
    });
  });

  describe('relationship rounds', () => {
    it('schedules members not surveyed recently, with consent, once per round', async () => {
      await handle.db.insert(schema.surveys).values({ brandId: b.brandId, kind: 'relationship', everyDays: 90, minDaysBetween: 30 });
      const fresh = await surveyable();
      const recent = await surveyable();
      await sentSurvey(recent, dubai('2026-03-01T12:00'));
      await createMember(deps, b.brandId); // no consent
      const now = dubai('2026-03-10T22:00');
      clock.set(now);
      expect(await scheduleRelationshipRound(deps, { brandId: b.brandId, now })).toEqual({ scheduled: 1, skipped: { recently_surveyed: 1, unreachable: 0, no_consent: 1 } });
      const [row] = await handle.db.select().from(schema.surveyResponses).where(and(eq(schema.surveyResponses.customerId, fresh)));
      expect(row).toMatchObject({ status: 'scheduled', transactionId: null, storeId: null, dueAt: dubai('2026-03-11T09:00') });
      expect((await scheduleRelationshipRound(deps, { brandId: b.brandId, now })).scheduled).toBe(0);
    });
  });

  describe('npsReport', () => {
    it('computes sent, responses, rate, categories and NPS overall, per store and per month', async () => {
      const storeB = await createStore(handle.db, b.brandId);
      const other = await createBrand(handle.db);
      const customerId = (await createMember(deps, b.brandId)).customerId;
      const row = (storeId: string, sentAt: Date | null, score: number | null, brandId = b.brandId, status?: string) => ({
        brandId,
        surveyId,
        customerId,
        storeId,
        channel: 'web',
        status: status ?? (sentAt === null ? 'scheduled' : score === null ? 'sent' : 'answered'),
        dueAt: sentAt ?? clock.now(),
        sentAt,
        score,
      });
      const jan = dubai('2026-01-15T12:00');
      const feb = dubai('2026-02-10T12:00');
      await handle.db.insert(schema.surveyResponses).values([
        // Store A, January: scores 10, 9, 9, 3 and one unanswered → sent 5, responses 4, P 3, Pa 0, D 1.
        ...[10, 9, 9, 3, null].map((s) => row(b.storeId, jan, s)),
        // Store B, February: scores 6, 0, 10, two unanswered, and one sent at 21:00Z on 31 January = 01:00 on
        // 1 February in Dubai → sent 6, responses 3, P 1, Pa 0, D 2.
        ...[6, 0, 10, null, null].map((s) => row(storeB, feb, s)),
        row(storeB, new Date('2026-01-31T21:00:00Z'), null, b.brandId, 'expired'),
        // Outside the report: before the period, never sent (scheduled, skipped), another brand.
        row(b.storeId, dubai('2025-12-31T12:00'), 0),
        row(b.storeId, null, null),
        row(b.storeId, null, null, b.brandId, 'skipped'),
      ]);
      const otherSurvey = await handle.db.insert(schema.surveys).values({ brandId: other.brandId, kind: 'post_purchase' }).returning();
      await handle.db.insert(schema.surveyResponses).values({ ...row(other.storeId, jan, 0, other.brandId), surveyId: otherSurvey[0]!.id });

      const range = { brandId: b.brandId, from: dubai('2026-01-01T00:00'), to: dubai('2026-03-01T00:00') };
      // Overall: sent 11, responses 7 (63.6 %), P 4, Pa 0, D 3 → NPS = (4 − 3) / 7 = 14.3.
      const overall = await npsReport(deps, range);
      expect(overall).toEqual({ sent: 11, responses: 7, responseRate: 63.6, promoters: 4, passives: 0, detractors: 3, nps: 14.3 });

      const byStore = await npsReport(deps, { ...range, groupBy: 'store' });
      expect(byStore).toMatchObject({ sent: 11, nps: 14.3 });
      expect(new Map(byStore.groups!.map((g) => [g.key, g]))).toEqual(
        new Map([
          // A: (3 − 1) / 4 = 50.0; 4 of 5 answered = 80.0 %.
          [b.storeId, { key: b.storeId, sent: 5, responses: 4, responseRate: 80, promoters: 3, passives: 0, detractors: 1, nps: 50 }],
          // B: (1 − 2) / 3 = −33.3; 3 of 6 = 50.0 %.
          [storeB, { key: storeB, sent: 6, responses: 3, responseRate: 50, promoters: 1, passives: 0, detractors: 2, nps: -33.3 }],
        ]),
      );

      const byMonth = await npsReport(deps, { ...range, groupBy: 'month' });
      expect(byMonth.groups).toEqual([
        { key: '2026-01', sent: 5, responses: 4, responseRate: 80, promoters: 3, passives: 0, detractors: 1, nps: 50 },
        { key: '2026-02', sent: 6, responses: 3, responseRate: 50, promoters: 1, passives: 0, detractors: 2, nps: -33.3 },
      ]);

      const storeOnly = await npsReport(deps, { ...range, storeId: storeB });
      expect(storeOnly).toEqual({ sent: 6, responses: 3, responseRate: 50, promoters: 1, passives: 0, detractors: 2, nps: -33.3 });

      expect(await npsReport(deps, { ...range, from: dubai('2027-01-01T00:00'), to: dubai('2027-02-01T00:00') })).toEqual({
        sent: 0, responses: 0, responseRate: null, promoters: 0, passives: 0, detractors: 0, nps: null,
      });
    });
  });
});
