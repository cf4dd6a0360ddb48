// The campaign jobs on the JobQueue port: expansion, batches, and the sweep every minute that keeps the database
// and the queue in step (scheduled campaigns whose time came, lost jobs, campaigns with nothing left to do).
import type { JobQueue } from '../shared/index.js';
import { createCampaignEngine } from './engine.js';
import { BATCH_JOB, EXPAND_JOB, SWEEP_JOB, type BatchJobData, type ExpandJobData } from './queueing.js';
import type { CampaignDeps } from './types.js';

/**
 * Registers the campaign job handlers on `queue`; returns the function that declares the sweep's schedule (call it
 * once the queue is started, as with the other modules' jobs).
 */
export function registerCampaignJobs(queue: JobQueue, deps: CampaignDeps): () => Promise<void> {
  const engine = createCampaignEngine(queue, deps);
  queue.register<ExpandJobData>(EXPAND_JOB, (data) => engine.expand(data.campaignId), { concurrency: 1 });
  queue.register<BatchJobData>(BATCH_JOB, (data) => engine.processBatch(data.campaignId, data.batchNo), { concurrency: deps.batchConcurrency ?? 4 });
  queue.register(SWEEP_JOB, () => engine.sweep());
  return async () => {
    await queue.schedule('campaigns:sweep', SWEEP_JOB, { everyMs: 60_000 });
  };
}
