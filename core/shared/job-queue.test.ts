// The in-process queue's own behaviour and the cron matcher. The behaviour it shares with the BullMQ adapter
// is checked by the contract suite in adapters/queue/job-queue.contract.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InProcessJobQueue,
  nextCronTime,
  resolveJobOptions,
  retryDelayMs,
  toJobData,
  type JobFailure,
  type JobInfo,
} from './job-queue.js';
import type { Log } from './log.js';

const iso = (d: Date): string => d.toISOString();

describe('nextCronTime', () => {
  it('finds the next daily run in UTC', () => {
    expect(iso(nextCronTime('0 3 * * *', new Date('2026-03-01T05:00:00Z'), 'UTC'))).toBe('2026-03-02T03:00:00.000Z');
    expect(iso(nextCronTime('0 3 * * *', new Date('2026-03-01T02:59:59Z'), 'UTC'))).toBe('2026-03-01T03:00:00.000Z');
  });

  it('is strictly after the given time', () => {
    expect(iso(nextCronTime('0 3 * * *', new Date('2026-03-01T03:00:00Z'), 'UTC'))).toBe('2026-03-02T03:00:00.000Z');
  });

  it('supports steps, ranges, lists and a seconds field', () => {
    expect(iso(nextCronTime('*/15 * * * *', new Date('2026-03-01T10:07:30Z'), 'UTC'))).toBe('2026-03-01T10:15:00.000Z');
    expect(iso(nextCronTime('*/10 * * * * *', new Date('2026-03-01T10:00:05Z'), 'UTC'))).toBe('2026-03-01T10:00:10.000Z');
    expect(iso(nextCronTime('5/20 8-18 * * 1-5', new Date('2026-03-06T18:50:00Z'), 'UTC'))).toBe('2026-03-09T08:05:00.000Z');
    expect(iso(nextCronTime('0 0,12 1 */2 *', new Date('2026-02-15T00:00:00Z'), 'UTC'))).toBe('2026-03-01T00:00:00.000Z');
  });

  it('reads month and weekday names, and 7 as Sunday', () => {
    expect(iso(nextCronTime('0 9 * JAN MON', new Date('2026-11-01T00:00:00Z'), 'UTC'))).toBe('2027-01-04T09:00:00.000Z');
    expect(iso(nextCronTime('0 0 * * 7', new Date('2026-11-02T00:00:00Z'), 'UTC'))).toBe('2026-11-08T00:00:00.000Z');
  });

  it('matches either day field when both are restricted, as classic cron does', () => {
    // Tuesday 10 November 2026: the 13th (a Friday) comes before the next Monday.
    expect(iso(nextCronTime('0 0 13 * 1', new Date('2026-11-10T01:00:00Z'), 'UTC'))).toBe('2026-11-13T00:00:00.000Z');
    expect(iso(nextCronTime('0 0 13 * *', new Date('2026-11-14T00:00:00Z'), 'UTC'))).toBe('2026-12-13T00:00:00.000Z');
  });

  it('finds a leap day years ahead', () => {
    expect(iso(nextCronTime('0 0 29 2 *', new Date('2026-01-01T00:00:00Z'), 'UTC'))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('runs in the given time zone', () => {
    // 03:00 in Dubai (UTC+4) is 23:00 UTC the day before.
    expect(iso(nextCronTime('0 3 * * *', new Date('2026-03-01T00:00:00Z'), 'Asia/Dubai'))).toBe('2026-03-01T23:00:00.000Z');
    expect(iso(nextCronTime('30 9 * * *', new Date('2026-03-01T00:00:00Z'), 'Asia/Kolkata'))).toBe('2026-03-01T04:00:00.000Z');
  });

  it('keeps local midnight across DST changes', () => {
    // New York springs forward on 8 March 2026: a 23-hour day.
    const first = nextCronTime('0 0 * * *', new Date('2026-03-07T12:00:00Z'), 'America/New_York');
    expect(iso(first)).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(nextCronTime('0 0 * * *', first, 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    // London falls back on 25 October 2026: a 25-hour day.
    const london = nextCronTime('0 0 * * *', new Date('2026-10-24T12:00:00Z'), 'Europe/London');
    expect(iso(london)).toBe('2026-10-24T23:00:00.000Z');
    expect(iso(nextCronTime('0 0 * * *', london, 'Europe/London'))).toBe('2026-10-26T00:00:00.000Z');
  });

  it('runs a fixed-hour pattern once in a repeated hour and late in a skipped one, like cron-parser', () => {
    // 01:30 happens twice in New York on 1 November 2026; the daily run happens at the first.
    const repeated = nextCronTime('30 1 * * *', new Date('2026-11-01T05:00:00Z'), 'America/New_York');
    expect(iso(repeated)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextCronTime('30 1 * * *', repeated, 'America/New_York'))).toBe('2026-11-02T06:30:00.000Z');
    // 02:30 does not exist on 8 March 2026; the run moves to 03:30 local.
    expect(iso(nextCronTime('30 2 * * *', new Date('2026-03-08T00:00:00Z'), 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // An every-30-minutes pattern follows real time instead: both 01:30s run.
    expect(iso(nextCronTime('*/30 * * * *', repeated, 'America/New_York'))).toBe('2026-11-01T06:00:00.000Z');
  });

  it.each([
    ['61 * * * *'],
    ['* * *'],
    ['* * * * * * *'],
    ['0 0 L * *'],
    ['0 0 31 2 *'],
    ['*/0 * * * *'],
    ['5-1 * * * *'],
  ])('rejects %s', (pattern) => {
    expect(() => nextCronTime(pattern, new Date('2026-01-01T00:00:00Z'), 'UTC')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('rejects an unknown time zone', () => {
    expect(() => nextCronTime('0 3 * * *', new Date(), 'Mars/Olympus')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('job options', () => {
  it('applies the defaults', () => {
    expect(resolveJobOptions()).toEqual({ jobId: undefined, delayMs: 0, attempts: 3, backoffMs: 1000 });
  });

  it('doubles the back-off for each retry, as BullMQ exponential back-off does', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(1000, attempt))).toEqual([1000, 2000, 4000]);
  });

  it('copies data as JSON and rejects what JSON cannot carry', () => {
    expect(toJobData({ at: new Date(0), skip: undefined })).toEqual({ at: '1970-01-01T00:00:00.000Z' });
    expect(toJobData(undefined)).toEqual({});
    expect(() => toJobData({ n: 1n })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

function spyLog(): Log & { lines: Array<{ level: string; obj: object; msg: string | undefined }> } {
  const lines: Array<{ level: string; obj: object; msg: string | undefined }> = [];
  const log = {
    lines,
    debug: (obj: object, msg?: string) => void lines.push({ level: 'debug', obj, msg }),
    info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj, msg }),
    child: () => log,
  };
  return log;
}

describe('InProcessJobQueue', () => {
  let queue: InProcessJobQueue;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z') });
  });
  afterEach(async () => {
    // close() waits for running handlers, whose own timers are fake too.
    const closing = queue?.close();
    await vi.advanceTimersByTimeAsync(10_000);
    await closing;
    vi.useRealTimers();
  });

  function record(q: InProcessJobQueue, name: string): Array<{ data: unknown; job: JobInfo; at: number }> {
    const runs: Array<{ data: unknown; job: JobInfo; at: number }> = [];
    q.register<unknown>(name, (data, job) => {
      runs.push({ data, job, at: Date.now() });
      return Promise.resolve();
    });
    return runs;
  }

  it('holds jobs until start()', async () => {
    queue = new InProcessJobQueue();
    const runs = record(queue, 'held');
    await queue.enqueue('held', 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(0);
    await queue.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => r.data)).toEqual([1]);
  });

  it('keeps jobs of a name without a handler until one is registered', async () => {
    queue = new InProcessJobQueue();
    await queue.start();
    await queue.enqueue('orphan', 'waiting');
    await vi.advanceTimersByTimeAsync(1000);
    const runs = record(queue, 'orphan');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => r.data)).toEqual(['waiting']);
  });

  it('hands the handler a copy of the data', async () => {
    queue = new InProcessJobQueue();
    const runs = record(queue, 'copy');
    const data = { items: [1] };
    await queue.enqueue('copy', data);
    data.items.push(2);
    await queue.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs[0]?.data).toEqual({ items: [1] });
  });

  it('waits the exponential back-off between attempts', async () => {
    queue = new InProcessJobQueue();
    const starts: number[] = [];
    queue.register('retry', () => {
      starts.push(Date.now());
      return Promise.reject(new Error('down'));
    });
    await queue.start();
    const t0 = Date.now();
    await queue.enqueue('retry', {}, { attempts: 3, backoffMs: 1000 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(starts.map((t) => t - t0)).toEqual([0, 1000, 3000]);
  });

  it('logs retries as warnings and the final failure as an error, without the data', async () => {
    const log = spyLog();
    const failures: JobFailure[] = [];
    queue = new InProcessJobQueue({ log, onFailed: (f) => failures.push(f) });
    queue.register('noisy', () => Promise.reject(new Error('down')));
    await queue.start();
    await queue.enqueue('noisy', { phone: '+971501234567' }, { jobId: 'n-1', attempts: 2, backoffMs: 10 });
    await vi.advanceTimersByTimeAsync(100);
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'job attempt failed; will retry'],
      ['error', 'job failed'],
    ]);
    expect(JSON.stringify(log.lines.map((l) => l.obj))).not.toContain('971501234567');
    expect(failures).toHaveLength(1);
  });

  it('survives an onFailed hook that throws', async () => {
    const log = spyLog();
    queue = new InProcessJobQueue({
      log,
      onFailed: () => {
        throw new Error('alerting is down');
      },
    });
    queue.register('bad', () => {
      throw new Error('sync throw');
    });
    const after = record(queue, 'after');
    await queue.start();
    await queue.enqueue('bad', {}, { attempts: 1 });
    await vi.advanceTimersByTimeAsync(0);
    await queue.enqueue('after', 'ok');
    await vi.advanceTimersByTimeAsync(0);
    expect(after.map((r) => r.data)).toEqual(['ok']);
    expect(log.lines.map((l) => l.msg)).toContain('onFailed hook threw');
  });

  it('forgets the oldest finished job ids past rememberFinished', async () => {
    queue = new InProcessJobQueue({ rememberFinished: 2 });
    const runs = record(queue, 'ids');
    await queue.start();
    for (const id of ['a', 'b', 'c']) await queue.enqueue('ids', id, { jobId: id });
    await vi.advanceTimersByTimeAsync(0);
    await queue.enqueue('ids', 'a again', { jobId: 'a' });
    await queue.enqueue('ids', 'c again', { jobId: 'c' });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.map((r) => r.data)).toEqual(['a', 'b', 'c', 'a again']);
  });

  it('starts an interval schedule at once, then every interval', async () => {
    queue = new InProcessJobQueue();
    const runs = record(queue, 'tick');
    await queue.start();
    const t0 = Date.now();
    await queue.schedule('tick', 'tick', { everyMs: 1000 });
    await vi.advanceTimersByTimeAsync(3500);
    expect(runs.map((r) => r.at - t0)).toEqual([0, 1000, 2000, 3000]);
    expect(runs[1]?.job.id).toBe(`repeat:tick:${t0 + 1000}`);
  });

  it('keeps the cadence when the same schedule is set again, and restarts it when the interval changes', async () => {
    queue = new InProcessJobQueue();
    const runs = record(queue, 'tick');
    await queue.start();
    const t0 = Date.now();
    await queue.schedule('s', 'tick', { everyMs: 1000 }, { v: 1 });
    await vi.advanceTimersByTimeAsync(1500);
    // A restart re-declares its schedules: no extra run, new data from the next run on.
    await queue.schedule('s', 'tick', { everyMs: 1000 }, { v: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs.map((r) => [r.at - t0, r.data])).toEqual([
      [0, { v: 1 }],
      [1000, { v: 1 }],
      [2000, { v: 2 }],
    ]);
    await queue.schedule('s', 'tick', { everyMs: 300 }, { v: 3 });
    await vi.advanceTimersByTimeAsync(400);
    expect(runs.slice(3).map((r) => [r.at - t0, r.data])).toEqual([
      [2500, { v: 3 }],
      [2800, { v: 3 }],
    ]);
  });

  it('does not pile up runs of a schedule behind a slow handler', async () => {
    queue = new InProcessJobQueue();
    const starts: number[] = [];
    queue.register('slow', async () => {
      starts.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 1000));
    });
    await queue.start();
    const t0 = Date.now();
    await queue.schedule('slow', 'slow', { everyMs: 100 });
    await vi.advanceTimersByTimeAsync(2050);
    // The next run is armed when a run starts: one waits behind the slow run, the missed ones are skipped.
    expect(starts.map((t) => t - t0)).toEqual([0, 1000, 2000]);
  });

  it('fires a cron schedule at its times in its zone', async () => {
    queue = new InProcessJobQueue();
    const runs = record(queue, 'nightly');
    await queue.start();
    await queue.schedule('nightly', 'nightly', { cron: '0 3 * * *', tz: 'Asia/Dubai' });
    await vi.advanceTimersByTimeAsync(2 * 24 * 3600 * 1000);
    expect(runs.map((r) => new Date(r.at).toISOString())).toEqual(['2026-03-01T23:00:00.000Z', '2026-03-02T23:00:00.000Z']);
  });

  it('stops a schedule on unschedule, including a run that fired but has not started', async () => {
    queue = new InProcessJobQueue();
    const runs = record(queue, 'stop');
    await queue.schedule('stop', 'stop', { everyMs: 1000 });
    await vi.advanceTimersByTimeAsync(0);
    await queue.unschedule('stop', 'stop');
    await queue.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(0);
  });

  it('drops waiting and delayed jobs at close, and says so', async () => {
    const log = spyLog();
    queue = new InProcessJobQueue({ log });
    const runs = record(queue, 'dropped');
    await queue.enqueue('dropped', 'waiting');
    await queue.enqueue('dropped', 'delayed', { delayMs: 1000 });
    await queue.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(0);
    expect(log.lines).toContainEqual({ level: 'warn', obj: { dropped: 1 }, msg: 'in-process jobs dropped at close' });
    await expect(queue.start()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(queue.schedule('s', 'dropped', { everyMs: 10 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('does not report a job whose retry is dropped by close as failed', async () => {
    const failures: JobFailure[] = [];
    queue = new InProcessJobQueue({ onFailed: (f) => failures.push(f) });
    let fail!: (err: Error) => void;
    queue.register('closing', () => new Promise<void>((_resolve, reject) => (fail = reject)));
    await queue.start();
    await queue.enqueue('closing', {}, { attempts: 3 });
    await vi.advanceTimersByTimeAsync(0);
    const closed = queue.close();
    fail(new Error('interrupted'));
    await closed;
    expect(failures).toEqual([]);
  });
});
