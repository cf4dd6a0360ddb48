// Job names and ids of the delivery engine. Ids make enqueues idempotent (the queue drops a second job with the same
// id while it remembers the first), and carry a generation or a due time where a later job must not be mistaken for
// an earlier one that already ran (BullMQ keeps finished jobs, and their ids, for a day).
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/index.js';
import type { JobQueue } from '../shared/index.js';
import { num } from './sql-util.js';

/** Expands a started campaign into send rows, then enqueues its batches. */
export const EXPAND_JOB = 'campaigns.expand';
/** Sends one batch of a campaign. */
export const BATCH_JOB = 'campaigns.batch';
/** Every minute: starts due scheduled campaigns, re-enqueues stalled work, completes finished campaigns. */
export const SWEEP_JOB = 'campaigns.sweep';

/** Data of an expand job. */
export interface ExpandJobData {
  campaignId: number;
}

/** Data of a batch job. */
export interface BatchJobData {
  campaignId: number;
  batchNo: number;
}

/** Enqueues the expansion of a campaign (deduplicated per generation). */
export async function enqueueExpansion(queue: JobQueue, campaignId: number, generation: number, suffix = ''): Promise<void> {
  const data: ExpandJobData = { campaignId };
  await queue.enqueue(EXPAND_JOB, data, { jobId: `campaign:${campaignId}:expand:${generation}${suffix}`, attempts: 5, backoffMs: 2000 });
}

/** Enqueues one batch job; `dueAt` later than `now` delays it (held recipients, a retry, a lease running out). */
export async function enqueueBatch(queue: JobQueue, input: { campaignId: number; batchNo: number; generation: number; now: Date; dueAt?: Date; tag?: string }): Promise<void> {
  const delayMs = input.dueAt ? Math.max(0, input.dueAt.getTime() - input.now.getTime()) : 0;
  let jobId = `campaign:${input.campaignId}:batch:${input.batchNo}`;
  if (input.generation > 0) jobId += `:g${input.generation}`;
  if (input.tag) jobId += `:${input.tag}`;
  if (delayMs > 0) jobId += `:at${input.dueAt!.getTime()}`;
  const data: BatchJobData = { campaignId: input.campaignId, batchNo: input.batchNo };
  await queue.enqueue(BATCH_JOB, data, { jobId, delayMs, attempts: 5, backoffMs: 2000 });
}

/**
 * Enqueues a job for every batch of the campaign with work left: now where work is due, else when it becomes due.
 * One grouped read of the campaign's unfinished rows.
 */
export async function enqueueBatches(queue: JobQueue, db: Db, campaignId: number, generation: number, now: Date, tag?: string): Promise<number> {
  const rows = rowsOf<{ batch_no: number; due_at: string | Date | null }>(
    await db.execute(sql`
      select "batch_no", min(case when "not_before" is null or "not_before" <= ${now.toISOString()}::timestamptz then null else "not_before" end) as due_at,
             bool_or("not_before" is null or "not_before" <= ${now.toISOString()}::timestamptz) as due_now
      from "campaign_sends"
      where "campaign_id" = ${campaignId} and "status" in ('pending', 'sending', 'held')
      group by "batch_no" order by "batch_no"`),
  ) as Array<{ batch_no: number; due_at: string | Date | null; due_now: boolean }>;
  for (const r of rows) {
    const batchNo = num(r.batch_no);
    const dueAt = r.due_now || r.due_at === null ? undefined : new Date(r.due_at);
    await enqueueBatch(queue, { campaignId, batchNo, generation, now, ...(dueAt ? { dueAt } : {}), ...(tag ? { tag } : {}) });
  }
  return rows.length;
}
