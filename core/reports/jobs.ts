// Housekeeping of staff files: expired exports and charts are deleted every hour (their links stopped working at
// expiry already; this only frees the space).
import type { CoreDeps, JobQueue } from '../shared/index.js';
import { pruneStaffFiles } from './staff-files.js';

/** Job names of this module. */
export const REPORT_JOBS = { pruneFiles: 'staff-files.prune' } as const;

/** Registers the prune handler; the returned function declares its hourly schedule (call once the queue is up). */
export function registerReportJobs(queue: JobQueue, deps: CoreDeps): () => Promise<void> {
  queue.register(REPORT_JOBS.pruneFiles, async () => {
    const removed = await pruneStaffFiles(deps);
    if (removed > 0) deps.log.info({ removed }, 'expired staff files removed');
  });
  return () => queue.schedule('staff-files.prune', REPORT_JOBS.pruneFiles, { cron: '17 * * * *' });
}
