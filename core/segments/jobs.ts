// The nightly segment job: favourites and home store, then RFM, per brand in the brand's own night. Both steps are
// recomputations from the database, so a repeated or retried run is harmless.
import { inArray } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { AppError, type CoreDeps, type JobQueue } from '../shared/index.js';
import { computeRfm, refreshMemberFacts } from './rfm.js';

/** Names of the segment jobs. */
export const SEGMENT_JOBS = { rfm: 'segments.rfm' } as const;

/** When the job runs, in the brand's time zone: after the loyalty jobs (expiry 00:10, tier review 03:30). */
export const RFM_CRON = '45 3 * * *';

/**
 * Registers the 'segments.rfm' handler; the returned function schedules it nightly for each brand (in the brand's time
 * zone). Declaring is separate so the app can retry it while Redis is away without registering twice.
 */
export function registerSegmentJobs(queue: JobQueue, deps: CoreDeps, input: { brandIds: readonly string[] }): () => Promise<void> {
  queue.register<{ brandId?: unknown }>(SEGMENT_JOBS.rfm, async (data) => {
    if (typeof data.brandId !== 'string') throw new AppError('INVALID_INPUT', 'segments.rfm needs a brandId');
    const brandId = data.brandId;
    const started = Date.now();
    const facts = await refreshMemberFacts(deps, { brandId });
    const rfm = await computeRfm(deps, { brandId });
    deps.log.info({ brandId, members: facts.members, scored: rfm.members, ms: Date.now() - started }, 'segment facts and RFM refreshed');
  });
  return async () => {
    if (input.brandIds.length === 0) return;
    const brands = await deps.db.select({ id: schema.brands.id, timezone: schema.brands.timezone }).from(schema.brands).where(inArray(schema.brands.id, [...input.brandIds]));
    if (brands.length < input.brandIds.length) deps.log.warn({ brandIds: input.brandIds, found: brands.length }, 'segments.rfm: some brands not found; not scheduled');
    for (const brand of brands) {
      await queue.schedule(`${brand.id}:segments-rfm`, SEGMENT_JOBS.rfm, { cron: RFM_CRON, tz: brand.timezone }, { brandId: brand.id });
    }
  };
}
