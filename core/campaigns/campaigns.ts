// Staff campaigns from draft to send: build (variants, audience, channel, schedule, holdout), ask for approval (which
// checks that somebody can receive it), approve (never by the creator), start, pause, resume, cancel. Every change is
// a conditional UPDATE on the status it expects, so two staff acting at once cannot both win.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, schema, type Db } from '../../db/index.js';
import { LANGUAGES, type Language } from '../conversation/message.js';
import { getSegment } from '../segments/index.js';
import type { CoreDeps } from '../shared/index.js';
import { campaignAudience } from './audience.js';
import { enqueueBatches, enqueueExpansion } from './queueing.js';
import { eligibleFacts, num } from './sql-util.js';
import { MAX_TEXT_LENGTH, unknownVariable } from './template.js';
import {
  CAMPAIGN_CHANNELS,
  type AudienceProblem,
  type ApproveOutcome,
  type CampaignChannel,
  type CampaignReportTo,
  type CampaignStatus,
  type CampaignView,
  type CommandDeps,
  type ControlOutcome,
  type CreateCampaignOutcome,
  type EditOutcome,
  type RequestApprovalOutcome,
  type StartOutcome,
  type VariantProblem,
} from './types.js';

type CampaignRow = typeof schema.campaigns.$inferSelect;

/** The campaign's settings we keep in its JSON column. */
export interface CampaignSettings {
  pausedReason?: 'staff' | 'access_revoked';
  revokedName?: string;
  /** Staff ids whose revocation an admin has accepted by resuming (their revocation no longer pauses it). */
  revocationsAccepted?: string[];
  /** Bumped at each resume, so re-enqueued batch jobs get ids the queue has not seen. */
  generation?: number;
  /** Recipients (not holdout) when expanded, and progress so far, for the reports. */
  total?: number;
  holdout?: number;
  done?: number;
  reportedPercent?: number;
  reportedAt?: string;
  expandLeaseUntil?: string;
  /** Where a paused campaign was paused from ('scheduled' campaigns resume as scheduled). */
  pausedFrom?: 'sending' | 'scheduled';
}

const MAX_NAME = 80;
const VARIANT_KEY = /^[A-Z]$/;

/** Reads a campaign's settings JSON. */
export function settingsOf(row: { settings: Record<string, unknown> }): CampaignSettings {
  const settings: CampaignSettings = row.settings;
  return settings;
}

/** The view of one campaign row (with its segment's name and variants). */
async function viewOf(db: Db, row: CampaignRow): Promise<CampaignView> {
  const [segment] = row.segmentId ? await db.select({ name: schema.segments.name }).from(schema.segments).where(eq(schema.segments.id, row.segmentId)) : [];
  const variants = await db.select().from(schema.campaignVariants).where(eq(schema.campaignVariants.campaignId, row.id)).orderBy(asc(schema.campaignVariants.key));
  const s = settingsOf(row);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as CampaignView['kind'],
    status: row.status as CampaignStatus,
    segmentName: segment?.name ?? null,
    channel: row.channel as CampaignChannel,
    variants: variants.map((v) => ({ key: v.key, weight: v.weight, languages: LANGUAGES.filter((l) => Boolean(v.content[l])), content: v.content })),
    holdoutPercent: row.holdoutPercent,
    attributionDays: row.attributionDays,
    scheduledAt: row.scheduledAt,
    createdBy: row.createdBy,
    approvedBy: row.approvedBy,
    approvalRequestedAt: row.approvalRequestedAt,
    approvedAt: row.approvedAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    whatsappTemplate: row.whatsappTemplate,
    storeIds: row.storeIds,
    reportTo: (row.reportTo as CampaignReportTo | null) ?? null,
    pausedReason: row.status === 'paused' ? (s.pausedReason ?? 'staff') : null,
    revokedName: row.status === 'paused' && s.pausedReason === 'access_revoked' ? (s.revokedName ?? null) : null,
  };
}

/** The campaign row of a brand. */
export async function campaignRow(db: Db, brandId: string, campaignId: number): Promise<CampaignRow | undefined> {
  if (!Number.isSafeInteger(campaignId) || campaignId < 1) return undefined;
  const [row] = await db.select().from(schema.campaigns).where(and(eq(schema.campaigns.id, campaignId), eq(schema.campaigns.brandId, brandId)));
  return row;
}

/** Creates a draft campaign in the creator's store scope. */
export async function createCampaign(
  deps: CoreDeps,
  input: { brandId: string; name: string; createdBy: string; storeIds: readonly string[]; reportTo?: CampaignReportTo },
): Promise<CreateCampaignOutcome> {
  const name = input.name.trim();
  if (name.length === 0) return { status: 'bad_name', message: 'the name is empty' };
  if (name.length > MAX_NAME) return { status: 'bad_name', message: `the name is longer than ${MAX_NAME} characters` };
  if ([...name].some((ch) => ch.charCodeAt(0) < 0x20)) return { status: 'bad_name', message: 'the name has control characters' };
  const now = deps.clock.now();
  const [row] = await deps.db
    .insert(schema.campaigns)
    .values({
      brandId: input.brandId,
      name,
      createdBy: input.createdBy,
      storeIds: [...input.storeIds],
      reportTo: input.reportTo ? { ...input.reportTo } : null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { status: 'created', campaign: await viewOf(deps.db, row!) };
}

/** One campaign of the brand, or null. */
export async function getCampaign(deps: CoreDeps, input: { brandId: string; campaignId: number }): Promise<CampaignView | null> {
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  return row ? viewOf(deps.db, row) : null;
}

/**
 * The brand's campaigns a viewer may see, newest first: every one for a brand-wide viewer (no stores), else those
 * made inside the viewer's stores.
 */
export async function listCampaigns(deps: CoreDeps, input: { brandId: string; storeIds: readonly string[] }): Promise<CampaignView[]> {
  const scoped =
    input.storeIds.length === 0
      ? sql`true`
      : sql`jsonb_array_length(${schema.campaigns.storeIds}) > 0 and ${JSON.stringify(input.storeIds)}::jsonb @> ${schema.campaigns.storeIds}`;
  const rows = await deps.db
    .select()
    .from(schema.campaigns)
    .where(and(eq(schema.campaigns.brandId, input.brandId), scoped))
    .orderBy(desc(schema.campaigns.id))
    .limit(200);
  const out: CampaignView[] = [];
  for (const row of rows) out.push(await viewOf(deps.db, row));
  return out;
}

/** Applies `patch` to a draft; the common outcomes of every edit. */
async function editDraft(deps: CoreDeps, brandId: string, campaignId: number, patch: Partial<typeof schema.campaigns.$inferInsert>): Promise<EditOutcome> {
  const [row] = await deps.db
    .update(schema.campaigns)
    .set({ ...patch, updatedAt: deps.clock.now() })
    .where(and(eq(schema.campaigns.id, campaignId), eq(schema.campaigns.brandId, brandId), eq(schema.campaigns.status, 'draft')))
    .returning();
  if (row) return { status: 'updated', campaign: await viewOf(deps.db, row) };
  const current = await campaignRow(deps.db, brandId, campaignId);
  return current ? { status: 'wrong_status', current: current.status as CampaignStatus } : { status: 'not_found' };
}

/** The draft, or why it cannot be edited. */
async function draft(deps: CoreDeps, brandId: string, campaignId: number): Promise<{ row: CampaignRow } | EditOutcome> {
  const row = await campaignRow(deps.db, brandId, campaignId);
  if (!row) return { status: 'not_found' };
  if (row.status !== 'draft') return { status: 'wrong_status', current: row.status as CampaignStatus };
  return { row };
}

/** Sets one language's text (and optionally the weight) of variant `key` (A–Z) of a draft. */
export async function setVariant(
  deps: CoreDeps,
  input: { brandId: string; campaignId: number; key: string; language: string; text: string; weight?: number },
): Promise<EditOutcome<VariantProblem>> {
  const key = input.key.trim().toUpperCase();
  if (!VARIANT_KEY.test(key)) return { status: 'bad_key', message: 'a variant is named by one letter, A to Z' };
  if (!(LANGUAGES as readonly string[]).includes(input.language)) return { status: 'bad_language', language: input.language };
  const text = input.text.trim();
  if (text.length === 0) return { status: 'empty_text' };
  if (text.length > MAX_TEXT_LENGTH) return { status: 'text_too_long', max: MAX_TEXT_LENGTH };
  const unknown = unknownVariable(text);
  if (unknown !== null) return { status: 'unknown_variable', variable: unknown };
  if (input.weight !== undefined && (!Number.isInteger(input.weight) || input.weight < 1 || input.weight > 100)) {
    return { status: 'bad_weight', message: 'the weight is a whole number from 1 to 100' };
  }
  const found = await draft(deps, input.brandId, input.campaignId);
  if (!('row' in found)) return found;
  const content = { [input.language]: text };
  // One statement: a concurrent edit of another language of the same variant keeps both texts.
  await deps.db
    .insert(schema.campaignVariants)
    .values({ campaignId: input.campaignId, key, weight: input.weight ?? 1, content, createdAt: deps.clock.now() })
    .onConflictDoUpdate({
      target: [schema.campaignVariants.campaignId, schema.campaignVariants.key],
      set: {
        content: sql`${schema.campaignVariants.content} || ${JSON.stringify(content)}::jsonb`,
        ...(input.weight !== undefined ? { weight: input.weight } : {}),
      },
    });
  return editDraft(deps, input.brandId, input.campaignId, {});
}

/** Removes variant `key` of a draft. */
export async function removeVariant(deps: CoreDeps, input: { brandId: string; campaignId: number; key: string }): Promise<EditOutcome> {
  const found = await draft(deps, input.brandId, input.campaignId);
  if (!('row' in found)) return found;
  await deps.db
    .delete(schema.campaignVariants)
    .where(and(eq(schema.campaignVariants.campaignId, input.campaignId), eq(schema.campaignVariants.key, input.key.trim().toUpperCase())));
  return editDraft(deps, input.brandId, input.campaignId, {});
}

/** Sets the audience to a named segment, which must lie within the campaign's store scope. */
export async function setAudience(deps: CoreDeps, input: { brandId: string; campaignId: number; segmentName: string }): Promise<EditOutcome<AudienceProblem>> {
  const found = await draft(deps, input.brandId, input.campaignId);
  if (!('row' in found)) return found;
  const segment = await getSegment(deps, { brandId: input.brandId, name: input.segmentName });
  if (!segment) return { status: 'unknown_segment', segmentName: input.segmentName };
  const scope = found.row.storeIds;
  // A store-scoped campaign may use a brand-wide segment (the campaign's scope narrows it) but not one of other stores.
  if (scope.length > 0 && segment.storeIds.some((s) => !scope.includes(s))) return { status: 'out_of_scope', segmentName: segment.name };
  return editDraft(deps, input.brandId, input.campaignId, { segmentId: segment.id });
}

/** Sets the channel: 'preferred' (each customer's latest-used reachable channel) or one channel. */
export async function setChannel(deps: CoreDeps, input: { brandId: string; campaignId: number; channel: string }): Promise<EditOutcome<{ status: 'bad_channel'; channel: string }>> {
  const channel = input.channel === 'web' ? 'webchat' : input.channel;
  if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(channel)) return { status: 'bad_channel', channel: input.channel };
  return editDraft(deps, input.brandId, input.campaignId, { channel });
}

/** Sets when the campaign goes out once started (null: at once). */
export async function setSchedule(deps: CoreDeps, input: { brandId: string; campaignId: number; at: Date | null }): Promise<EditOutcome<{ status: 'in_the_past' }>> {
  if (input.at && input.at.getTime() < deps.clock.now().getTime() - 60_000) return { status: 'in_the_past' };
  return editDraft(deps, input.brandId, input.campaignId, { scheduledAt: input.at });
}

/** Sets the holdout (control) share of the audience, 0–50 %. */
export async function setHoldout(deps: CoreDeps, input: { brandId: string; campaignId: number; percent: number }): Promise<EditOutcome<{ status: 'bad_percent' }>> {
  if (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 50) return { status: 'bad_percent' };
  return editDraft(deps, input.brandId, input.campaignId, { holdoutPercent: input.percent });
}

/** Sets the approved WhatsApp template used outside the 24-hour window (null: such customers are skipped). */
export async function setWhatsappTemplate(deps: CoreDeps, input: { brandId: string; campaignId: number; template: string | null }): Promise<EditOutcome<{ status: 'bad_template' }>> {
  const template = input.template?.trim() ?? null;
  // WhatsApp template names: lowercase letters, digits and underscores.
  if (template !== null && !/^[a-z0-9_]{1,512}$/.test(template)) return { status: 'bad_template' };
  return editDraft(deps, input.brandId, input.campaignId, { whatsappTemplate: template });
}

/** What a draft still lacks before it can be approved. */
function missingParts(view: CampaignView): string[] {
  const missing: string[] = [];
  if (!view.segmentName) missing.push('audience');
  if (view.variants.length === 0) missing.push('variant');
  // Every variant speaks every language any variant speaks: an Arabic reader must not get A in Arabic and B in English.
  const languages = LANGUAGES.filter((l) => view.variants.some((v) => v.languages.includes(l)));
  for (const v of view.variants) for (const l of languages) if (!v.languages.includes(l)) missing.push(`text:${v.key}:${l}`);
  return missing;
}

/** Counts the audience and those of it who can receive marketing now (consent on a reachable channel). */
export async function audienceCounts(
  deps: CoreDeps,
  row: CampaignRow,
): Promise<{ ok: true; audience: number; eligible: number } | { ok: false; reason: 'no_segment' } | { ok: false; reason: 'bad_expression'; message: string; position: number }> {
  const audience = await campaignAudience(deps, row);
  if (!audience.ok) return audience;
  const [counts] = rowsOf<{ audience: unknown; eligible: unknown }>(
    await deps.db.execute(sql`select count(*) as audience, count(*) filter (where ${eligibleFacts(row.channel)}) as eligible from "member_facts" where ${audience.where}`),
  );
  return { ok: true, audience: num(counts?.audience), eligible: num(counts?.eligible) };
}

/** Asks for approval: refused while something is missing, or when nobody in the audience could receive it. */
export async function requestApproval(deps: CoreDeps, input: { brandId: string; campaignId: number; staffId: string }): Promise<RequestApprovalOutcome> {
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  if (!row) return { status: 'not_found' };
  if (row.status !== 'draft') return { status: 'wrong_status', current: row.status as CampaignStatus };
  const missing = missingParts(await viewOf(deps.db, row));
  if (missing.length > 0) return { status: 'incomplete', missing };
  const counts = await audienceCounts(deps, row);
  if (!counts.ok) return counts.reason === 'no_segment' ? { status: 'incomplete', missing: ['audience'] } : { status: 'bad_expression', message: counts.message, position: counts.position };
  if (counts.eligible === 0) return { status: 'no_eligible_recipients', audience: counts.audience };
  const now = deps.clock.now();
  const [updated] = await deps.db
    .update(schema.campaigns)
    .set({ status: 'pending_approval', approvalRequestedAt: now, updatedAt: now })
    .where(and(eq(schema.campaigns.id, row.id), eq(schema.campaigns.status, 'draft')))
    .returning();
  if (!updated) return { status: 'wrong_status', current: ((await campaignRow(deps.db, input.brandId, input.campaignId))?.status ?? 'draft') as CampaignStatus };
  return { status: 'requested', campaign: await viewOf(deps.db, updated), audience: counts.audience, eligible: counts.eligible };
}

/**
 * Approves a campaign waiting for approval. The creator never approves their own; whether the approver's role may
 * approve at all (admin, or a marketing manager) is the staff layer's check.
 */
export async function approveCampaign(deps: CoreDeps, input: { brandId: string; campaignId: number; approverId: string; approverRole: string }): Promise<ApproveOutcome> {
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  if (!row) return { status: 'not_found' };
  if (row.createdBy === input.approverId) return { status: 'self_approval' };
  if (row.status !== 'pending_approval') return { status: 'wrong_status', current: row.status as CampaignStatus };
  const now = deps.clock.now();
  const [updated] = await deps.db
    .update(schema.campaigns)
    .set({ status: 'approved', approvedBy: input.approverId, approvedAt: now, updatedAt: now })
    .where(and(eq(schema.campaigns.id, row.id), eq(schema.campaigns.status, 'pending_approval'), sql`${schema.campaigns.createdBy} <> ${input.approverId}`))
    .returning();
  if (!updated) return { status: 'wrong_status', current: ((await campaignRow(deps.db, input.brandId, input.campaignId))?.status ?? 'draft') as CampaignStatus };
  return { status: 'approved', campaign: await viewOf(deps.db, updated) };
}

/**
 * Starts an approved campaign: at its scheduled time if that is still ahead ('scheduled'), else now. Sending is
 * background work: with `deps.queue` it begins at once, otherwise at the next sweep (within a minute).
 */
export async function startCampaign(deps: CommandDeps, input: { brandId: string; campaignId: number; staffId: string }): Promise<StartOutcome> {
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  if (!row) return { status: 'not_found' };
  if (row.status !== 'approved') return { status: 'wrong_status', current: row.status as CampaignStatus };
  const now = deps.clock.now();
  const later = row.scheduledAt !== null && row.scheduledAt.getTime() > now.getTime();
  const [updated] = await deps.db
    .update(schema.campaigns)
    .set(later ? { status: 'scheduled', updatedAt: now } : { status: 'sending', startedAt: now, updatedAt: now })
    .where(and(eq(schema.campaigns.id, row.id), eq(schema.campaigns.status, 'approved')))
    .returning();
  if (!updated) return { status: 'wrong_status', current: ((await campaignRow(deps.db, input.brandId, input.campaignId))?.status ?? 'draft') as CampaignStatus };
  if (later) return { status: 'scheduled', campaign: await viewOf(deps.db, updated), at: row.scheduledAt! };
  if (deps.queue) await enqueueExpansion(deps.queue, updated.id, 0);
  return { status: 'started', campaign: await viewOf(deps.db, updated) };
}

/** Pauses a sending (or scheduled) campaign: batches stop claiming recipients; messages already in flight finish. */
export async function pauseCampaign(deps: CoreDeps, input: { brandId: string; campaignId: number; staffId: string }): Promise<ControlOutcome> {
  const now = deps.clock.now();
  // Remembers where it was paused from: a scheduled campaign (not started yet) resumes as scheduled.
  const [updated] = await deps.db
    .update(schema.campaigns)
    .set({
      status: 'paused',
      settings: sql`${schema.campaigns.settings} || jsonb_build_object('pausedReason', 'staff', 'pausedFrom', case when ${schema.campaigns.startedAt} is null then 'scheduled' else 'sending' end)`,
      updatedAt: now,
    })
    .where(and(eq(schema.campaigns.id, input.campaignId), eq(schema.campaigns.brandId, input.brandId), inArray(schema.campaigns.status, ['sending', 'scheduled'])))
    .returning();
  if (updated) return { status: 'paused', campaign: await viewOf(deps.db, updated) };
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  return row ? { status: 'wrong_status', current: row.status as CampaignStatus } : { status: 'not_found' };
}

/**
 * Resumes a paused campaign and re-enqueues its unfinished batches. A campaign paused because its creator's or
 * approver's access was revoked resumes only for an active admin, who thereby takes responsibility for it.
 */
export async function resumeCampaign(deps: CommandDeps, input: { brandId: string; campaignId: number; staffId: string }): Promise<ControlOutcome> {
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  if (!row) return { status: 'not_found' };
  if (row.status !== 'paused') return { status: 'wrong_status', current: row.status as CampaignStatus };
  const s = settingsOf(row);
  let accepted = s.revocationsAccepted ?? [];
  if (s.pausedReason === 'access_revoked') {
    const [staff] = await deps.db
      .select({ role: schema.staffMembers.role, revokedAt: schema.staffMembers.revokedAt })
      .from(schema.staffMembers)
      .where(and(eq(schema.staffMembers.brandId, input.brandId), sql`${schema.staffMembers.id}::text = ${input.staffId}`));
    if (!staff || staff.role !== 'admin' || staff.revokedAt !== null) return { status: 'admin_required' };
    accepted = await revokedStaffOf(deps.db, input.brandId, row);
  }
  const generation = (s.generation ?? 0) + 1;
  const back = s.pausedFrom === 'scheduled' && row.startedAt === null ? 'scheduled' : 'sending';
  const now = deps.clock.now();
  const [updated] = await deps.db
    .update(schema.campaigns)
    .set({
      status: back,
      ...(back === 'sending' && row.startedAt === null ? { startedAt: now } : {}),
      settings: sql`(${schema.campaigns.settings} - 'pausedReason' - 'revokedName' - 'pausedFrom') || ${JSON.stringify({ generation, revocationsAccepted: accepted })}::jsonb`,
      updatedAt: now,
    })
    .where(and(eq(schema.campaigns.id, row.id), eq(schema.campaigns.status, 'paused')))
    .returning();
  if (!updated) return { status: 'wrong_status', current: ((await campaignRow(deps.db, input.brandId, input.campaignId))?.status ?? 'draft') as CampaignStatus };
  if (deps.queue && back === 'sending') {
    if (updated.expandedAt === null) await enqueueExpansion(deps.queue, updated.id, generation);
    else await enqueueBatches(deps.queue, deps.db, updated.id, generation, now);
  }
  return { status: 'resumed', campaign: await viewOf(deps.db, updated) };
}

/** Cancels a campaign that has not finished; recipients not yet sent to stay unsent ('skipped', 'cancelled'). */
export async function cancelCampaign(deps: CoreDeps, input: { brandId: string; campaignId: number; staffId: string }): Promise<ControlOutcome> {
  const now = deps.clock.now();
  const [updated] = await deps.db
    .update(schema.campaigns)
    .set({ status: 'cancelled', completedAt: now, updatedAt: now })
    .where(and(eq(schema.campaigns.id, input.campaignId), eq(schema.campaigns.brandId, input.brandId), sql`${schema.campaigns.status} not in ('completed', 'cancelled')`))
    .returning();
  if (!updated) {
    const row = await campaignRow(deps.db, input.brandId, input.campaignId);
    return row ? { status: 'wrong_status', current: row.status as CampaignStatus } : { status: 'not_found' };
  }
  // Rows being pushed right now finish and record their result; abandoned ones (a dead worker's) are cancelled too.
  await deps.db.execute(sql`
    update "campaign_sends" set "status" = 'skipped', "skip_reason" = 'cancelled', "not_before" = null
    where "campaign_id" = ${updated.id}
      and ("status" in ('pending', 'held') or ("status" = 'sending' and "not_before" <= ${now.toISOString()}::timestamptz))`);
  return { status: 'cancelled', campaign: await viewOf(deps.db, updated) };
}

/** Staff ids among a campaign's creator and approver whose access is revoked now. */
export async function revokedStaffOf(db: Db, brandId: string, row: { createdBy: string; approvedBy: string | null }): Promise<string[]> {
  const ids = [row.createdBy, ...(row.approvedBy ? [row.approvedBy] : [])];
  const revoked = await db
    .select({ id: schema.staffMembers.id })
    .from(schema.staffMembers)
    .where(and(eq(schema.staffMembers.brandId, brandId), sql`${schema.staffMembers.id}::text in ${ids}`, sql`${schema.staffMembers.revokedAt} is not null`));
  return revoked.map((r) => r.id);
}

/** Languages a campaign can speak (for test sends). */
export function languagesOf(view: CampaignView): Language[] {
  return LANGUAGES.filter((l) => view.variants.some((v) => v.languages.includes(l)));
}
