// The JobQueue port on BullMQ + Redis: jobs survive restarts, and several processes share the work.
// One BullMQ Queue + Worker per job name (not one queue of named jobs): BullMQ's concurrency is per worker,
// so only per-name queues give each job its own limit, and a long campaign batch can't hold up SLA timers
// queued behind it. Connections stay few anyway: all Queues share one producer connection and all Workers
// one consumer connection (each Worker adds only its own blocking connection, which BullMQ requires).
import { Queue, Worker, type Job, type JobsOptions, type KeepJobs } from 'bullmq';
import { Redis } from 'ioredis';
import { AppError } from '../../core/shared/errors.js';
import {
  JOB_DEFAULTS,
  assertJobName,
  assertValidRepeat,
  resolveConcurrency,
  resolveJobOptions,
  toJobData,
  type EnqueueOptions,
  type JobFailure,
  type JobHandler,
  type JobQueue,
  type JobQueueHooks,
  type RegisterOptions,
  type Repeat,
} from '../../core/shared/job-queue.js';
import type { Log } from '../../core/shared/log.js';

/** Settings for `createBullmqQueue`. */
export interface BullmqQueueConfig extends JobQueueHooks {
  /** A redis:// or rediss:// URL. */
  connection: string;
  /** Prefix of every Redis key, so apps (or test runs) can share one Redis. */
  prefix: string;
  log: Log;
  /** How long completed jobs stay in Redis; a jobId dedupes only while its job is still there. */
  keepCompleted?: KeepJobs;
  /** How long failed jobs stay in Redis for inspection (and dedupe). */
  keepFailed?: KeepJobs;
  /** How long enqueue/schedule wait for Redis before failing with UNAVAILABLE, and close() for its bookkeeping (default 5000). */
  timeoutMs?: number;
}

/** Default retention: a day of completed jobs and two weeks of failed ones, each capped so Redis can't grow forever. */
export const BULLMQ_RETENTION: { completed: KeepJobs; failed: KeepJobs } = {
  completed: { age: 24 * 3600, count: 5000 },
  failed: { age: 14 * 24 * 3600, count: 5000 },
};

/** Makes a caller's id acceptable to BullMQ, which rejects ids that contain ":" or read as integers; reversible. */
export function encodeJobId(id: string): string {
  const escaped = id.replace(/%/g, '%25').replace(/:/g, '%3A');
  if (String(parseInt(escaped, 10)) !== escaped) return escaped;
  const first = escaped.charCodeAt(0).toString(16).toUpperCase();
  return `%${first}${escaped.slice(1)}`;
}

/** Reverses `encodeJobId`; ids BullMQ made up itself (plain numbers, `repeat:…`) come back unchanged. */
export function decodeJobId(id: string): string {
  return id.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

interface Registration {
  handler: JobHandler<unknown>;
  concurrency: number;
}

/** A `JobQueue` on BullMQ: durable, shared by every process that uses the same Redis and prefix. */
export function createBullmqQueue(config: BullmqQueueConfig): JobQueue {
  return new BullmqJobQueue(config);
}

class BullmqJobQueue implements JobQueue {
  private readonly log: Log;
  private readonly producer: Redis;
  private readonly consumer: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker<unknown, void, string>>();
  private readonly registrations = new Map<string, Registration>();
  private readonly keep: { removeOnComplete: KeepJobs; removeOnFail: KeepJobs };
  private readonly timeoutMs: number;
  /** Handlers running in this process; close() waits for these itself (see shutdown). */
  private readonly inflight = new Set<Promise<void>>();
  private started = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly config: BullmqQueueConfig) {
    if (config.prefix.length === 0) throw new AppError('INVALID_INPUT', 'queue prefix must not be empty');
    this.log = config.log.child({ component: 'job-queue' });
    this.timeoutMs = config.timeoutMs ?? 5000;
    this.keep = {
      removeOnComplete: config.keepCompleted ?? BULLMQ_RETENTION.completed,
      removeOnFail: config.keepFailed ?? BULLMQ_RETENTION.failed,
    };
    // Producers fail fast while Redis is down, so the caller (a webhook, a command) sees the error and retries.
    this.producer = new Redis(config.connection, { enableOfflineQueue: false });
    // Workers wait out outages instead: BullMQ requires maxRetriesPerRequest null on their connection.
    this.consumer = new Redis(config.connection, { maxRetriesPerRequest: null });
    for (const client of [this.producer, this.consumer]) {
      client.on('error', (err: Error) => this.log.warn({ err }, 'redis connection error'));
    }
  }

  register<T>(name: string, handler: JobHandler<T>, opts?: RegisterOptions): void {
    assertJobName(name);
    const concurrency = resolveConcurrency(opts);
    if (this.registrations.has(name)) throw new AppError('CONFLICT', `a handler for job ${name} is already registered`);
    // The name is the contract between enqueue and handler: data stored under it is what this handler takes.
    this.registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency });
    if (this.started && !this.closing) this.startWorker(name);
  }

  async enqueue<T>(name: string, data: T, opts?: EnqueueOptions): Promise<void> {
    this.assertOpen();
    assertJobName(name);
    const o = resolveJobOptions(opts);
    const jobOpts: JobsOptions = {
      delay: o.delayMs,
      attempts: o.attempts,
      backoff: { type: 'exponential', delay: o.backoffMs },
      ...this.keep,
    };
    if (o.jobId !== undefined) jobOpts.jobId = encodeJobId(o.jobId);
    await this.bounded(this.queue(name).add(name, toJobData(data), jobOpts), `enqueue ${name}`);
  }

  async schedule<T>(scheduleId: string, name: string, repeat: Repeat, data?: T): Promise<void> {
    this.assertOpen();
    assertJobName(name);
    if (scheduleId.length === 0) throw new AppError('INVALID_INPUT', 'scheduleId must not be empty');
    // The core matcher rejects what the in-process queue would, so a pattern never works in only one of them.
    assertValidRepeat(repeat);
    const every = 'everyMs' in repeat ? { every: repeat.everyMs } : repeat.tz === undefined ? { pattern: repeat.cron } : { pattern: repeat.cron, tz: repeat.tz };
    const upsert = this.queue(name).upsertJobScheduler(encodeJobId(scheduleId), every, {
      name,
      data: toJobData(data),
      opts: { attempts: JOB_DEFAULTS.attempts, backoff: { type: 'exponential', delay: JOB_DEFAULTS.backoffMs }, ...this.keep },
    });
    await this.bounded(upsert, `schedule ${scheduleId}`);
  }

  async unschedule(scheduleId: string, name: string): Promise<void> {
    this.assertOpen();
    assertJobName(name);
    await this.bounded(this.queue(name).removeJobScheduler(encodeJobId(scheduleId)), `unschedule ${scheduleId}`);
  }

  // Doesn't wait for Redis: the app must boot (and chat must work) while Redis is down; workers connect on their own.
  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.assertOpen();
      this.started = true;
      for (const name of this.registrations.keys()) this.startWorker(name);
      resolve();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // BullMQ's graceful Worker.close() never resolves while Redis is unreachable (taskforcesh/bullmq#4656), so:
  // close workers gracefully only when Redis is up (force otherwise), wait for our own running handlers
  // ourselves, and give the remaining Redis bookkeeping a bounded grace period before disconnecting.
  private async shutdown(): Promise<void> {
    const redisUp = this.consumer.status === 'ready';
    const workersClosed = Promise.allSettled([...this.workers.values()].map((w) => w.close(!redisUp)));
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    const finished = await this.settlesWithin(workersClosed);
    if (!finished) this.log.warn({ timeoutMs: this.timeoutMs }, 'queue workers did not close in time; disconnecting');
    await this.settlesWithin(Promise.allSettled([...this.queues.values()].map((q) => q.close())));
    // Nothing uses the shared connections any more; disconnect (not quit) can't hang while Redis is unreachable.
    this.producer.disconnect();
    this.consumer.disconnect();
  }

  /** Whether `p` settles within the timeout. */
  private async settlesWithin(p: Promise<unknown>): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.timeoutMs)));
    try {
      return await Promise.race([p.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // BullMQ waits for Redis forever; callers get UNAVAILABLE instead and retry. Should the operation still land
  // later, a retry with the same jobId is deduplicated (schedules are upserts anyway). Inputs are checked
  // before this, so what fails here is infrastructure, reported as the one AppError code for it.
  private async bounded(operation: Promise<unknown>, what: string): Promise<void> {
    let timedOut = false;
    const outcome: Promise<unknown> = operation.then(
      () => undefined,
      (err: unknown) => {
        if (timedOut) this.log.warn({ err, operation: what }, 'queue operation failed after its timeout');
        return err ?? new Error('unknown failure');
      },
    );
    if (!(await this.settlesWithin(outcome))) {
      timedOut = true;
      throw new AppError('UNAVAILABLE', `job queue unavailable: ${what} timed out`);
    }
    const failure = await outcome;
    if (failure !== undefined) throw new AppError('UNAVAILABLE', `job queue unavailable: ${what} failed`, { cause: failure });
  }

  private assertOpen(): void {
    if (this.closing) throw new AppError('UNAVAILABLE', 'job queue is closed');
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producer, prefix: this.config.prefix });
      queue.on('error', (err: Error) => this.log.warn({ job: name, err }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private startWorker(name: string): void {
    const registration = this.registrations.get(name);
    if (!registration || this.workers.has(name)) return;
    const { handler, concurrency } = registration;
    const worker = new Worker<unknown, void, string>(
      name,
      async (job) => {
        const run = handler(job.data, { id: decodeJobId(job.id ?? ''), name: job.name, attempt: job.attemptsMade + 1 });
        this.inflight.add(run);
        try {
          await run;
        } finally {
          this.inflight.delete(run);
        }
      },
      { connection: this.consumer, prefix: this.config.prefix, concurrency },
    );
    worker.on('failed', (job, err) => this.failed(name, job, err));
    worker.on('error', (err) => this.log.error({ job: name, err }, 'queue worker error'));
    this.workers.set(name, worker);
  }

  // BullMQ emits "failed" for every failed attempt; only the last one (attemptsMade has just been counted) is final.
  private failed(name: string, job: Job<unknown, void, string> | undefined, error: Error): void {
    if (!job) {
      this.log.error({ job: name, err: error }, 'job failed');
      return;
    }
    const id = decodeJobId(job.id ?? '');
    const fields = { job: name, jobId: id, attempt: job.attemptsMade, err: error };
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
    if (!final) {
      this.log.warn(fields, 'job attempt failed; will retry');
      return;
    }
    this.log.error(fields, 'job failed');
    const failure: JobFailure = { name, id, attempt: job.attemptsMade, error, data: job.data };
    try {
      this.config.onFailed?.(failure);
    } catch (hookError) {
      this.log.error({ job: name, jobId: id, err: hookError }, 'onFailed hook threw');
    }
  }
}
