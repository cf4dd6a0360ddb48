// Background work for core (pending-points release, expiry, tier evaluation, later campaigns and SLA timers).
// Core owns this small port; adapters/queue implements it on BullMQ + Redis. The in-process implementation
// below serves tests and the single-process embedded setup. It keeps jobs in memory only, so a crash or
// restart loses queued, delayed and retrying jobs: every job must therefore be idempotent and scheduled
// jobs must re-derive their work from the database ("release every pending row whose time has passed"),
// never from a payload that only the queue remembers.
import { AppError } from './errors.js';
import { silentLog, type Log } from './log.js';

/** What a handler learns about the job it runs. */
export interface JobInfo {
  /** The caller's `jobId`, or one the queue made up. */
  id: string;
  name: string;
  /** 1 on the first run, 2 on the first retry, and so on. */
  attempt: number;
}

/** Does the work of one job; throwing (or rejecting) fails this attempt. */
export type JobHandler<T> = (data: T, job: JobInfo) => Promise<void>;

/** Options for `JobQueue.register`. */
export interface RegisterOptions {
  /** How many jobs of this name may run at once in this process (default 1). */
  concurrency?: number;
}

/** Options for `JobQueue.enqueue`. */
export interface EnqueueOptions {
  /** Dedupe key: a second enqueue with the same name and jobId is ignored while the queue remembers the first. */
  jobId?: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Total runs allowed, the first included (default 3). */
  attempts?: number;
  /** Wait before the first retry; doubles for each further retry (default 1000). */
  backoffMs?: number;
}

/** When a schedule fires: a fixed interval, or a cron pattern (5 fields, or 6 with seconds first). */
export type Repeat = { everyMs: number } | { cron: string; tz?: string };

/** A job that failed its last attempt (or could not be retried); reported once, never thrown. */
export interface JobFailure {
  name: string;
  id: string;
  attempt: number;
  error: Error;
  /** The job's data, for the hook only: it is never logged, since it may hold personal data. */
  data: unknown;
}

/** Observers every implementation accepts. */
export interface JobQueueHooks {
  log?: Log;
  /** Called once per job that has run out of attempts; a throw here is logged, not propagated. */
  onFailed?: (failure: JobFailure) => void;
}

/**
 * Background jobs by name. Data travels as JSON (a `Date` arrives as an ISO string). A handler may run more
 * than once for one job (a retry, or a crash mid-run on Redis), so handlers are idempotent.
 */
export interface JobQueue {
  /** Registers the handler for a job name (one handler per name); jobs of names without one here wait. */
  register<T>(name: string, handler: JobHandler<T>, opts?: RegisterOptions): void;
  /** Enqueues a job; a given jobId is accepted once (dedupe), so retries of the caller don't double-enqueue. */
  enqueue<T>(name: string, data: T, opts?: EnqueueOptions): Promise<void>;
  /**
   * Runs `name` repeatedly, deduplicated by `scheduleId` (across processes on Redis). An interval schedule runs
   * once right away; scheduling the same id again replaces its data and, if the repeat changed, its timing.
   */
  schedule<T>(scheduleId: string, name: string, repeat: Repeat, data?: T): Promise<void>;
  /** Removes a schedule; needed because schedules on Redis outlive the code that created them. */
  unschedule(scheduleId: string, name: string): Promise<void>;
  /** Starts processing registered handlers. */
  start(): Promise<void>;
  /** Stops taking jobs, waits for running ones, closes connections; safe to call twice. */
  close(): Promise<void>;
}

/** Defaults both implementations apply. */
export const JOB_DEFAULTS = { attempts: 3, backoffMs: 1000, concurrency: 1 } as const;

/** Job options with defaults applied and checked. */
export interface ResolvedJobOptions {
  jobId: string | undefined;
  delayMs: number;
  attempts: number;
  backoffMs: number;
}

// Letters, digits, dot, dash, underscore: safe as a BullMQ queue name and a Redis key part on every backend.
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Throws INVALID_INPUT unless `name` is a usable job name (letters, digits, `.`, `_`, `-`). */
export function assertJobName(name: string): void {
  if (!JOB_NAME.test(name)) throw new AppError('INVALID_INPUT', `invalid job name ${JSON.stringify(name)}`);
}

/** Applies defaults to enqueue options and rejects nonsense, so both implementations refuse the same input. */
export function resolveJobOptions(opts: EnqueueOptions = {}): ResolvedJobOptions {
  const { jobId, delayMs = 0, attempts = JOB_DEFAULTS.attempts, backoffMs = JOB_DEFAULTS.backoffMs } = opts;
  if (jobId !== undefined && jobId.length === 0) throw new AppError('INVALID_INPUT', 'jobId must not be empty');
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new AppError('INVALID_INPUT', 'delayMs must be a whole number ≥ 0');
  if (!Number.isInteger(attempts) || attempts < 1) throw new AppError('INVALID_INPUT', 'attempts must be a whole number ≥ 1');
  if (!Number.isInteger(backoffMs) || backoffMs < 0) throw new AppError('INVALID_INPUT', 'backoffMs must be a whole number ≥ 0');
  return { jobId, delayMs, attempts, backoffMs };
}

/** The concurrency a registration asks for, default applied; throws INVALID_INPUT unless it is a whole number ≥ 1. */
export function resolveConcurrency(opts: RegisterOptions = {}): number {
  const concurrency = opts.concurrency ?? JOB_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new AppError('INVALID_INPUT', 'concurrency must be a whole number ≥ 1');
  return concurrency;
}

/** Throws INVALID_INPUT for a schedule that could never run (bad interval, bad or never-matching cron, bad zone). */
export function assertValidRepeat(repeat: Repeat): void {
  if ('everyMs' in repeat) {
    if (!Number.isInteger(repeat.everyMs) || repeat.everyMs < 1) throw new AppError('INVALID_INPUT', 'everyMs must be a whole number ≥ 1');
    return;
  }
  nextCronTime(repeat.cron, new Date(), repeat.tz);
}

/** The wait before retrying after failed attempt `attempt` (1-based): BullMQ's "exponential" back-off. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return Math.round(2 ** (attempt - 1) * backoffMs);
}

/** Turns job data into what a handler will receive: a JSON copy (`undefined` becomes `{}`, as in BullMQ). */
export function toJobData(data: unknown): unknown {
  if (data === undefined) return {};
  try {
    return JSON.parse(JSON.stringify(data)) as unknown;
  } catch (cause) {
    throw new AppError('INVALID_INPUT', 'job data must be JSON-serializable', { cause });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Cron: a small matcher so the in-process queue honours the same patterns BullMQ (cron-parser) does. The
// supported subset is the common one: numbers, `*`, `?`, ranges, lists, steps and three-letter names.

interface CronSpec {
  second: ReadonlySet<number>;
  minute: ReadonlySet<number>;
  hour: ReadonlySet<number>;
  day: ReadonlySet<number>;
  month: ReadonlySet<number>;
  weekday: ReadonlySet<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseCronField(text: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> {
  const bad = (): AppError => new AppError('INVALID_INPUT', `invalid cron field ${JSON.stringify(text)}`);
  const value = (token: string): number => {
    const named = names.indexOf(token.toLowerCase());
    if (named >= 0) return named + nameBase;
    if (!/^\d+$/.test(token)) throw bad();
    const n = Number(token);
    if (n < min || n > max) throw bad();
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') throw bad();
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw bad();
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [min, max];
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      // "5/15" means from 5 to the end of the range in steps of 15, as in cron-parser.
      hi = stepText === undefined ? lo : max;
    }
    if (lo > hi) throw bad();
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function parseCron(pattern: string): CronSpec {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length === 5) fields.unshift('0');
  if (fields.length !== 6) throw new AppError('INVALID_INPUT', `cron pattern needs 5 or 6 fields: ${JSON.stringify(pattern)}`);
  const [second = '', minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
  const weekdays = parseCronField(weekday, 0, 7, DAY_NAMES);
  // 7 is Sunday too.
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    second: parseCronField(second, 0, 59),
    minute: parseCronField(minute, 0, 59),
    hour: parseCronField(hour, 0, 23),
    day: parseCronField(day, 1, 31),
    month: parseCronField(month, 1, 12, MONTH_NAMES, 1),
    weekday: weekdays,
    dayRestricted: !/^[*?]$/.test(day),
    weekdayRestricted: !/^[*?]$/.test(weekday),
  };
}

interface WallClock {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(ms: number, tz: string | undefined): WallClock {
  const key = tz ?? '';
  let format = formatters.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        month: 'numeric',
        day: 'numeric',
        weekday: 'short',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new AppError('INVALID_INPUT', `unknown time zone ${JSON.stringify(tz)}`, { cause });
    }
    formatters.set(key, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) parts[p.type] = p.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: DAY_NAMES.indexOf((parts.weekday ?? '').toLowerCase()),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

function dayMatches(spec: CronSpec, t: WallClock): boolean {
  const byDay = spec.day.has(t.day);
  const byWeekday = spec.weekday.has(t.weekday);
  // Classic cron: when both day fields are restricted, either one matching is enough.
  if (spec.dayRestricted && spec.weekdayRestricted) return byDay || byWeekday;
  return byDay && byWeekday;
}

const CRON_HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;

/**
 * The first whole second strictly after `after` that matches the cron `pattern` in time zone `tz` (the process's
 * zone when omitted, as in BullMQ). Throws INVALID_INPUT for a bad pattern or zone, or one that never matches.
 * Around DST changes it follows cron-parser (BullMQ's parser): a pattern with a fixed hour runs once when that
 * hour repeats, and a little late (shifted by the gap) when that hour is skipped; other patterns follow real time.
 */
export function nextCronTime(pattern: string, after: Date, tz?: string): Date {
  const spec = parseCron(pattern);
  const fixedHour = spec.hour.size < 24;
  const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  let t = start;
  // Jumps are computed from wall-clock fields and never step past a wall-clock hour boundary in one go (except
  // the day jump, which stops an hour short of midnight), so a DST change can't make us skip a matching time.
  while (t - start < CRON_HORIZON_MS) {
    const w = wallClock(t, tz);
    const toNextMinute = (60 - w.second) * 1000;
    const toNextHour = (59 - w.minute) * 60_000 + toNextMinute;
    if (!spec.month.has(w.month) || !dayMatches(spec, w)) {
      t += toNextHour + Math.max(0, 22 - w.hour) * 3_600_000;
      continue;
    }
    if (fixedHour && w.minute === 0 && w.second === 0) {
      const shifted = skippedHourRun(spec, t, w, tz);
      if (shifted !== undefined) return new Date(shifted);
    }
    if (!spec.hour.has(w.hour)) {
      t += toNextHour;
    } else if (!spec.minute.has(w.minute)) {
      t += toNextMinute;
    } else if (!spec.second.has(w.second)) {
      let s = w.second + 1;
      while (s < 60 && !spec.second.has(s)) s++;
      t += (s - w.second) * 1000;
    } else if (fixedHour && sameWallTime(wallClock(t - 3_600_000, tz), w)) {
      // The second pass through a repeated hour: a fixed-hour pattern already ran in the first.
      t += 1000;
    } else {
      return new Date(t);
    }
  }
  throw new AppError('INVALID_INPUT', `cron pattern never matches: ${JSON.stringify(pattern)}`);
}

/** At an hour boundary right after a DST gap, the shifted run of a matching skipped hour, if any. */
function skippedHourRun(spec: CronSpec, t: number, w: WallClock, tz: string | undefined): number | undefined {
  const before = wallClock(t - 1000, tz);
  if (before.day !== w.day) return undefined;
  for (let h = before.hour + 1; h < w.hour; h++) {
    if (!spec.hour.has(h)) continue;
    const minute = Math.min(...spec.minute);
    const second = Math.min(...spec.second);
    return t + (minute * 60 + second) * 1000;
  }
  return undefined;
}

function sameWallTime(a: WallClock, b: WallClock): boolean {
  return a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

// ---------------------------------------------------------------------------------------------------------
// The in-process implementation.

interface MemJob {
  name: string;
  id: string;
  key: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  /** Attempts started so far. */
  attempt: number;
  scheduleId?: string;
}

interface Lane {
  handler?: JobHandler<unknown>;
  concurrency: number;
  waiting: MemJob[];
  active: number;
}

interface MemSchedule {
  name: string;
  repeat: Repeat;
  data: unknown;
  /** When the next run is due (ms since epoch). */
  nextAt: number;
  cancelTimer?: () => void;
  /** The run that fired but has not started; like BullMQ, the following run is armed when this one starts. */
  pending?: MemJob;
}

/** Options for the in-process queue. */
export interface InProcessJobQueueOptions extends JobQueueHooks {
  /** How many finished job ids to remember for dedupe (default 10 000), like BullMQ's retention window. */
  rememberFinished?: number;
}

/** A `JobQueue` in this process's memory: timers, a per-name concurrency limit, nothing survives a restart. */
export class InProcessJobQueue implements JobQueue {
  private readonly log: Log;
  private readonly onFailed: ((failure: JobFailure) => void) | undefined;
  private readonly rememberFinished: number;
  private readonly lanes = new Map<string, Lane>();
  /** Dedupe keys (name + jobId) of jobs pending, running, or recently finished. */
  private readonly known = new Set<string>();
  /** Finished keys in completion order, so the oldest are forgotten first. */
  private readonly finished = new Set<string>();
  private readonly schedules = new Map<string, MemSchedule>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inflight = new Set<Promise<void>>();
  private seq = 0;
  private started = false;
  private closing: Promise<void> | undefined;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.log = options.log ?? silentLog;
    this.onFailed = options.onFailed;
    this.rememberFinished = options.rememberFinished ?? 10_000;
  }

  register<T>(name: string, handler: JobHandler<T>, opts?: RegisterOptions): void {
    assertJobName(name);
    const concurrency = resolveConcurrency(opts);
    const lane = this.lane(name);
    if (lane.handler) throw new AppError('CONFLICT', `a handler for job ${name} is already registered`);
    // The name is the contract between enqueue and handler: data stored under it is what this handler takes.
    lane.handler = handler as JobHandler<unknown>;
    lane.concurrency = concurrency;
    this.pump(name);
  }

  enqueue<T>(name: string, data: T, opts?: EnqueueOptions): Promise<void> {
    return new Promise<void>((resolve) => {
      this.assertOpen();
      assertJobName(name);
      const o = resolveJobOptions(opts);
      const id = o.jobId ?? `${++this.seq}`;
      const key = `${name}\u0000${id}`;
      if (this.known.has(key)) return resolve();
      const job: MemJob = { name, id, key, data: toJobData(data), attempts: o.attempts, backoffMs: o.backoffMs, attempt: 0 };
      this.known.add(key);
      if (o.delayMs > 0) this.later(o.delayMs, () => this.admit(job));
      else this.admit(job);
      resolve();
    });
  }

  schedule<T>(scheduleId: string, name: string, repeat: Repeat, data?: T): Promise<void> {
    return new Promise<void>((resolve) => {
      this.assertOpen();
      assertJobName(name);
      if (scheduleId.length === 0) throw new AppError('INVALID_INPUT', 'scheduleId must not be empty');
      assertValidRepeat(repeat);
      const jobData = toJobData(data);
      const existing = this.schedules.get(scheduleId);
      if (existing && existing.name === name && sameRepeat(existing.repeat, repeat)) {
        // Same timing: keep the cadence (a restart must not trigger an extra run), take the new data.
        existing.data = jobData;
        if (existing.pending) existing.pending.data = jobData;
        return resolve();
      }
      if (existing) this.cancel(existing);
      const now = Date.now();
      const s: MemSchedule = { name, repeat, data: jobData, nextAt: 'everyMs' in repeat ? now : nextCronTime(repeat.cron, new Date(now), repeat.tz).getTime() };
      this.schedules.set(scheduleId, s);
      this.arm(scheduleId, s);
      resolve();
    });
  }

  unschedule(scheduleId: string, _name: string): Promise<void> {
    const s = this.schedules.get(scheduleId);
    if (s) {
      this.cancel(s);
      this.schedules.delete(scheduleId);
    }
    return Promise.resolve();
  }

  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.assertOpen();
      this.started = true;
      for (const name of this.lanes.keys()) this.pump(name);
      resolve();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    let dropped = 0;
    for (const lane of this.lanes.values()) {
      dropped += lane.waiting.length;
      lane.waiting = [];
    }
    if (dropped > 0) this.log.warn({ dropped }, 'in-process jobs dropped at close');
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private assertOpen(): void {
    if (this.closing) throw new AppError('UNAVAILABLE', 'job queue is closed');
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { concurrency: JOB_DEFAULTS.concurrency, waiting: [], active: 0 };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  /**
   * Runs `fn` at `dueAt` (ms since epoch), never before: timers may fire a millisecond early by `Date.now()`.
   * Unref'd, since an idle queue must not keep a CLI or test process alive (its jobs die with it anyway).
   * Returns a cancel function.
   */
  private at(dueAt: number, fn: () => void): () => void {
    let t: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      t = setTimeout(() => {
        this.timers.delete(t);
        if (Date.now() < dueAt) arm();
        else fn();
      }, Math.max(0, dueAt - Date.now()));
      t.unref();
      this.timers.add(t);
    };
    arm();
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  private later(ms: number, fn: () => void): void {
    this.at(Date.now() + ms, fn);
  }

  private admit(job: MemJob): void {
    if (this.closing) return;
    this.lane(job.name).waiting.push(job);
    this.pump(job.name);
  }

  private pump(name: string): void {
    const lane = this.lanes.get(name);
    if (!this.started || this.closing || !lane?.handler) return;
    while (lane.active < lane.concurrency) {
      const job = lane.waiting.shift();
      if (!job) return;
      this.run(lane, lane.handler, job);
    }
  }

  private run(lane: Lane, handler: JobHandler<unknown>, job: MemJob): void {
    lane.active++;
    job.attempt++;
    if (job.scheduleId !== undefined) this.scheduledRunStarted(job.scheduleId, job);
    const info: JobInfo = { id: job.id, name: job.name, attempt: job.attempt };
    // Promise.resolve().then(...) also catches a handler that throws synchronously.
    const p: Promise<void> = Promise.resolve()
      .then(() => handler(job.data, info))
      .then(
        () => this.forget(job),
        (err: unknown) => this.failed(job, err),
      )
      .finally(() => {
        lane.active--;
        this.inflight.delete(p);
        this.pump(job.name);
      });
    this.inflight.add(p);
  }

  private failed(job: MemJob, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    const fields = { job: job.name, jobId: job.id, attempt: job.attempt, err: error };
    if (job.attempt < job.attempts) {
      // Closing: the retry is lost with the rest of memory, which is not the same as running out of attempts.
      if (this.closing) {
        this.log.warn(fields, 'job attempt failed while closing; retry dropped');
        return;
      }
      const retryInMs = retryDelayMs(job.backoffMs, job.attempt);
      this.log.warn({ ...fields, retryInMs }, 'job attempt failed; will retry');
      this.later(retryInMs, () => this.admit(job));
      return;
    }
    this.forget(job);
    this.log.error(fields, 'job failed');
    try {
      this.onFailed?.({ name: job.name, id: job.id, attempt: job.attempt, error, data: job.data });
    } catch (hookError) {
      this.log.error({ job: job.name, jobId: job.id, err: hookError }, 'onFailed hook threw');
    }
  }

  /** Keeps a finished job's key for dedupe until it is among the oldest past `rememberFinished`. */
  private forget(job: MemJob): void {
    this.finished.add(job.key);
    for (const key of this.finished) {
      if (this.finished.size <= this.rememberFinished) break;
      this.finished.delete(key);
      this.known.delete(key);
    }
  }

  private arm(scheduleId: string, s: MemSchedule): void {
    s.cancelTimer?.();
    s.cancelTimer = this.at(s.nextAt, () => {
      s.cancelTimer = undefined;
      if (this.schedules.get(scheduleId) !== s || this.closing) return;
      const id = `repeat:${scheduleId}:${s.nextAt}`;
      const job: MemJob = { name: s.name, id, key: `${s.name}\u0000${id}`, data: s.data, attempts: JOB_DEFAULTS.attempts, backoffMs: JOB_DEFAULTS.backoffMs, attempt: 0, scheduleId };
      this.known.add(job.key);
      s.pending = job;
      this.admit(job);
    });
  }

  private scheduledRunStarted(scheduleId: string, job: MemJob): void {
    const s = this.schedules.get(scheduleId);
    // Only the first attempt of the current run arms the next one; a retry or a replaced schedule doesn't.
    if (!s || s.pending !== job) return;
    s.pending = undefined;
    const now = Date.now();
    if ('everyMs' in s.repeat) {
      const every = s.repeat.everyMs;
      let next = s.nextAt + every;
      // After a stall, skip the missed runs and keep the original phase, as BullMQ does.
      if (next < now) {
        next = Math.floor(now / every) * every + (s.nextAt % every);
        if (next <= now) next += every;
      }
      s.nextAt = next;
    } else {
      s.nextAt = nextCronTime(s.repeat.cron, new Date(Math.max(now, s.nextAt)), s.repeat.tz).getTime();
    }
    this.arm(scheduleId, s);
  }

  private cancel(s: MemSchedule): void {
    s.cancelTimer?.();
    s.cancelTimer = undefined;
    const pending = s.pending;
    if (pending) {
      const lane = this.lanes.get(pending.name);
      if (lane) lane.waiting = lane.waiting.filter((j) => j !== pending);
      this.known.delete(pending.key);
      s.pending = undefined;
    }
  }
}

function sameRepeat(a: Repeat, b: Repeat): boolean {
  if ('everyMs' in a) return 'everyMs' in b && a.everyMs === b.everyMs;
  return 'cron' in b && a.cron === b.cron && a.tz === b.tz;
}
