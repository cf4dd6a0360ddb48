// The scheduled background work of the core, on whatever JobQueue the app runs (BullMQ on Redis, or in-process).
// Every job is safe to run twice: it re-derives its work from the database and writes with idempotency keys.
import { expirePoints, releasePendingPoints, reviewTiers } from '../loyalty/index.js';
import { pruneLinkCodes } from '../customers/index.js';
import { pruneInbox } from '../inbox/index.js';
import { expireVouchers } from '../rewards/index.js';
import { pruneRateLimits, type CoreDeps, type JobQueue } from '../shared/index.js';

const MINUTE = 60_000;
const BATCH = 1_000;

/** Names of the core's jobs. */
export const CORE_JOBS = {
  releasePending: 'loyalty.release-pending',
  expirePoints: 'loyalty.expire-points',
  reviewTiers: 'loyalty.review-tiers',
  expireVouchers: 'rewards.expire-vouchers',
  pruneRateLimits: 'maintenance.prune-rate-limits',
  pruneInbox: 'maintenance.prune-inbox',
} as const;

// Platforms redeliver for minutes to hours (LINE, WhatsApp, WeChat); a week of processed ids is ample.
const INBOX_KEEP_MS = 7 * 24 * 60 * MINUTE;

/**
 * Registers the core's job handlers for one brand and returns the function that declares their schedules
 * (separate, because declaring needs the queue's backend up, and the app must start without it).
 */
export function registerCoreJobs(queue: JobQueue, deps: CoreDeps, opts: { brandId: string; timezone: string }): () => Promise<void> {
  // Batches until a run finds nothing left, so a backlog (after downtime) drains in one run.
  const drain = async (step: () => Promise<number>) => {
    while ((await step()) >= BATCH) {
      /* next batch */
    }
  };
  queue.register(CORE_JOBS.releasePending, () => drain(() => releasePendingPoints(deps, { limit: BATCH })));
  queue.register(CORE_JOBS.expirePoints, () => drain(() => expirePoints(deps, { limit: BATCH })));
  queue.register(CORE_JOBS.reviewTiers, async () => {
    await reviewTiers(deps, { brandId: opts.brandId });
  });
  queue.register(CORE_JOBS.expireVouchers, async () => {
    await expireVouchers(deps, { now: deps.clock.now() });
  });
  queue.register(CORE_JOBS.pruneRateLimits, async () => {
    await pruneRateLimits(deps, { olderThan: new Date(deps.clock.now().getTime() - 24 * 60 * MINUTE) });
  });
  queue.register(CORE_JOBS.pruneInbox, async () => {
    await pruneInbox(deps, new Date(deps.clock.now().getTime() - INBOX_KEEP_MS));
    // Expired link codes can never link anything: their hashes go too.
    await pruneLinkCodes(deps, deps.clock.now());
  });

  return async () => {
    await queue.schedule(`${opts.brandId}:release-pending`, CORE_JOBS.releasePending, { everyMs: 5 * MINUTE });
    await queue.schedule(`${opts.brandId}:expire-points`, CORE_JOBS.expirePoints, { cron: '10 0 * * *', tz: opts.timezone });
    // Nightly, after expiry, in the brand's own night.
    await queue.schedule(`${opts.brandId}:review-tiers`, CORE_JOBS.reviewTiers, { cron: '30 3 * * *', tz: opts.timezone });
    await queue.schedule(`${opts.brandId}:expire-vouchers`, CORE_JOBS.expireVouchers, { everyMs: 15 * MINUTE });
    await queue.schedule(`${opts.brandId}:prune-rate-limits`, CORE_JOBS.pruneRateLimits, { everyMs: 60 * MINUTE });
    await queue.schedule(`${opts.brandId}:prune-inbox`, CORE_JOBS.pruneInbox, { cron: '20 4 * * *', tz: opts.timezone });
  };
}
