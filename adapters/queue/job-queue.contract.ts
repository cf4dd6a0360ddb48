// The behaviour every JobQueue implementation must share, as one vitest suite run against each of them
// (job-queue.contract.test.ts). Test-only: imported by test files, never by application code.
// Ordering proofs use a "sentinel" job: with concurrency 1 jobs of one name run in FIFO order, so once a
// sentinel enqueued last has run, every job enqueued before it has had its chance to run (or to run twice).
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/helpers/eventually.js';
import type { JobFailure, JobInfo, JobQueue } from '../../core/shared/job-queue.js';

/** Builds a fresh, isolated queue for one test; `onFailed` must be wired to the queue's failure hook. */
export type MakeJobQueue = (hooks: { onFailed: (failure: JobFailure) => void }) => JobQueue;

interface Run {
  data: unknown;
  job: JobInfo;
  at: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the shared JobQueue contract tests for one implementation. */
export function describeJobQueueContract(label: string, make: MakeJobQueue): void {
  describe(`JobQueue contract: ${label}`, () => {
    const open: JobQueue[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.close()));
    });

    function setup(): { queue: JobQueue; failures: JobFailure[] } {
      const failures: JobFailure[] = [];
      const queue = make({ onFailed: (f) => failures.push(f) });
      open.push(queue);
      return { queue, failures };
    }

    function recorder(queue: JobQueue, name: string, opts?: { concurrency?: number }): Run[] {
      const runs: Run[] = [];
      queue.register<unknown>(
        name,
        (data, job) => {
          runs.push({ data, job, at: Date.now() });
          return Promise.resolve();
        },
        opts,
      );
      return runs;
    }

    it('calls the handler once per enqueued job, with the data as JSON and attempt 1', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'work');
      await queue.start();
      await queue.enqueue('work', { n: 1, at: new Date(0) });
      await queue.enqueue('work', { n: 2 });
      await queue.enqueue('work', { n: 3 });
      await queue.enqueue('work', 'sentinel');
      await eventually(() => expect(runs.at(-1)?.data).toBe('sentinel'));
      expect(runs.map((r) => r.data)).toEqual([{ n: 1, at: '1970-01-01T00:00:00.000Z' }, { n: 2 }, { n: 3 }, 'sentinel']);
      expect(runs.map((r) => r.job.attempt)).toEqual([1, 1, 1, 1]);
      expect(runs.every((r) => r.job.name === 'work')).toBe(true);
      expect(new Set(runs.map((r) => r.job.id)).size).toBe(4);
    });

    it('runs a jobId once, even when enqueued again before and after it ran', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'dedupe');
      await queue.enqueue('dedupe', { v: 1 }, { jobId: 'points:release:42' });
      await queue.enqueue('dedupe', { v: 2 }, { jobId: 'points:release:42' });
      await queue.enqueue('dedupe', { v: 'numeric id' }, { jobId: '42' });
      await queue.enqueue('dedupe', { v: 'numeric id again' }, { jobId: '42' });
      await queue.enqueue('dedupe', 'sentinel-1');
      await queue.start();
      await eventually(() => expect(runs.at(-1)?.data).toBe('sentinel-1'));
      await queue.enqueue('dedupe', { v: 3 }, { jobId: 'points:release:42' });
      await queue.enqueue('dedupe', 'sentinel-2');
      await eventually(() => expect(runs.at(-1)?.data).toBe('sentinel-2'));
      expect(runs.map((r) => r.data)).toEqual([{ v: 1 }, { v: 'numeric id' }, 'sentinel-1', 'sentinel-2']);
      expect(runs.slice(0, 2).map((r) => r.job.id)).toEqual(['points:release:42', '42']);
    });

    it('retries a failing job with exponential back-off until it succeeds', async () => {
      const { queue, failures } = setup();
      const starts: Array<{ attempt: number; at: number }> = [];
      const failedAt: number[] = [];
      queue.register<{ ok: boolean }>('flaky', (_data, job) => {
        starts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) {
          failedAt.push(Date.now());
          return Promise.reject(new Error(`attempt ${job.attempt} failed`));
        }
        return Promise.resolve();
      });
      await queue.start();
      await queue.enqueue('flaky', { ok: true }, { attempts: 3, backoffMs: 60 });
      await eventually(() => expect(starts.map((s) => s.attempt)).toEqual([1, 2, 3]));
      // Not before the back-off: 60 ms after the first failure, 120 ms after the second.
      expect(starts[1]!.at - failedAt[0]!).toBeGreaterThanOrEqual(60);
      expect(starts[2]!.at - failedAt[1]!).toBeGreaterThanOrEqual(120);
      expect(failures).toEqual([]);
    });

    it('marks a job failed after its last attempt, reports it once, and keeps working', async () => {
      const { queue, failures } = setup();
      const attempts: number[] = [];
      queue.register<{ order: string }>('doomed', (_data, job) => {
        attempts.push(job.attempt);
        return Promise.reject(new Error('upstream said no'));
      });
      const after = recorder(queue, 'after');
      await queue.start();
      await queue.enqueue('doomed', { order: 'A-1' }, { jobId: 'doomed-1', attempts: 2, backoffMs: 10 });
      await eventually(() => expect(failures).toHaveLength(1));
      expect(failures[0]).toMatchObject({ name: 'doomed', id: 'doomed-1', attempt: 2, data: { order: 'A-1' } });
      expect(failures[0]!.error.message).toBe('upstream said no');
      expect(attempts).toEqual([1, 2]);
      await queue.enqueue('after', { still: 'alive' });
      await eventually(() => expect(after.map((r) => r.data)).toEqual([{ still: 'alive' }]));
      expect(attempts).toEqual([1, 2]);
      expect(failures).toHaveLength(1);
    });

    it('does not retry a job with attempts: 1', async () => {
      const { queue, failures } = setup();
      let calls = 0;
      queue.register('once', () => {
        calls++;
        return Promise.reject(new Error('nope'));
      });
      await queue.start();
      await queue.enqueue('once', {}, { attempts: 1, backoffMs: 10 });
      await eventually(() => expect(failures.map((f) => f.attempt)).toEqual([1]));
      expect(calls).toBe(1);
    });

    it('does not run a delayed job before delayMs has passed', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'later');
      await queue.start();
      const enqueuedAt = Date.now();
      await queue.enqueue('later', 'delayed', { delayMs: 500 });
      await queue.enqueue('later', 'immediate');
      await eventually(() => expect(runs.map((r) => r.data)).toContain('immediate'));
      expect(runs.map((r) => r.data)).not.toContain('delayed');
      const delayed = await eventually(() => {
        const run = runs.find((r) => r.data === 'delayed');
        expect(run).toBeDefined();
        return run!;
      });
      expect(delayed.at - enqueuedAt).toBeGreaterThanOrEqual(500);
    });

    it('limits how many jobs of a name run at once to its concurrency', async () => {
      const { queue } = setup();
      let active = 0;
      let peak = 0;
      const gates: Array<() => void> = [];
      const done: number[] = [];
      queue.register<number>(
        'limited',
        async (n) => {
          active++;
          peak = Math.max(peak, active);
          await new Promise<void>((resolve) => gates.push(resolve));
          active--;
          done.push(n);
        },
        { concurrency: 2 },
      );
      await queue.start();
      for (const n of [1, 2, 3, 4]) await queue.enqueue('limited', n);
      await eventually(() => expect(gates).toHaveLength(2));
      expect(active).toBe(2);
      // Each finished job lets exactly one more start.
      gates[0]!();
      await eventually(() => expect(gates).toHaveLength(3));
      gates[1]!();
      await eventually(() => expect(gates).toHaveLength(4));
      gates[2]!();
      gates[3]!();
      await eventually(() => expect(done).toHaveLength(4));
      expect(peak).toBe(2);
    });

    it('runs a schedule repeatedly with its data', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'tick');
      await queue.schedule('tick-every-150', 'tick', { everyMs: 150 }, { brand: 'demo' });
      await queue.start();
      await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(3));
      expect(runs.slice(0, 3).map((r) => r.data)).toEqual([{ brand: 'demo' }, { brand: 'demo' }, { brand: 'demo' }]);
    });

    it('runs a cron schedule (seconds field) repeatedly', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'cron-tick');
      await queue.start();
      await queue.schedule('every-second', 'cron-tick', { cron: '* * * * * *', tz: 'UTC' });
      await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(2), { timeoutMs: 5000 });
      // A cron run fires on a whole second.
      expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(500);
    });

    it('does not duplicate a schedule when the same scheduleId is scheduled again', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'tier-eval');
      await queue.start();
      await queue.schedule('tiers', 'tier-eval', { everyMs: 250 }, { v: 1 });
      await queue.schedule('tiers', 'tier-eval', { everyMs: 250 }, { v: 2 });
      await queue.schedule('tiers', 'tier-eval', { everyMs: 250 }, { v: 3 });
      await eventually(() => expect(runs.some((r) => r.at > runs[0]!.at + 1000)).toBe(true), { timeoutMs: 8000 });
      // One schedule fires at most 5 times in the 1000 ms after its first run (+1 for a late first run);
      // three copies of it would fire about 12 times.
      expect(runs.filter((r) => r.at <= runs[0]!.at + 1000).length).toBeLessThanOrEqual(6);
      // After the latest data first shows up, no run carries older data.
      const firstV3 = runs.findIndex((r) => (r.data as { v: number }).v === 3);
      expect(firstV3).toBeGreaterThanOrEqual(0);
      expect(runs.slice(firstV3).every((r) => (r.data as { v: number }).v === 3)).toBe(true);
    });

    it('stops a schedule on unschedule', async () => {
      const { queue } = setup();
      const runs = recorder(queue, 'stoppable');
      await queue.start();
      await queue.schedule('stop-me', 'stoppable', { everyMs: 100 });
      await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(2));
      await queue.unschedule('stop-me', 'stoppable');
      // A run that was already due may still finish; after that, nothing for a while.
      await sleep(150);
      const count = runs.length;
      await sleep(400);
      expect(runs.length).toBe(count);
    });

    it('close() waits for a running handler, then refuses new jobs', async () => {
      const { queue } = setup();
      const order: string[] = [];
      let release!: () => void;
      queue.register('slow', async () => {
        order.push('started');
        await new Promise<void>((resolve) => (release = resolve));
        order.push('finished');
      });
      await queue.start();
      await queue.enqueue('slow', {});
      await eventually(() => expect(order).toEqual(['started']));
      const closing = queue.close().then(() => order.push('closed'));
      // Give a wrong close() the chance to finish early.
      await sleep(100);
      expect(order).toEqual(['started']);
      release();
      await closing;
      expect(order).toEqual(['started', 'finished', 'closed']);
      await expect(queue.enqueue('slow', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });

    it('rejects the same invalid input', async () => {
      const { queue } = setup();
      expect(() => queue.register('bad name!', () => Promise.resolve())).toThrow(/invalid job name/);
      queue.register('dup', () => Promise.resolve());
      expect(() => queue.register('dup', () => Promise.resolve())).toThrow(/already registered/);
      await expect(queue.enqueue('ok', {}, { attempts: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(queue.enqueue('ok', {}, { delayMs: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(queue.schedule('s', 'ok', { everyMs: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(queue.schedule('s', 'ok', { cron: '61 * * * *' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(queue.schedule('s', 'ok', { cron: '0 3 * * *', tz: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });
  });
}
