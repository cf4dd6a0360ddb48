// Fixed-window rate limits kept in the database (`rate_limit_buckets`), so every process of the app shares
// one counter per key: a second instance behind the load balancer cannot double an attacker's guesses.
import { and, eq, lt, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from './deps.js';

/** One rate limit: at most `limit` hits per key in a window of `windowMs`, counted from the window's first hit. */
export interface RateLimitInput {
  /** Namespaced by the caller, e.g. `gift-card-check:<brand>:<customer id>`. */
  key: string;
  limit: number;
  windowMs: number;
}

/** The counter after a hit; `allowed` is false once the window holds more than `limit` hits. */
export interface RateLimitResult {
  allowed: boolean;
  count: number;
  /** Hits left in this window (0 when over the limit). */
  remaining: number;
  windowStart: Date;
  /** When the window ends and the counter starts again. */
  resetAt: Date;
}

/**
 * Counts one hit against `key` in a single atomic upsert and says whether it is within the limit. The window starts at
 * the first hit after the previous window ended. Runs in the caller's transaction when given one (a rolled-back turn
 * does not count).
 */
export async function hitRateLimit(deps: CoreDeps, input: RateLimitInput): Promise<RateLimitResult> {
  checkInput(input);
  const now = deps.clock.now();
  const floor = new Date(now.getTime() - input.windowMs);
  const b = schema.rateLimitBuckets;
  const inWindow = sql`${b.windowStart} > ${floor.toISOString()}::timestamptz`;
  // In ON CONFLICT's SET every expression sees the old row, so both CASEs test the same (old) window start.
  const [row] = await deps.db
    .insert(b)
    .values({ key: input.key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: b.key,
      set: {
        count: sql`case when ${inWindow} then ${b.count} + 1 else 1 end`,
        windowStart: sql`case when ${inWindow} then ${b.windowStart} else excluded.window_start end`,
      },
    })
    .returning({ count: b.count, windowStart: b.windowStart });
  if (!row) throw new Error('rate limit upsert returned no row');
  const { count, windowStart } = row;
  return {
    allowed: count <= input.limit,
    count,
    remaining: Math.max(0, input.limit - count),
    windowStart,
    resetAt: new Date(windowStart.getTime() + input.windowMs),
  };
}

/**
 * Takes back one hit of the window `hit` was counted in, for callers that count every attempt up front (so parallel
 * attempts cannot slip past the limit) and refund the ones that turn out not to count. A newer window is left alone.
 */
export async function releaseRateLimit(deps: CoreDeps, input: { key: string; hit: RateLimitResult }): Promise<void> {
  const b = schema.rateLimitBuckets;
  await deps.db
    .update(b)
    .set({ count: sql`greatest(${b.count} - 1, 0)` })
    .where(and(eq(b.key, input.key), eq(b.windowStart, input.hit.windowStart)));
}

/** Deletes buckets whose window started before `olderThan` (housekeeping for a periodic job); returns how many. */
export async function pruneRateLimits(deps: CoreDeps, input: { olderThan: Date }): Promise<number> {
  const deleted = await deps.db
    .delete(schema.rateLimitBuckets)
    .where(lt(schema.rateLimitBuckets.windowStart, input.olderThan))
    .returning({ key: schema.rateLimitBuckets.key });
  return deleted.length;
}

function checkInput(input: RateLimitInput): void {
  if (!input.key) throw new Error('rate limit key is empty');
  if (!Number.isSafeInteger(input.limit) || input.limit < 1) throw new Error('rate limit must be a positive integer');
  if (!Number.isSafeInteger(input.windowMs) || input.windowMs < 1) throw new Error('rate limit window must be a positive number of ms');
}
