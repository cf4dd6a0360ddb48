// `npm run bench:campaigns`: segments and campaigns at a million members (issue #7), on PostgreSQL and Redis.
// In one run, on a fresh database:
//   1. a brand with --members members (bench/helpers/generate-members.ts);
//   2. segment count and preview for a few expressions (median of 5), next to a plain count(*) of the brand's
//      member_facts rows measured in the same run (the scan floor), and the RFM job over everyone;
//   3. a campaign (A/B in three languages, 5 % holdout) to the whole audience through the real worker process
//      (`main.ts worker`, BullMQ on Redis, the real LINE client) to a fake LINE server on 127.0.0.1 with rate limits
//      off: time until every recipient was handed over, duplicates and losses counted at the fake server, the worker's
//      memory sampled every 2 s;
//   4. the same again with a kill -9 of the worker when --kill-at of the recipients were handed over, and a restart:
//      duplicates and losses after the restart.
// Prints a table and writes bench/results/campaigns-<timestamp>.json. Options: see bench/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { createBullmqQueue } from '../adapters/queue/bullmq.queue.js';
import {
  approveCampaign,
  campaignStats,
  createCampaign,
  requestApproval,
  setAudience,
  setChannel,
  setHoldout,
  setVariant,
  startCampaign,
} from '../core/campaigns/index.js';
import { computeRfm, countSegment, previewSegment, saveSegment } from '../core/segments/index.js';
import { silentLog, systemClock, type CoreDeps, type JobQueue } from '../core/shared/index.js';
import { migrateDb, openDb, rowsOf, schema, type DbHandle } from '../db/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../db/scratch-database.js';
import { generateMembers } from './helpers/generate-members.js';

interface Options {
  adminUrl: string;
  redisUrl: string;
  members: number;
  killAt: number;
  timeLimitS: number;
  skipKill: boolean;
  keep: boolean;
}

function options(argv: readonly string[]): Options {
  const get = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  return {
    adminUrl: get('db', process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'),
    redisUrl: get('redis', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    members: Number(get('members', '1000000')),
    killAt: Number(get('kill-at', '0.4')),
    timeLimitS: Number(get('time-limit', '2400')),
    skipKill: argv.includes('--skip-kill'),
    keep: argv.includes('--keep'),
  };
}

interface Metric {
  metric: string;
  value: number | null;
  unit: string;
  target: string;
  pass: boolean | null;
  note?: string;
}

const opts = options(process.argv.slice(2));
const started = new Date();
const metrics: Metric[] = [];
const details: Record<string, unknown> = {};
const brandId = `bench-${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'bench-campaigns-'));
let scratch: ScratchDatabase | undefined;
let handle: DbHandle | undefined;
let queue: JobQueue | undefined;
let fakeLine: ChildProcess | undefined;
let worker: ChildProcess | undefined;
let cleaned = false;

const log = (s: string): void => void process.stderr.write(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await stopChild(worker);
  await stopChild(fakeLine);
  await queue?.close().catch(() => undefined);
  await handle?.close().catch(() => undefined);
  // The worker's queues live under the brand's prefix in Redis: remove them with the database.
  const redis = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis
    .connect()
    .then(async () => {
      const keys = await redis.keys(`crm:${brandId}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    })
    .catch(() => undefined)
    .finally(() => redis.disconnect());
  if (!opts.keep) await scratch?.drop().catch((err: Error) => log(`drop failed: ${err.message}`));
  rmSync(dataDir, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  log(`time limit of ${opts.timeLimitS} s reached; stopping`);
  void cleanup().finally(() => process.exit(3));
}, opts.timeLimitS * 1000);
watchdog.unref();
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

/** Median time of `runs` calls, in ms. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Starts the fake LINE API in its own process; resolves with its base URL. */
async function startFakeLine(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./helpers/fake-line-server.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  fakeLine = child;
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^port (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`fake LINE server exited (${code})`)));
  });
  return `http://127.0.0.1:${port}`;
}

interface FakeStats {
  requests: number;
  delivered: number;
  dedupedByKey: number;
  noKey: number;
  recipients: number;
  recipientsMoreThanOnce: number;
  duplicateMessages: number;
}

const fakeStats = async (base: string): Promise<FakeStats> => (await (await fetch(`${base}/stats`)).json()) as FakeStats;

/** Starts `main.ts worker` (the real worker process) and waits until it says it runs. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../main.ts', import.meta.url)), 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.includes('worker is running')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal})`)));
  });
  return child;
}

/** Resident memory of a process in MiB (Linux). */
function rssMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

interface SendCounts {
  total: number;
  handedOver: number;
  unfinished: number;
  skipped: number;
  failed: number;
  holdout: number;
}

async function sendCounts(deps: CoreDeps, campaignId: number): Promise<SendCounts> {
  const rows = rowsOf<{ status: string; n: string }>(
    await deps.db.execute(sql`select status, count(*) as n from campaign_sends where campaign_id = ${campaignId} group by status`),
  );
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const n = (k: string) => by[k] ?? 0;
  return {
    total: rows.reduce((s, r) => s + Number(r.n), 0),
    handedOver: n('sent') + n('delivered') + n('read'),
    unfinished: n('pending') + n('sending') + n('held'),
    skipped: n('skipped'),
    failed: n('failed'),
    holdout: n('holdout'),
  };
}

/** Builds an approved A/B campaign to `segment` on LINE; returns its id. */
async function approvedCampaign(deps: CoreDeps, staff: { creator: string; admin: string }, name: string, segment: string): Promise<number> {
  const created = await createCampaign(deps, { brandId, name, createdBy: staff.creator, storeIds: [] });
  if (created.status !== 'created') throw new Error(`createCampaign: ${created.status}`);
  const id = created.campaign.id;
  const texts: Record<string, Record<string, string>> = {
    A: { en: 'Hello {first_name}, you have {points} points. New oud collection: https://example.com/oud', ar: 'مرحباً {first_name}، لديك {points} نقطة. مجموعة العود الجديدة: https://example.com/oud', zh: '{first_name}您好，您有 {points} 積分。全新沉香系列：https://example.com/oud' },
    B: { en: '{first_name}, double points this week on oud. https://example.com/oud', ar: '{first_name}، نقاط مضاعفة هذا الأسبوع على العود. https://example.com/oud', zh: '{first_name}，本週沉香雙倍積分。https://example.com/oud' },
  };
  for (const [key, byLanguage] of Object.entries(texts)) {
    for (const [language, text] of Object.entries(byLanguage)) {
      const r = await setVariant(deps, { brandId, campaignId: id, key, language, text });
      if (r.status !== 'updated') throw new Error(`setVariant ${key}/${language}: ${r.status}`);
    }
  }
  for (const [what, r] of [
    ['audience', await setAudience(deps, { brandId, campaignId: id, segmentName: segment })],
    ['channel', await setChannel(deps, { brandId, campaignId: id, channel: 'line' })],
    ['holdout', await setHoldout(deps, { brandId, campaignId: id, percent: 5 })],
  ] as const) {
    if (r.status !== 'updated') throw new Error(`${what}: ${r.status}`);
  }
  const requested = await requestApproval(deps, { brandId, campaignId: id, staffId: staff.creator });
  if (requested.status !== 'requested') throw new Error(`requestApproval: ${requested.status}`);
  const approved = await approveCampaign(deps, { brandId, campaignId: id, approverId: staff.admin, approverRole: 'admin' });
  if (approved.status !== 'approved') throw new Error(`approveCampaign: ${approved.status}`);
  return id;
}

interface RunResult {
  seconds: number;
  counts: SendCounts;
  fake: FakeStats;
  rssMiB: { min: number; max: number; samples: number[] };
  killedAt?: number;
  restartSeconds?: number;
}

/** Starts campaign `id` and follows it until nothing is left to send; with `killAt`, kill -9s the worker on the way. */
async function runCampaign(deps: CoreDeps, workerEnv: Record<string, string>, fakeBase: string, staff: { creator: string }, id: number, killAt?: number): Promise<RunResult> {
  await fetch(`${fakeBase}/reset`, { method: 'POST' });
  const t0 = performance.now();
  const startedCampaign = await startCampaign({ ...deps, queue: queue! }, { brandId, campaignId: id, staffId: staff.creator });
  if (startedCampaign.status !== 'started') throw new Error(`startCampaign: ${startedCampaign.status}`);
  const rss: number[] = [];
  let killedAt: number | undefined;
  let restartSeconds: number | undefined;
  let lastLog = 0;
  for (;;) {
    await sleep(2000);
    const counts = await sendCounts(deps, id);
    const mem = rssMiB(worker?.pid);
    if (mem !== null) rss.push(Math.round(mem));
    const [row] = await deps.db.select({ status: schema.campaigns.status, expandedAt: schema.campaigns.expandedAt }).from(schema.campaigns).where(sql`${schema.campaigns.id} = ${id}`);
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`  campaign ${id}: ${counts.handedOver.toLocaleString('en-US')} handed over, ${counts.unfinished.toLocaleString('en-US')} to go, ${counts.skipped} skipped, ${counts.failed} failed; status ${row?.status}; worker ${mem?.toFixed(0)} MiB`);
    }
    if (killAt !== undefined && killedAt === undefined && row?.expandedAt && counts.handedOver >= killAt * (counts.total - counts.holdout)) {
      killedAt = counts.handedOver;
      log(`  kill -9 of the worker at ${killedAt.toLocaleString('en-US')} handed over`);
      await stopChild(worker, 'SIGKILL');
      const t = performance.now();
      worker = await startWorker(workerEnv);
      restartSeconds = (performance.now() - t) / 1000;
      log(`  worker restarted in ${restartSeconds.toFixed(1)} s`);
      continue;
    }
    if (row?.status === 'completed' && counts.unfinished === 0) break;
    if (row?.status === 'paused' || row?.status === 'cancelled') throw new Error(`campaign ${id} is ${row.status}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds,
    counts: await sendCounts(deps, id),
    fake: await fakeStats(fakeBase),
    rssMiB: { min: Math.min(...rss), max: Math.max(...rss), samples: rss },
    ...(killedAt !== undefined ? { killedAt, restartSeconds: restartSeconds! } : {}),
  };
}

async function main(): Promise<void> {
  details.machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAtStart: loadavg() };
  scratch = await createScratchDatabase(opts.adminUrl, 'bench_campaigns');
  handle = await openDb({ databaseUrl: scratch.url, poolSize: 4 });
  await migrateDb(handle);
  const deps: CoreDeps = { db: handle.db, clock: systemClock, log: silentLog };

  log(`generating ${opts.members.toLocaleString('en-US')} members`);
  details.generate = await generateMembers(scratch.url, brandId, opts.members, log);

  // 2. Segments.
  const expressions = [
    'tier = gold and city = Dubai and days_since_last_purchase > 60',
    'lifetime_spend >= 2000 and visits between 5 and 20 and language in (ar, en)',
    'birthday_month = 12 or (tier = platinum and not consent = line)',
  ];
  const floor = await median(5, () => deps.db.execute(sql`select count(*) from member_facts where brand_id = ${brandId}`));
  metrics.push({ metric: 'count(*) of the brand (scan floor)', value: Math.round(floor), unit: 'ms', target: '', pass: null });
  for (const expression of expressions) {
    const r = await countSegment(deps, { brandId, expression, storeIds: [] });
    if (!r.ok) throw new Error(`segment ${expression}: ${r.error.message}`);
    const count = await median(5, () => countSegment(deps, { brandId, expression, storeIds: [] }));
    const preview = await median(5, () => previewSegment(deps, { brandId, expression, storeIds: [] }));
    metrics.push({ metric: `segment count: ${expression}`, value: Math.round(count), unit: 'ms', target: '< 1000 ms', pass: count < 1000, note: `${r.count.toLocaleString('en-US')} members; ${(count / floor).toFixed(2)}× the scan floor` });
    metrics.push({ metric: `segment preview (count, sample, by tier, by store): same`, value: Math.round(preview), unit: 'ms', target: '< 1000 ms', pass: preview < 1000 });
  }
  let t = performance.now();
  const rfm = await computeRfm(deps, { brandId });
  metrics.push({ metric: `RFM for all members (${rfm.members.toLocaleString('en-US')} scored)`, value: Math.round(performance.now() - t), unit: 'ms', target: '', pass: null });
  details.rfm = rfm;

  // 3–4. Campaigns through the real worker.
  const [creator] = await deps.db.insert(schema.staffMembers).values({ brandId, name: 'Mona (marketing)', role: 'marketing_manager', createdBy: 'bench' }).returning();
  const [admin] = await deps.db.insert(schema.staffMembers).values({ brandId, name: 'Adam (admin)', role: 'admin', createdBy: 'bench' }).returning();
  const staff = { creator: creator!.id, admin: admin!.id };
  const everyone = await saveSegment(deps, { brandId, name: 'everyone', expression: 'points >= 0', storeIds: [], createdBy: staff.creator });
  if (everyone.status !== 'created') throw new Error(`segment: ${everyone.status}`);

  const fakeBase = await startFakeLine();
  const workerEnv = {
    DATABASE_URL: scratch.url,
    REDIS_URL: opts.redisUrl,
    BRAND_ID: brandId,
    SEED_DEMO_DATA: 'never',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LINE_CHANNEL_SECRET: 'bench-secret',
    LINE_CHANNEL_ACCESS_TOKEN: 'bench-token',
    LINE_API_BASE_URL: fakeBase,
    CAMPAIGN_RATE_LINE: '0',
    PUBLIC_BASE_URL: 'https://crm.example.com',
  };
  queue = createBullmqQueue({ connection: opts.redisUrl, prefix: `crm:${brandId}`, log: silentLog });
  t = performance.now();
  worker = await startWorker(workerEnv);
  details.workerStartSeconds = (performance.now() - t) / 1000;

  const target = opts.members;
  log('campaign 1: straight through');
  const firstId = await approvedCampaign(deps, staff, 'Oud launch', 'everyone');
  const first = await runCampaign(deps, workerEnv, fakeBase, staff, firstId);
  details.campaign = first;
  const firstLost = Math.max(0, first.counts.handedOver - first.fake.recipients) + first.counts.unfinished;
  metrics.push({
    metric: `campaign to ${target.toLocaleString('en-US')} members: all handed over`,
    value: Math.round(first.seconds),
    unit: 's',
    target: '< 300 s',
    pass: first.seconds < 300,
    note: `${first.counts.handedOver.toLocaleString('en-US')} sent (${Math.round(first.counts.handedOver / first.seconds).toLocaleString('en-US')}/s), ${first.counts.holdout.toLocaleString('en-US')} holdout, ${first.counts.skipped.toLocaleString('en-US')} skipped (no consent), ${first.counts.failed} failed`,
  });
  metrics.push({ metric: 'campaign: duplicates at the channel', value: first.fake.duplicateMessages, unit: '', target: '0', pass: first.fake.duplicateMessages === 0 });
  metrics.push({ metric: 'campaign: losses', value: firstLost, unit: '', target: '0', pass: firstLost === 0 });
  metrics.push({ metric: 'campaign: worker memory (min–max RSS)', value: first.rssMiB.max, unit: 'MiB', target: 'flat', pass: null, note: `min ${first.rssMiB.min} MiB, max ${first.rssMiB.max} MiB over ${first.rssMiB.samples.length} samples` });
  details.campaignStats = await campaignStats(deps, { brandId, campaignId: firstId });

  if (!opts.skipKill) {
    log(`campaign 2: kill -9 of the worker at ${Math.round(opts.killAt * 100)} %`);
    const second = await runCampaign(deps, workerEnv, fakeBase, staff, await approvedCampaign(deps, staff, 'Oud launch (again)', 'everyone'), opts.killAt);
    details.campaignKilled = second;
    const lost = Math.max(0, second.counts.handedOver - second.fake.recipients) + second.counts.unfinished;
    metrics.push({
      metric: 'campaign with kill -9 of the worker: total time',
      value: Math.round(second.seconds),
      unit: 's',
      target: '',
      pass: null,
      note: `killed after ${second.killedAt?.toLocaleString('en-US')} handed over; restart took ${second.restartSeconds?.toFixed(1)} s; ${second.fake.dedupedByKey.toLocaleString('en-US')} in-doubt pushes answered 409 by the retry key`,
    });
    metrics.push({ metric: 'kill -9: duplicates at the channel', value: second.fake.duplicateMessages, unit: '', target: '0', pass: second.fake.duplicateMessages === 0 });
    metrics.push({ metric: 'kill -9: losses', value: lost, unit: '', target: '0', pass: lost === 0 });
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}

function printTable(rows: Metric[]): void {
  const cells = rows.map((m) => [m.metric, m.value === null ? '—' : `${fmt(m.value)} ${m.unit}`.trim(), m.target, m.pass === null ? '' : m.pass ? 'pass' : 'FAIL']);
  const head = ['metric', 'value', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${cells.map(line).join('\n')}\n`);
  for (const m of rows) if (m.note) process.stdout.write(`  ${m.metric}: ${m.note}\n`);
}

let failed: unknown;
try {
  await main();
} catch (err) {
  failed = err;
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  details.loadAtEnd = loadavg();
  await cleanup();
  clearTimeout(watchdog);
}
printTable(metrics);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `campaigns-${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify({ startedAt: started.toISOString(), options: { ...opts, adminUrl: undefined, redisUrl: undefined }, metrics, details, error: failed instanceof Error ? failed.message : undefined }, null, 2)}\n`);
process.stdout.write(`\nresults: ${out}\n`);
process.exit(failed ? 1 : 0);
