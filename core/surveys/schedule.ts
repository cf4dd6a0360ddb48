// Deciding who gets an NPS survey and when. A survey is only scheduled for a customer we can reach (a channel identity
// not marked unreachable) who agreed to be asked (consent for 'surveys' on that channel, or, as a documented fallback,
// marketing consent there), who was not surveyed in the last `minDaysBetween` days, and it is due inside the store's
// waking hours. Skips create no row: there is nothing to send and no reason column to keep, and a row per refused
// purchase would only grow the table. Rows are 'skipped' only when a scheduled survey turns out unsendable later.
import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, notExists, or, sql } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { intoWakingHours } from './waking-hours.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A survey definition row. */
export type Survey = typeof schema.surveys.$inferSelect;
/** A survey response row (scheduled, sent, answered, expired or skipped). */
export type SurveyResponse = typeof schema.surveyResponses.$inferSelect;

/** Why a survey was not scheduled. */
export type SkipReason = 'no_active_survey' | 'stale_purchase' | 'recently_surveyed' | 'unreachable' | 'no_consent';

/**
 * A purchase reported this long after it happened gets no survey: a historical import or a till catching up on old
 * receipts would otherwise ask everyone about a visit weeks ago, all at once.
 */
export const MAX_PURCHASE_AGE_DAYS = 3;

/** What scheduling did; a skip writes nothing. */
export type ScheduleResult =
  | { status: 'scheduled'; response: SurveyResponse }
  /** This purchase already has its survey (a retried call). */
  | { status: 'duplicate'; response: SurveyResponse }
  | { status: 'skipped'; reason: SkipReason };

/** The channel a customer can be asked on, or why there is none. */
export type ContactResult = { status: 'ok'; channel: string } | { status: 'unreachable' } | { status: 'no_consent' };

/**
 * The channel to ask a customer on: their most recently added identity that is not marked unreachable and on which
 * they consented. Consent is purpose 'surveys' on that channel; when they were never asked about surveys there,
 * granted marketing consent counts (an NPS question is a lighter contact than marketing). An explicit "no" to surveys
 * wins over a marketing "yes".
 */
export async function contactChannel(db: Db, input: { brandId: string; customerId: string }): Promise<ContactResult> {
  const identities = await db
    .select({ channel: schema.channelIdentities.channel })
    .from(schema.channelIdentities)
    .where(and(eq(schema.channelIdentities.brandId, input.brandId), eq(schema.channelIdentities.customerId, input.customerId), isNull(schema.channelIdentities.unreachableAt)))
    .orderBy(desc(schema.channelIdentities.createdAt), desc(schema.channelIdentities.id));
  if (identities.length === 0) return { status: 'unreachable' };
  for (const channel of new Set(identities.map((i) => i.channel))) {
    const surveys = await latestConsent(db, input.customerId, 'surveys', channel);
    if (surveys ? surveys.granted : (await latestConsent(db, input.customerId, 'marketing', channel))?.granted) return { status: 'ok', channel };
  }
  return { status: 'no_consent' };
}

// core/consent's `consentInForce` is typed for the purposes it knows ('terms' | 'marketing'); 'surveys' is read here
// with the same rule (the latest record per customer, purpose and channel is in force) until that type gains it.
async function latestConsent(db: Db, customerId: string, purpose: string, channel: string): Promise<{ granted: boolean } | undefined> {
  const [row] = await db
    .select({ granted: schema.consentRecords.granted })
    .from(schema.consentRecords)
    .where(and(eq(schema.consentRecords.customerId, customerId), eq(schema.consentRecords.purpose, purpose), eq(schema.consentRecords.channel, channel)))
    .orderBy(desc(schema.consentRecords.recordedAt), desc(schema.consentRecords.id))
    .limit(1);
  return row;
}

/** The brand's active survey of a kind (the newest, should there be several). */
export async function activeSurvey(db: Db, brandId: string, kind: 'post_purchase' | 'relationship'): Promise<Survey | undefined> {
  const [row] = await db
    .select()
    .from(schema.surveys)
    .where(and(eq(schema.surveys.brandId, brandId), eq(schema.surveys.kind, kind), eq(schema.surveys.active, true)))
    .orderBy(desc(schema.surveys.createdAt))
    .limit(1);
  return row;
}

/**
 * Schedules the brand's post-purchase survey for a purchase: due `delayMinutes` after it (or now, for a purchase
 * reported late), moved into the store's waking hours. Once per transaction: a repeated call returns 'duplicate'. A
 * purchase older than MAX_PURCHASE_AGE_DAYS is skipped ('stale_purchase').
 */
export async function scheduleAfterPurchase(
  deps: CoreDeps,
  input: { brandId: string; customerId: string; transactionId: string; storeId: string; occurredAt: Date },
): Promise<ScheduleResult> {
  const survey = await activeSurvey(deps.db, input.brandId, 'post_purchase');
  if (!survey) return { status: 'skipped', reason: 'no_active_survey' };
  if (input.occurredAt.getTime() < deps.clock.now().getTime() - MAX_PURCHASE_AGE_DAYS * DAY) return { status: 'skipped', reason: 'stale_purchase' };
  const [store] = await deps.db.select({ timezone: schema.stores.timezone }).from(schema.stores).where(and(eq(schema.stores.id, input.storeId), eq(schema.stores.brandId, input.brandId)));
  if (!store) throw new AppError('NOT_FOUND', `store ${input.storeId} of brand ${input.brandId}`);
  const earliest = Math.max(input.occurredAt.getTime() + survey.delayMinutes * MINUTE, deps.clock.now().getTime());
  const dueAt = intoWakingHours(new Date(earliest), { from: survey.sendFrom, until: survey.sendUntil }, store.timezone);
  return deps.db.transaction(async (tx) => {
    await lockCustomer(tx, input.customerId);
    const existing = await byTransaction(tx, input.transactionId);
    if (existing) return { status: 'duplicate', response: existing };
    const outcome = await plan(tx, { survey, customerId: input.customerId, dueAt });
    if (outcome.status !== 'ok') return { status: 'skipped', reason: outcome.status };
    const [row] = await tx
      .insert(schema.surveyResponses)
      .values({ brandId: input.brandId, surveyId: survey.id, customerId: input.customerId, transactionId: input.transactionId, storeId: input.storeId, channel: outcome.channel, dueAt })
      .onConflictDoNothing({ target: schema.surveyResponses.transactionId, where: sql`${schema.surveyResponses.transactionId} is not null` })
      .returning();
    if (row) return { status: 'scheduled', response: row };
    // Another customer id claimed the same transaction id meanwhile (the lock is per customer).
    return { status: 'duplicate', response: (await byTransaction(tx, input.transactionId))! };
  });
}

/** What a relationship round did. */
export interface RoundResult {
  scheduled: number;
  skipped: Record<Exclude<SkipReason, 'no_active_survey' | 'stale_purchase'>, number>;
}

/**
 * Schedules the brand's relationship survey for every member not asked it in the last `everyDays` days (and not
 * surveyed at all in `minDaysBetween`), due now moved into the brand's waking hours (no store: the brand's zone).
 * Safe to run twice: a member scheduled by the first run is excluded by the second.
 */
export async function scheduleRelationshipRound(deps: CoreDeps, input: { brandId: string; now: Date }): Promise<RoundResult> {
  const result: RoundResult = { scheduled: 0, skipped: { recently_surveyed: 0, unreachable: 0, no_consent: 0 } };
  const survey = await activeSurvey(deps.db, input.brandId, 'relationship');
  if (!survey) return result;
  if (!survey.everyDays || survey.everyDays < 1) throw new AppError('INVALID_INPUT', `relationship survey ${survey.id} has no every_days`);
  const [brand] = await deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, input.brandId));
  if (!brand) throw new AppError('NOT_FOUND', `brand ${input.brandId}`);
  const dueAt = intoWakingHours(input.now, { from: survey.sendFrom, until: survey.sendUntil }, brand.timezone);
  const roundStart = new Date(input.now.getTime() - survey.everyDays * DAY);
  const r = schema.surveyResponses;
  const members = await deps.db
    .select({ customerId: schema.loyaltyAccounts.customerId })
    .from(schema.loyaltyAccounts)
    .innerJoin(schema.customers, eq(schema.customers.id, schema.loyaltyAccounts.customerId))
    .where(
      and(
        eq(schema.loyaltyAccounts.brandId, input.brandId),
        isNull(schema.customers.mergedIntoId),
        // Not asked this survey in the current round (skipped rows were never sent, so they don't count).
        notExists(
          deps.db
            .select({ one: sql`1` })
            .from(r)
            .where(and(eq(r.surveyId, survey.id), eq(r.customerId, schema.loyaltyAccounts.customerId), ne(r.status, 'skipped'), gt(r.createdAt, roundStart))),
        ),
      ),
    )
    .orderBy(asc(schema.loyaltyAccounts.enrolledAt));
  for (const { customerId } of members) {
    const outcome = await deps.db.transaction(async (tx) => {
      await lockCustomer(tx, customerId);
      const planned = await plan(tx, { survey, customerId, dueAt });
      if (planned.status !== 'ok') return planned.status;
      await tx.insert(schema.surveyResponses).values({ brandId: input.brandId, surveyId: survey.id, customerId, channel: planned.channel, dueAt });
      return 'scheduled' as const;
    });
    if (outcome === 'scheduled') result.scheduled++;
    else result.skipped[outcome]++;
  }
  return result;
}

/** A scheduled survey that is due, with what the sender needs to ask it. */
export interface DueSurvey {
  id: number;
  brandId: string;
  surveyId: string;
  kind: 'post_purchase' | 'relationship';
  customerId: string;
  storeId: string | null;
  transactionId: string | null;
  /** The channel consent was found on when it was scheduled. */
  channel: string | null;
  dueAt: Date;
}

/** Scheduled surveys due at `now`, the longest overdue first. */
export async function dueSurveys(deps: CoreDeps, input: { now: Date; limit?: number }): Promise<DueSurvey[]> {
  const r = schema.surveyResponses;
  const rows = await deps.db
    .select({ id: r.id, brandId: r.brandId, surveyId: r.surveyId, kind: schema.surveys.kind, customerId: r.customerId, storeId: r.storeId, transactionId: r.transactionId, channel: r.channel, dueAt: r.dueAt })
    .from(r)
    .innerJoin(schema.surveys, eq(schema.surveys.id, r.surveyId))
    .where(and(eq(r.status, 'scheduled'), lte(r.dueAt, input.now)))
    .orderBy(asc(r.dueAt), asc(r.id))
    .limit(input.limit ?? 100);
  return rows.map((row) => ({ ...row, kind: row.kind as DueSurvey['kind'] }));
}

/** Records that a scheduled survey was sent; 'not_scheduled' when it was already sent or skipped. */
export async function markSent(deps: CoreDeps, input: { id: number; channel: string; sentAt: Date }): Promise<{ status: 'sent' | 'not_scheduled' }> {
  const rows = await deps.db
    .update(schema.surveyResponses)
    .set({ status: 'sent', channel: input.channel, sentAt: input.sentAt })
    .where(and(eq(schema.surveyResponses.id, input.id), eq(schema.surveyResponses.status, 'scheduled')))
    .returning({ id: schema.surveyResponses.id });
  return { status: rows.length > 0 ? 'sent' : 'not_scheduled' };
}

/** Gives up on a scheduled survey (the customer became unreachable or withdrew consent); 'not_scheduled' otherwise. */
export async function markSkipped(deps: CoreDeps, input: { id: number }): Promise<{ status: 'skipped' | 'not_scheduled' }> {
  const rows = await deps.db
    .update(schema.surveyResponses)
    .set({ status: 'skipped' })
    .where(and(eq(schema.surveyResponses.id, input.id), eq(schema.surveyResponses.status, 'scheduled')))
    .returning({ id: schema.surveyResponses.id });
  return { status: rows.length > 0 ? 'skipped' : 'not_scheduled' };
}

/**
 * Moves a due survey's due time `leaseMs` ahead, so a second worker does not pick it up while this one sends it; true
 * when this caller got it. Should the sender crash, the survey becomes due again when the lease runs out.
 */
export async function claimDue(deps: CoreDeps, input: { id: number; dueAt: Date; leaseMs: number }): Promise<boolean> {
  const rows = await deps.db
    .update(schema.surveyResponses)
    .set({ dueAt: new Date(deps.clock.now().getTime() + input.leaseMs) })
    .where(and(eq(schema.surveyResponses.id, input.id), eq(schema.surveyResponses.status, 'scheduled'), eq(schema.surveyResponses.dueAt, input.dueAt)))
    .returning({ id: schema.surveyResponses.id });
  return rows.length > 0;
}

// Surveys of one customer serialize on their customer row: the "not surveyed recently" check and the insert see
// each other, so two purchases a second apart do not both get a survey.
async function lockCustomer(db: Db, customerId: string): Promise<void> {
  const [row] = await db.select({ id: schema.customers.id }).from(schema.customers).where(eq(schema.customers.id, customerId)).for('update');
  if (!row) throw new AppError('NOT_FOUND', `customer ${customerId}`);
}

async function byTransaction(db: Db, transactionId: string): Promise<SurveyResponse | undefined> {
  const [row] = await db.select().from(schema.surveyResponses).where(eq(schema.surveyResponses.transactionId, transactionId));
  return row;
}

/** The checks every new survey passes: not surveyed recently, reachable, consented. */
async function plan(
  db: Db,
  input: { survey: Survey; customerId: string; dueAt: Date },
): Promise<{ status: 'ok'; channel: string } | { status: 'recently_surveyed' | 'unreachable' | 'no_consent' }> {
  const r = schema.surveyResponses;
  const windowStart = new Date(input.dueAt.getTime() - input.survey.minDaysBetween * DAY);
  // Any survey of the brand counts: one still waiting to go out, or one sent within the window before this one's due.
  const [recent] = await db
    .select({ id: r.id })
    .from(r)
    .where(and(eq(r.brandId, input.survey.brandId), eq(r.customerId, input.customerId), or(eq(r.status, 'scheduled'), and(inArray(r.status, ['sent', 'answered', 'expired']), gt(r.sentAt, windowStart)))))
    .limit(1);
  if (recent) return { status: 'recently_surveyed' };
  return contactChannel(db, { brandId: input.survey.brandId, customerId: input.customerId });
}
