// One job per automation kind and brand. Each period launches at the first run at or after AUTOMATION_RUN_HOUR on the
// brand's wall clock; the schedule fires every hour anyway, because the other runs of the day only find the period's
// campaign there (one indexed read) and a run missed at 10:00 (worker down, deploy) is then made up within the hour
// instead of losing that day's members. A job re-derives everything from the database and the clock (its data is
// just the brand), so a retry, a second worker or a manual run launches nothing new.
import { inArray } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps, JobQueue } from '../shared/index.js';
import { runAutomation } from './run.js';
import { AUTOMATION_KINDS, type AutomationKind } from './settings.js';

/** Job name of each automation kind. */
export const AUTOMATION_JOBS: Record<AutomationKind, string> = {
  welcome: 'automations.welcome',
  birthday: 'automations.birthday',
  'win-back': 'automations.win-back',
  'tier-upgrade': 'automations.tier-upgrade',
  'points-expiry': 'automations.points-expiry',
  seasonal: 'automations.seasonal',
};

// On the hour in the brand's zone (minute 0, so the 10:00 run is the first of a day's period).
const HOURLY = '0 * * * *';

interface AutomationJobData {
  brandId?: unknown;
}

/**
 * Registers the automation job handlers and returns the function that declares their schedules for `brandIds` (hourly
 * in each brand's time zone, read from the database then); separate because declaring needs the queue's backend up.
 */
export function registerAutomationJobs(queue: JobQueue, deps: CoreDeps, input: { brandIds: readonly string[] }): () => Promise<void> {
  const brands = new Set(input.brandIds);
  // The queue lets a launched campaign start sending at once instead of at the campaign engine's next sweep.
  const runDeps = { ...deps, queue };
  for (const kind of AUTOMATION_KINDS) {
    queue.register<AutomationJobData>(AUTOMATION_JOBS[kind], async (data) => {
      const brandId = typeof data.brandId === 'string' ? data.brandId : '';
      // A schedule left on Redis by an older deployment may name a brand this process no longer serves.
      if (!brands.has(brandId)) {
        deps.log.warn({ job: AUTOMATION_JOBS[kind], brandId }, 'automation job for a brand not served here; ignored');
        return;
      }
      await runAutomation(runDeps, { brandId, automation: kind });
    });
  }

  return async () => {
    if (brands.size === 0) return;
    const rows = await deps.db.select({ id: schema.brands.id, timezone: schema.brands.timezone }).from(schema.brands).where(inArray(schema.brands.id, [...brands]));
    for (const brandId of brands) {
      const brand = rows.find((r) => r.id === brandId);
      if (!brand) {
        deps.log.warn({ brandId }, 'automation jobs not scheduled: unknown brand');
        continue;
      }
      for (const kind of AUTOMATION_KINDS) {
        await queue.schedule(`${brandId}:automation-${kind}`, AUTOMATION_JOBS[kind], { cron: HOURLY, tz: brand.timezone }, { brandId });
      }
    }
  };
}
