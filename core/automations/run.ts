// Running the automations: each period planned (plan.ts) is handed to core/campaigns, which launches one campaign per
// key and brand and applies the send-time rules (consent, STOP, quiet hours, frequency cap, agent mode). A second run
// for the same period finds the key taken and launches nothing: that is what makes every run safe to repeat.
import { and, eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { launchAutomationCampaign } from '../campaigns/index.js';
import type { CoreDeps, JobQueue } from '../shared/index.js';
import { countAudience, planAutomation, type AutomationPlan } from './plan.js';
import { AUTOMATION_KINDS, type AutomationKind } from './settings.js';

/** What the automations need: the core's deps, and the queue that starts a launched campaign at once (optional). */
export type AutomationDeps = CoreDeps & { queue?: JobQueue };

/** What one automation did for one period. */
export interface AutomationRun {
  automation: AutomationKind;
  /** The period's campaign key (`birthday:2026-W47`); null when the automation could not run at all. */
  automationKey: string | null;
  /**
   * launched: a campaign was launched now; exists: this period's campaign was launched by an earlier run; empty: nobody
   * matches (no campaign made); invalid_settings: the automation's settings are wrong and it did nothing (`reason`);
   * failed: an error stopped it (logged; the other automations still ran).
   */
  status: 'launched' | 'exists' | 'empty' | 'invalid_settings' | 'failed';
  campaignId: number | null;
  /** Members matching the period's audience before the send-time rules (when counted). */
  audience?: number;
  /** Birthday bonuses credited by this run. */
  credited?: number;
  reason?: string;
}

/**
 * Runs every enabled automation of a brand for `now` (default: the clock) and returns what each did. Invalid settings
 * skip that automation with a logged reason; an error in one is logged and reported as `failed`, the others still run.
 */
export async function runAutomations(deps: AutomationDeps, input: { brandId: string; now?: Date }): Promise<AutomationRun[]> {
  const rows = await deps.db
    .select({ key: schema.automations.key })
    .from(schema.automations)
    .where(and(eq(schema.automations.brandId, input.brandId), eq(schema.automations.enabled, true)));
  const out: AutomationRun[] = [];
  for (const kind of AUTOMATION_KINDS) {
    if (!rows.some((r) => r.key === kind)) continue;
    try {
      out.push(...(await runAutomation(deps, { brandId: input.brandId, automation: kind, ...(input.now ? { now: input.now } : {}) })));
    } catch (err) {
      deps.log.error({ err, brandId: input.brandId, automation: kind }, 'automation failed');
      out.push({ automation: kind, automationKey: null, status: 'failed', campaignId: null, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

/**
 * Runs one automation of a brand for `now` if it is enabled (nothing when it is off or the brand has no row for it);
 * throws on infrastructure errors, so a job retries (what was launched stays launched; the retry finds it).
 */
export async function runAutomation(deps: AutomationDeps, input: { brandId: string; automation: AutomationKind; now?: Date }): Promise<AutomationRun[]> {
  const outcome = await planAutomation(deps, input);
  if (outcome.status === 'disabled') return [];
  if (outcome.status === 'invalid_settings') {
    deps.log.warn({ brandId: input.brandId, automation: input.automation, reason: outcome.error }, 'automation skipped: invalid settings');
    return [{ automation: input.automation, automationKey: null, status: 'invalid_settings', campaignId: null, reason: outcome.error }];
  }
  const out: AutomationRun[] = [];
  for (const plan of outcome.plans) out.push(await execute(deps, input.brandId, plan));
  return out;
}

async function execute(deps: AutomationDeps, brandId: string, plan: AutomationPlan): Promise<AutomationRun> {
  const base = { automation: plan.automation, automationKey: plan.automationKey };
  const existing = await findAutomationCampaign(deps, brandId, plan.automationKey);
  if (existing !== null) return { ...base, status: 'exists', campaignId: existing };
  const audience = await countAudience(deps, plan.audience);
  // No campaign for nobody: an automation would otherwise leave an empty campaign behind every day.
  if (audience === 0) return { ...base, status: 'empty', campaignId: null, audience };
  const credited = plan.before ? await plan.before() : undefined;
  const launched = await launchAutomationCampaign(deps, {
    brandId,
    automationKey: plan.automationKey,
    name: plan.name,
    variants: [{ key: 'A', content: plan.content }],
    audience: plan.audience,
    ...(plan.channel ? { channel: plan.channel } : {}),
  });
  deps.log.info({ brandId, automation: plan.automation, automationKey: plan.automationKey, status: launched.status, campaignId: launched.campaignId, audience, credited }, 'automation run');
  return { ...base, status: launched.status, campaignId: launched.campaignId, audience, ...(credited !== undefined ? { credited } : {}) };
}

// Checked before anything else, so a re-run neither counts the audience again nor credits a birthday bonus to someone
// who joined the audience after the message went (they would get points without the message that explains them).
async function findAutomationCampaign(deps: CoreDeps, brandId: string, automationKey: string): Promise<number | null> {
  const [row] = await deps.db
    .select({ id: schema.campaigns.id })
    .from(schema.campaigns)
    .where(and(eq(schema.campaigns.brandId, brandId), eq(schema.campaigns.automationKey, automationKey)));
  return row?.id ?? null;
}
