// The survey sender: every 5 minutes the due surveys are handed to the app's `send` (which renders the question in
// the customer's language and sends it on their channel), then marked sent, or skipped when the customer can no longer
// be reached or withdrew consent meanwhile. Re-derived from the database on each run, so a lost or repeated run is
// harmless; a claim (the due time pushed ahead by a lease) keeps two workers from sending the same survey.
import { and, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps, JobQueue } from '../shared/index.js';
import { claimDue, contactChannel, dueSurveys, markSent, markSkipped, scheduleRelationshipRound, type DueSurvey } from './schedule.js';
import { intoWakingHours } from './waking-hours.js';

const MINUTE = 60_000;
const BATCH = 100;
/** How long a claimed survey stays out of other workers' sight; a crashed send is retried after it. */
const LEASE_MS = 15 * MINUTE;

/** Names of the survey jobs. */
export const SURVEY_JOBS = {
  sendDue: 'surveys.send-due',
  relationshipRound: 'surveys.relationship-round',
} as const;

/** A due survey with the channel to ask on (consent re-checked just before sending). */
export type SurveyToSend = DueSurvey & { channel: string };

/**
 * What the app does with a due survey: 'sent'; 'unreachable' when the platform refused for good (blocked, left, no
 * chat to send to): the survey is skipped; 'later' when now is the wrong moment (a person is talking with the
 * customer): it stays scheduled and is tried again after the lease, at the earliest, inside the waking hours.
 */
export type SendSurvey = (due: SurveyToSend) => Promise<'sent' | 'unreachable' | 'later'>;

/** Sends every survey due now (in batches until none is left); returns how many were sent, skipped, put off or failed. */
export async function sendDueSurveys(deps: CoreDeps, send: SendSurvey): Promise<{ sent: number; skipped: number; deferred: number; failed: number }> {
  const counts = { sent: 0, skipped: 0, deferred: 0, failed: 0 };
  for (;;) {
    const due = await dueSurveys(deps, { now: deps.clock.now(), limit: BATCH });
    for (const survey of due) {
      if (!(await claimDue(deps, { id: survey.id, dueAt: survey.dueAt, leaseMs: LEASE_MS }))) continue;
      // Consent or reachability may have changed since scheduling; the channel may too (a newer identity).
      const contact = await contactChannel(deps.db, { brandId: survey.brandId, customerId: survey.customerId });
      if (contact.status !== 'ok') {
        await markSkipped(deps, { id: survey.id });
        counts.skipped++;
        continue;
      }
      try {
        const outcome = await send({ ...survey, channel: contact.channel });
        if (outcome === 'sent') {
          await markSent(deps, { id: survey.id, channel: contact.channel, sentAt: deps.clock.now() });
          counts.sent++;
        } else if (outcome === 'later') {
          // Still scheduled: tried again after the lease, but not before the waking hours open again.
          await postpone(deps, survey);
          counts.deferred++;
        } else {
          await markSkipped(deps, { id: survey.id });
          counts.skipped++;
        }
      } catch (err) {
        // Still scheduled: the first run after the lease, inside the waking hours, tries again.
        counts.failed++;
        deps.log.warn({ surveyResponseId: survey.id, reason: err instanceof Error ? err.message : String(err) }, 'survey send failed; retried after the lease');
        try {
          await postpone(deps, survey);
        } catch (postponeErr) {
          // The lease alone still holds it off for LEASE_MS.
          deps.log.warn({ surveyResponseId: survey.id, reason: postponeErr instanceof Error ? postponeErr.message : String(postponeErr) }, 'survey not postponed into waking hours');
        }
      }
    }
    if (due.length < BATCH) return counts;
  }
}

/**
 * Moves a claimed survey that did not go out to its next try: the lease from now, moved into the survey's waking hours
 * in the store's zone (the brand's for a survey without a store), as scheduling does. A survey put off at 23:30 is not
 * sent at 23:45 but at the next opening, 09:00.
 */
async function postpone(deps: CoreDeps, survey: DueSurvey): Promise<void> {
  const [window] = await deps.db.select({ from: schema.surveys.sendFrom, until: schema.surveys.sendUntil }).from(schema.surveys).where(eq(schema.surveys.id, survey.surveyId));
  if (!window) return;
  const [zone] = survey.storeId
    ? await deps.db.select({ timezone: schema.stores.timezone }).from(schema.stores).where(eq(schema.stores.id, survey.storeId))
    : await deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, survey.brandId));
  if (!zone) return;
  const dueAt = intoWakingHours(new Date(deps.clock.now().getTime() + LEASE_MS), window, zone.timezone);
  const r = schema.surveyResponses;
  await deps.db.update(r).set({ dueAt }).where(and(eq(r.id, survey.id), eq(r.status, 'scheduled')));
}

/**
 * Registers the survey jobs and returns the function that declares their schedules (as registerCoreJobs does):
 * due surveys every 5 minutes; with `relationship`, the brand's relationship round daily at 10:00 in its zone.
 */
export function registerSurveyJobs(
  queue: JobQueue,
  deps: CoreDeps,
  opts: { send: SendSurvey; relationship?: { brandId: string; timezone: string } },
): () => Promise<void> {
  queue.register(SURVEY_JOBS.sendDue, async () => {
    await sendDueSurveys(deps, opts.send);
  });
  const relationship = opts.relationship;
  if (relationship) {
    queue.register(SURVEY_JOBS.relationshipRound, async () => {
      await scheduleRelationshipRound(deps, { brandId: relationship.brandId, now: deps.clock.now() });
    });
  }
  return async () => {
    await queue.schedule('surveys:send-due', SURVEY_JOBS.sendDue, { everyMs: 5 * MINUTE });
    if (relationship) await queue.schedule(`${relationship.brandId}:surveys-relationship`, SURVEY_JOBS.relationshipRound, { cron: '0 10 * * *', tz: relationship.timezone });
  };
}
