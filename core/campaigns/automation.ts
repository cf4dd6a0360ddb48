// Automation campaigns (welcome, birthday week, win-back, …): made by core/automations with a ready audience, no
// approval, and sent at once. One per (brand, automation key) by the unique index, so a rerun of the automation's
// job launches nothing new; the campaign row, its variants and its send rows commit together, so "exists" always
// means "fully expanded".
import { and, eq, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { AppError } from '../shared/index.js';
import { expandInTransaction } from './engine.js';
import { finishExpansion, registerLinks } from './expand.js';
import { enqueueBatches } from './queueing.js';
import { unknownVariable } from './template.js';
import { CAMPAIGN_CHANNELS, type AutomationCampaignInput, type CommandDeps } from './types.js';

/** Launches an automation's campaign once per automation key; with `deps.queue` sending starts now, else at the sweep. */
export async function launchAutomationCampaign(deps: CommandDeps, input: AutomationCampaignInput): Promise<{ status: 'launched' | 'exists'; campaignId: number }> {
  if (input.variants.length === 0) throw new AppError('INVALID_INPUT', 'an automation campaign needs a variant');
  for (const v of input.variants) {
    if (!/^[A-Z]$/.test(v.key)) throw new AppError('INVALID_INPUT', `variant key ${JSON.stringify(v.key)} is not one letter A-Z`);
    for (const text of Object.values(v.content)) {
      const unknown = text ? unknownVariable(text) : null;
      if (unknown !== null) throw new AppError('INVALID_INPUT', `unknown variable {${unknown}} in variant ${v.key}`);
    }
  }
  const channel = input.channel ?? 'preferred';
  if (!CAMPAIGN_CHANNELS.includes(channel)) throw new AppError('INVALID_INPUT', `unknown channel ${channel}`);
  const holdoutPercent = input.holdoutPercent ?? 0;
  const now = deps.clock.now();
  const launched = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(schema.campaigns)
      .values({
        brandId: input.brandId,
        name: input.name,
        kind: 'automation',
        automationKey: input.automationKey,
        status: 'sending',
        channel,
        holdoutPercent,
        whatsappTemplate: input.whatsappTemplate ?? null,
        createdBy: `automation:${input.automationKey}`,
        approvedBy: 'automation',
        approvedAt: now,
        startedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: schema.campaigns.id });
    if (!row) return null;
    const variants = input.variants.map((v) => ({ key: v.key, weight: v.weight ?? 1 }));
    await tx.insert(schema.campaignVariants).values(input.variants.map((v) => ({ campaignId: row.id, key: v.key, weight: v.weight ?? 1, content: v.content, createdAt: now })));
    await registerLinks(tx, row.id, input.variants.flatMap((v) => Object.values(v.content).filter((t): t is string => typeof t === 'string')), now);
    await expandInTransaction(tx, { campaignId: row.id, brandId: input.brandId, audience: input.audience, holdoutPercent, variants, now });
    await finishExpansion({ ...deps, db: tx }, tx, row.id);
    return row.id;
  });
  if (launched === null) {
    const [existing] = await deps.db
      .select({ id: schema.campaigns.id })
      .from(schema.campaigns)
      .where(and(eq(schema.campaigns.brandId, input.brandId), eq(schema.campaigns.automationKey, input.automationKey)));
    if (!existing) throw new AppError('CONFLICT', 'automation campaign conflict without a stored campaign');
    return { status: 'exists', campaignId: existing.id };
  }
  // Nobody to send to: done at once (there is no batch whose end would complete it).
  await deps.db
    .update(schema.campaigns)
    .set({ status: 'completed', completedAt: now })
    .where(and(eq(schema.campaigns.id, launched), sql`not exists (select 1 from "campaign_sends" where "campaign_id" = ${launched} and "status" = 'pending')`));
  if (deps.queue) await enqueueBatches(deps.queue, deps.db, launched, 0, now);
  return { status: 'launched', campaignId: launched };
}
