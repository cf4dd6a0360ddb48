// What only the BullMQ adapter does: share work and schedules between processes, keep jobs across restarts,
// bound what Redis keeps, and stay responsive while Redis is down. The shared semantics are in the contract suite.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/helpers/eventually.js';
import type { JobQueue } from '../../core/shared/job-queue.js';
import { silentLog } from '../../core/shared/log.js';
import { BULLMQ_RETENTION, createBullmqQueue, decodeJobId, encodeJobId, type BullmqQueueConfig } from './bullmq.queue.js';
import { deleteRedisKeys, testPrefix } from './test-redis.js';

const redisUrl = process.env.REDIS_URL;

describe('job id encoding', () => {
  it.each(['points:release:42', '42', '-7', '007', '100%', 'release-2026-03-01', '%3A', ''])('round-trips %j', (id) => {
    const encoded = encodeJobId(id);
    expect(decodeJobId(encoded)).toBe(id);
    // What BullMQ refuses: a ":" and an id that reads as an integer.
    expect(encoded).not.toContain(':');
    if (encoded !== '') expect(String(parseInt(encoded, 10))).not.toBe(encoded);
  });

  it('leaves ids BullMQ made up unchanged', () => {
    expect(decodeJobId('17')).toBe('17');
    expect(decodeJobId('repeat:tiers:1772323200000')).toBe('repeat:tiers:1772323200000');
  });
});

describe('while Redis is unreachable', () => {
  it('fails enqueue with UNAVAILABLE and still starts and closes promptly', async () => {
    const queue = createBullmqQueue({ connection: 'redis://127.0.0.1:1', prefix: 'unreachable', log: silentLog, timeoutMs: 200 });
    queue.register('work', () => Promise.resolve());
    await queue.start();
    await expect(queue.enqueue('work', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(queue.schedule('s', 'work', { everyMs: 1000 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const started = Date.now();
    await queue.close();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe.runIf(redisUrl)('BullMQ queue on Redis', () => {
  const run = testPrefix('bullmq');
  let n = 0;
  const open: JobQueue[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });
  afterAll(() => deleteRedisKeys(redisUrl!, `${run}*`));

  const newPrefix = (): string => `${run}-${++n}`;
  /** Looks at a queue through BullMQ's own API, on a connection of its own. */
  async function inspect<T>(name: string, prefix: string, look: (queue: Queue) => Promise<T>): Promise<T> {
    const redis = new Redis(redisUrl!);
    const queue = new Queue(name, { connection: redis, prefix });
    try {
      return await look(queue);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  }
  function make(prefix: string, extra: Partial<BullmqQueueConfig> = {}): JobQueue {
    const queue = createBullmqQueue({ connection: redisUrl!, prefix, log: silentLog, ...extra });
    open.push(queue);
    return queue;
  }

  it('lets one process enqueue and another run the job', async () => {
    const prefix = newPrefix();
    const producer = make(prefix);
    const worker = make(prefix);
    const seen: unknown[] = [];
    worker.register('release-points', (data) => {
      seen.push(data);
      return Promise.resolve();
    });
    await worker.start();
    await producer.enqueue('release-points', { brand: 'demo' }, { jobId: 'release:2026-03-01' });
    await eventually(() => expect(seen).toEqual([{ brand: 'demo' }]));
  });

  it('keeps a job across a restart', async () => {
    const prefix = newPrefix();
    const before = make(prefix);
    await before.enqueue('expire-points', { brand: 'demo' }, { delayMs: 100 });
    await before.close();
    const after = make(prefix);
    const seen: unknown[] = [];
    after.register('expire-points', (data) => {
      seen.push(data);
      return Promise.resolve();
    });
    await after.start();
    await eventually(() => expect(seen).toEqual([{ brand: 'demo' }]));
  });

  it('runs one schedule however many processes declare it', async () => {
    const prefix = newPrefix();
    const runs: number[] = [];
    const processes = [make(prefix), make(prefix), make(prefix)];
    for (const p of processes) {
      p.register('tier-eval', () => {
        runs.push(Date.now());
        return Promise.resolve();
      });
      await p.schedule('tiers', 'tier-eval', { everyMs: 250 });
      await p.start();
    }
    await eventually(() => expect(runs.some((t) => t > runs[0]! + 1000)).toBe(true), { timeoutMs: 8000 });
    // One schedule fires at most 5 times in the 1000 ms after its first run (+1 for a late first run).
    expect(runs.filter((t) => t <= runs[0]! + 1000).length).toBeLessThanOrEqual(6);
  });

  it('keeps finished jobs only within the retention limits', async () => {
    const prefix = newPrefix();
    const queue = make(prefix, { keepCompleted: { count: 2 } });
    let done = 0;
    queue.register('batch', () => {
      done++;
      return Promise.resolve();
    });
    await queue.start();
    for (let i = 0; i < 6; i++) await queue.enqueue('batch', { i });
    await eventually(() => expect(done).toBe(6));
    await inspect('batch', prefix, (q) => eventually(async () => expect(await q.getCompletedCount()).toBeLessThanOrEqual(2)));
  });

  it('sets the default retention on every job', async () => {
    const prefix = newPrefix();
    const queue = make(prefix);
    await queue.enqueue('kept', {}, { jobId: 'kept:1', delayMs: 60_000 });
    const opts = await inspect('kept', prefix, async (q) => (await q.getJob(encodeJobId('kept:1')))?.opts);
    expect(opts?.removeOnComplete).toEqual(BULLMQ_RETENTION.completed);
    expect(opts?.removeOnFail).toEqual(BULLMQ_RETENTION.failed);
    expect(opts?.backoff).toEqual({ type: 'exponential', delay: 1000 });
  });
});
