import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { ManualClock } from './clock.js';
import type { CoreDeps } from './deps.js';
import { silentLog } from './log.js';
import { hitRateLimit, pruneRateLimits, releaseRateLimit } from './rate-limit.js';

describe.each(testDbKinds)('fixed-window rate limit on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
  const limit = { limit: 3, windowMs: 60_000 };

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock, log: silentLog };
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('allows `limit` hits per window, then refuses until the window ends', async () => {
    const start = clock.now();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await hitRateLimit(deps, { key: 'a', ...limit }));
    expect(results.map((r) => [r.allowed, r.count, r.remaining])).toEqual([
      [true, 1, 2],
      [true, 2, 1],
      [true, 3, 0],
      [false, 4, 0],
      [false, 5, 0],
    ]);
    expect(results[0]?.windowStart).toEqual(start);
    expect(results[0]?.resetAt).toEqual(new Date(start.getTime() + 60_000));
    clock.advance(59_999);
    expect((await hitRateLimit(deps, { key: 'a', ...limit })).allowed).toBe(false);
    clock.advance(1);
    const fresh = await hitRateLimit(deps, { key: 'a', ...limit });
    expect(fresh).toMatchObject({ allowed: true, count: 1, windowStart: clock.now() });
  });

  it('counts each key apart', async () => {
    for (let i = 0; i < 3; i++) await hitRateLimit(deps, { key: 'b', ...limit });
    expect((await hitRateLimit(deps, { key: 'b', ...limit })).allowed).toBe(false);
    expect((await hitRateLimit(deps, { key: 'c', ...limit })).allowed).toBe(true);
  });

  it('counts every one of many hits at once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => hitRateLimit(deps, { key: 'burst', ...limit })));
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it('gives a hit back in its own window only', async () => {
    const first = await hitRateLimit(deps, { key: 'd', ...limit });
    const second = await hitRateLimit(deps, { key: 'd', ...limit });
    await releaseRateLimit(deps, { key: 'd', hit: second });
    expect((await hitRateLimit(deps, { key: 'd', ...limit })).count).toBe(2);
    clock.advance(60_000);
    expect((await hitRateLimit(deps, { key: 'd', ...limit })).count).toBe(1);
    await releaseRateLimit(deps, { key: 'd', hit: first }); // an old window: nothing to give back
    expect((await hitRateLimit(deps, { key: 'd', ...limit })).count).toBe(2);
  });

  it('prunes old buckets', async () => {
    await hitRateLimit(deps, { key: 'old', ...limit });
    clock.advance(10 * 60_000);
    await hitRateLimit(deps, { key: 'new', ...limit });
    expect(await pruneRateLimits(deps, { olderThan: new Date(clock.now().getTime() - 60_000) })).toBeGreaterThanOrEqual(1);
    expect((await hitRateLimit(deps, { key: 'old', ...limit })).count).toBe(1);
    expect((await hitRateLimit(deps, { key: 'new', ...limit })).count).toBe(2);
  });

  it('refuses nonsense limits', async () => {
    await expect(hitRateLimit(deps, { key: '', ...limit })).rejects.toThrow(/key/);
    await expect(hitRateLimit(deps, { key: 'x', limit: 0, windowMs: 1 })).rejects.toThrow(/limit/);
    await expect(hitRateLimit(deps, { key: 'x', limit: 1, windowMs: 0 })).rejects.toThrow(/window/);
  });
});
