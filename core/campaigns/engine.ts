// The delivery engine: expansion, batch jobs and the sweep. A batch job claims CHUNK rows at a time (pending, a dead
// worker's expired claims, held rows whose morning came), reads everything the send rules need for the whole chunk in
// one statement, renders in memory, pushes with bounded concurrency and per-channel rate limits, and writes every
// outcome of the chunk in one UPDATE. The database is the source of truth: a lost job is redone by the sweep, and a
// row claimed by a worker that died is pushed again after its claim expires with the same idempotency key (the
// send's id), so a platform that dedupes by key (LINE) delivers it once.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, schema, type Db } from '../../db/index.js';
import type { ChannelName, PushResult, Reply } from '../conversation/message.js';
import type { JobQueue } from '../shared/index.js';
import { campaignAudience } from './audience.js';
import { revokedStaffOf, settingsOf, type CampaignSettings } from './campaigns.js';
import { finishExpansion, insertSendRows, linksOf, registerLinks } from './expand.js';
import { encodeLinkCode } from './link-code.js';
import { enqueueBatch, enqueueBatches, enqueueExpansion } from './queueing.js';
import { defaultReportText } from './report-text.js';
import { campaignRules } from './settings.js';
import { channelNameOf, num } from './sql-util.js';
import { campaignStats } from './stats.js';
import { directionOf, fillVariables, firstName, pickLanguage, replaceUrls, type TemplateValues } from './template.js';
import { ChannelLimiter, Semaphore } from './throttle.js';
import type { CampaignDeps, CampaignReport, CampaignReportTo } from './types.js';
import type { LocalizedText } from '../../db/schema.js';

/** Rows claimed and pushed at a time within a batch (the status is checked between chunks). */
export const SEND_CHUNK = 500;
/** How long a claim holds: a row still 'sending' after this belonged to a worker that died and is taken again. */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** Pushes of one recipient on temporary errors before it counts as failed. */
export const MAX_ATTEMPTS = 5;
/** A campaign that made no progress this long while work is due has lost its jobs: the sweep re-enqueues them. */
export const STALL_MS = 90_000;
const WEEK_MS = 7 * 86_400_000;
const REPORT_MIN_INTERVAL_MS = 15_000;

type CampaignRow = typeof schema.campaigns.$inferSelect;

/** One claimed (or holdout) row with what the send rules and the rendering need. */
interface Candidate {
  id: string;
  customer_id: string;
  variant_key: string;
  attempts: number;
  is_member: boolean;
  any_consent: boolean;
  consent_here: boolean;
  /** Marketing consent was granted at some time (so none in force now means they withdrew it). */
  withdrew: boolean;
  with_agent: boolean;
  sent_week: unknown;
  chosen_channel: string | null;
  chat_id: string | null;
  conversation_id: string | null;
  any_blocked: boolean;
  hold_until: string | Date | null;
  language: string | null;
  name: string | null;
  member_code: string | null;
  points: number | null;
  tier_name: LocalizedText | null;
  tier_code: string | null;
}

/** The outcome written for one row. */
interface Outcome {
  id: string;
  status: 'sent' | 'failed' | 'skipped' | 'held' | 'pending' | 'holdout';
  skip_reason: string | null;
  channel: string | null;
  not_before: string | null;
  platform_message_id: string | null;
  error: string | null;
  sent_at: string | null;
  pushed: number;
}

/** What the batch needs to know about the campaign and its brand, read once per job. */
interface BatchContext {
  campaign: CampaignRow;
  brandTimezone: string;
  brandLanguage: string;
  rules: ReturnType<typeof campaignRules>;
  variants: Map<string, LocalizedText>;
  links: Map<string, number>;
}

/** The engine of one process: its rate limiters and push slots are shared by every job it runs. */
export interface CampaignEngine {
  expand(campaignId: number): Promise<void>;
  processBatch(campaignId: number, batchNo: number): Promise<void>;
  sweep(): Promise<void>;
}

/** Builds the engine on `queue` (for follow-up jobs) and `deps`. */
export function createCampaignEngine(queue: JobQueue, deps: CampaignDeps): CampaignEngine {
  const limiter = new ChannelLimiter(deps.rateLimits);
  const slots = new Semaphore(deps.maxInFlight ?? 48);
  const log = deps.log.child({ component: 'campaigns' });
  const reportText = deps.reportText ?? defaultReportText;
  const chunkSize = deps.sendChunk ?? SEND_CHUNK;

  const report = async (campaign: { reportTo: Record<string, string> | null }, event: CampaignReport): Promise<void> => {
    if (!deps.teamChat) return;
    const to = campaign.reportTo as CampaignReportTo | null;
    // Automations report nowhere; without a message to reply to, the team chat's only form is "every workspace".
    if (!to) return;
    try {
      const text = reportText(event);
      if (to.messageId) await deps.teamChat.post(text, { replyTo: { channel: to.channel as ChannelName, workspaceId: to.workspaceId, messageId: to.messageId } });
      else await deps.teamChat.post(text);
    } catch (err) {
      log.warn({ campaignId: event.campaignId, kind: event.kind, err }, 'campaign report not posted');
    }
  };

  const load = async (campaignId: number): Promise<CampaignRow | undefined> => {
    const [row] = await deps.db.select().from(schema.campaigns).where(eq(schema.campaigns.id, campaignId));
    return row;
  };

  // ------------------------------------------------------------------------------------------------------------
  // Expansion

  const expand = async (campaignId: number): Promise<void> => {
    const now = deps.clock.now();
    // A lease, so the sweep does not start a second expansion while one runs (a second would be harmless, only slow).
    const [leased] = await deps.db
      .update(schema.campaigns)
      .set({ settings: sql`${schema.campaigns.settings} || ${JSON.stringify({ expandLeaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString() })}::jsonb`, updatedAt: now })
      .where(
        and(
          eq(schema.campaigns.id, campaignId),
          eq(schema.campaigns.status, 'sending'),
          sql`${schema.campaigns.expandedAt} is null`,
          sql`coalesce((${schema.campaigns.settings} ->> 'expandLeaseUntil')::timestamptz, '-infinity') <= ${now.toISOString()}::timestamptz`,
        ),
      )
      .returning();
    if (!leased) return;
    const variants = await deps.db.select().from(schema.campaignVariants).where(eq(schema.campaignVariants.campaignId, campaignId)).orderBy(asc(schema.campaignVariants.key));
    const audience = await campaignAudience(deps, leased);
    if (!audience.ok || variants.length === 0) {
      // The segment was deleted or no longer compiles since approval: nothing sensible to send; staff must look.
      log.warn({ campaignId, reason: audience.ok ? 'no_variants' : audience.reason }, 'campaign audience unusable; paused');
      await deps.db
        .update(schema.campaigns)
        .set({ status: 'paused', settings: sql`${schema.campaigns.settings} || '{"pausedReason":"staff","pausedFrom":"sending"}'::jsonb` })
        .where(and(eq(schema.campaigns.id, campaignId), eq(schema.campaigns.status, 'sending')));
      return;
    }
    await registerLinks(deps.db, campaignId, variants.flatMap((v) => Object.values(v.content)), now);
    const completed = await insertSendRows(deps.db, {
      campaignId,
      where: audience.where,
      split: { holdoutPercent: leased.holdoutPercent, variants: variants.map((v) => ({ key: v.key, weight: v.weight })) },
      now,
      keepGoing: async () => (await load(campaignId))?.status === 'sending',
    });
    if (!completed) return;
    await afterExpansion(deps.db, campaignId);
  };

  const afterExpansion = async (db: Db, campaignId: number): Promise<void> => {
    const counts = await finishExpansion(deps, db, campaignId);
    const row = await load(campaignId);
    if (!row) return;
    await enqueueBatches(queue, deps.db, campaignId, settingsOf(row).generation ?? 0, deps.clock.now());
    if (counts) await report(row, { kind: 'started', campaignId, name: row.name, recipients: counts.recipients, holdout: counts.holdout });
    await completeIfDone(campaignId);
  };

  // ------------------------------------------------------------------------------------------------------------
  // Batches

  const context = async (campaign: CampaignRow): Promise<BatchContext> => {
    const [brand] = await deps.db.select().from(schema.brands).where(eq(schema.brands.id, campaign.brandId));
    const variants = await deps.db.select().from(schema.campaignVariants).where(eq(schema.campaignVariants.campaignId, campaign.id));
    return {
      campaign,
      brandTimezone: brand?.timezone ?? 'UTC',
      brandLanguage: brand?.defaultLanguage ?? 'en',
      rules: campaignRules(brand?.settings),
      variants: new Map(variants.map((v) => [v.key, v.content])),
      links: deps.linkBaseUrl ? await linksOf(deps.db, campaign.id) : new Map<string, number>(),
    };
  };

  /** Pauses the campaign when its creator's or approver's access was revoked (and no admin accepted that yet). */
  const pausedForRevocation = async (campaign: CampaignRow): Promise<boolean> => {
    if (campaign.kind !== 'campaign') return false;
    const accepted = new Set(settingsOf(campaign).revocationsAccepted ?? []);
    const revoked = (await revokedStaffOf(deps.db, campaign.brandId, campaign)).filter((id) => !accepted.has(id));
    if (revoked.length === 0) return false;
    const [staff] = await deps.db.select({ name: schema.staffMembers.name }).from(schema.staffMembers).where(eq(schema.staffMembers.id, revoked[0]!));
    const revokedName = staff?.name ?? revoked[0]!;
    const [paused] = await deps.db
      .update(schema.campaigns)
      .set({
        status: 'paused',
        settings: sql`${schema.campaigns.settings} || ${JSON.stringify({ pausedReason: 'access_revoked', revokedName, pausedFrom: 'sending' })}::jsonb`,
        updatedAt: deps.clock.now(),
      })
      .where(and(eq(schema.campaigns.id, campaign.id), eq(schema.campaigns.status, 'sending')))
      .returning();
    // Only the batch whose UPDATE paused it reports, so the team hears it once.
    if (paused) await report(paused, { kind: 'paused_revoked', campaignId: campaign.id, name: campaign.name, revokedName });
    return true;
  };

  /**
   * Everything the rules and rendering need for the rows of `target` (a CTE yielding id, customer_id, variant_key,
   * attempts), in one statement: consent, reachability and the chosen chat, an open handoff, the week's sends, the
   * local time against quiet hours, and the member's name, points, tier and code.
   */
  const candidates = async (ctx: BatchContext, target: SQL, now: Date): Promise<Candidate[]> => {
    const { campaign, rules } = ctx;
    const fixed = channelNameOf(campaign.channel);
    const nowTs = sql`${now.toISOString()}::timestamptz`;
    const local = sql`(${nowTs} at time zone coalesce(st."timezone", ${ctx.brandTimezone}))`;
    const quiet = rules.quietHours;
    const holdUntil = quiet
      ? sql`case when ${quiet.from}::time > ${quiet.until}::time and (${local}::time >= ${quiet.from}::time or ${local}::time < ${quiet.until}::time)
                   or ${quiet.from}::time < ${quiet.until}::time and ${local}::time >= ${quiet.from}::time and ${local}::time < ${quiet.until}::time
             then ((${local}::date + case when ${local}::time >= ${quiet.until}::time then 1 else 0 end) + ${quiet.until}::time) at time zone coalesce(st."timezone", ${ctx.brandTimezone})
             end`
      : sql`null::timestamptz`;
    const fixedChannel = fixed === null ? sql`null::text` : sql`${fixed}::text`;
    return rowsOf<Candidate>(
      await deps.db.execute(sql`
        with target as (${target})
        select t.id, t.customer_id, t.variant_key, t.attempts,
               f."account_id" is not null as is_member,
               coalesce(cardinality(f."marketing_channels") > 0, false) as any_consent,
               coalesce(${fixedChannel} = any(f."marketing_channels"), false) as consent_here,
               exists (select 1 from "consent_records" r where r."customer_id" = t.customer_id and r."purpose" = 'marketing' and r."granted") as withdrew,
               exists (select 1 from "handoffs" h where h."brand_id" = ${campaign.brandId} and h."customer_id" = t.customer_id and h."status" <> 'closed') as with_agent,
               (select count(*) from "campaign_sends" x where x."customer_id" = t.customer_id and x."sent_at" > ${new Date(now.getTime() - WEEK_MS).toISOString()}::timestamptz
                  and x."campaign_id" <> ${campaign.id}) as sent_week,
               ch.channel as chosen_channel, ch.chat_id, ch.conversation_id,
               exists (select 1 from "channel_identities" i where i."customer_id" = t.customer_id and i."unreachable_at" is not null
                         and i."channel" = any(f."marketing_channels") and (${fixedChannel} is null or i."channel" = ${fixedChannel})) as any_blocked,
               ${holdUntil} as hold_until,
               f."language", cu."name", a."member_code", a."points_balance" as points, tr."name" as tier_name, a."tier_code"
        from target t
        left join "member_facts" f on f."customer_id" = t.customer_id and f."brand_id" = ${campaign.brandId}
        left join "customers" cu on cu."id" = t.customer_id
        left join "loyalty_accounts" a on a."id" = f."account_id"
        left join "tiers" tr on tr."brand_id" = ${campaign.brandId} and tr."code" = a."tier_code"
        left join "stores" st on st."id" = f."home_store_id"
        left join lateral (
          -- The chat: on the campaign's channel, or the consented reachable one the customer wrote on last.
          select i."channel" as channel, cv."chat_id" as chat_id, cv."id" as conversation_id
          from "channel_identities" i
          join "conversations" cv on cv."brand_id" = ${campaign.brandId} and cv."channel" = i."channel" and cv."chat_id" = i."external_id"
          where i."customer_id" = t.customer_id and i."unreachable_at" is null and i."channel" = any(f."marketing_channels")
            and (${fixedChannel} is null or i."channel" = ${fixedChannel})
          order by (select max(m."created_at") from "messages" m where m."conversation_id" = cv."id" and m."direction" = 'in') desc nulls last,
                   cv."updated_at" desc
          limit 1
        ) ch on true`),
    );
  };

  /** The send rules in order; null when the row may be sent. */
  const skipReason = (ctx: BatchContext, c: Candidate): string | null => {
    if (!c.is_member) return 'not_member';
    // Consent granted once and in force nowhere now: they unsubscribed (STOP). Never granted: no consent.
    if (!c.any_consent) return c.withdrew ? 'unsubscribed' : 'no_consent';
    if (channelNameOf(ctx.campaign.channel) !== null && !c.consent_here) return 'no_consent';
    if (c.with_agent) return 'with_agent';
    if (!c.chosen_channel || !c.chat_id) return c.any_blocked ? 'blocked' : 'unreachable';
    if (num(c.sent_week) >= ctx.rules.maxPerWeek) return 'frequency_cap';
    return null;
  };

  const render = (ctx: BatchContext, c: Candidate): Reply | null => {
    const content = ctx.variants.get(c.variant_key);
    if (!content) return null;
    const language = pickLanguage(content, c.language, ctx.brandLanguage);
    if (!language) return null;
    let text = content[language]!;
    const base = deps.linkBaseUrl?.replace(/\/+$/, '');
    if (base && ctx.links.size > 0) {
      text = replaceUrls(text, (url) => {
        const linkId = ctx.links.get(url);
        return linkId === undefined ? undefined : `${base}/l/${encodeLinkCode(c.id, linkId)}`;
      });
    }
    const tier = c.tier_name?.[language] ?? c.tier_name?.en ?? c.tier_code ?? '';
    const values: TemplateValues = {
      name: c.name ?? '',
      first_name: firstName(c.name),
      points: String(c.points ?? 0),
      tier,
      member_code: c.member_code ?? '',
    };
    return { text: fillVariables(text, values), dir: directionOf(language) };
  };

  const push = async (channel: string, chatId: string, reply: Reply, key: string, template: boolean): Promise<PushResult> =>
    slots.run(async () => {
      await limiter.take(channel);
      try {
        return await deps.pusher({ channel: channel as ChannelName, chatId }, reply, { template, idempotencyKey: key });
      } catch (err) {
        log.warn({ err }, 'campaign push threw');
        return { status: 'failed', code: 'UNKNOWN' };
      }
    });

  /** Writes a chunk's outcomes in one statement (only over rows still in the state this worker left them in). */
  const writeOutcomes = async (outcomes: Outcome[]): Promise<void> => {
    if (outcomes.length === 0) return;
    await deps.db.execute(sql`
      update "campaign_sends" s set
        "status" = r.status, "skip_reason" = r.skip_reason, "channel" = coalesce(r.channel, s."channel"), "not_before" = r.not_before,
        "platform_message_id" = coalesce(r.platform_message_id, s."platform_message_id"), "error" = r.error,
        "sent_at" = coalesce(s."sent_at", r.sent_at), "attempts" = s."attempts" + r.pushed
      from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
        as r(id uuid, status text, skip_reason text, channel text, not_before timestamptz, platform_message_id text, error text, sent_at timestamptz, pushed int)
      where s."id" = r.id and s."status" in ('sending', 'holdout')`);
  };

  /** Web chat has no push: its page shows what is stored in the conversation, so campaign messages are stored there. */
  const storeWebMessages = async (brandId: string, rows: Array<{ conversationId: string; reply: Reply; at: string; sendId: string }>): Promise<void> => {
    if (rows.length === 0) return;
    await deps.db.execute(sql`
      insert into "messages" ("brand_id", "conversation_id", "channel", "direction", "text", "body", "status", "platform_message_id", "created_at")
      select ${brandId}, r.conversation_id, 'web', 'out', r.text, jsonb_build_object('text', r.text, 'dir', r.dir, 'campaignSendId', r.send_id), 'sent', r.send_id::text, r.at
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ conversation_id: r.conversationId, text: r.reply.text, dir: r.reply.dir, at: r.at, send_id: r.sendId })))}::jsonb)
        as r(conversation_id uuid, text text, dir text, at timestamptz, send_id uuid)`);
  };

  /** Decides, pushes and records one chunk of claimed rows; returns how many reached a final state. */
  const sendChunk = async (ctx: BatchContext, rows: Candidate[], now: Date): Promise<number> => {
    const outcomes: Outcome[] = [];
    const webRows: Array<{ conversationId: string; reply: Reply; at: string; sendId: string }> = [];
    const blank = (c: Candidate): Outcome => ({ id: c.id, status: 'skipped', skip_reason: null, channel: c.chosen_channel, not_before: null, platform_message_id: null, error: null, sent_at: null, pushed: 0 });
    const template = ctx.campaign.whatsappTemplate !== null;
    const pushes: Array<Promise<void>> = [];
    for (const c of rows) {
      const reason = skipReason(ctx, c);
      if (reason) {
        outcomes.push({ ...blank(c), skip_reason: reason });
        continue;
      }
      if (c.hold_until !== null) {
        outcomes.push({ ...blank(c), status: 'held', not_before: new Date(c.hold_until).toISOString() });
        continue;
      }
      const reply = render(ctx, c);
      if (!reply) {
        outcomes.push({ ...blank(c), skip_reason: 'no_text' });
        continue;
      }
      const channel = c.chosen_channel!;
      pushes.push(
        push(channel, c.chat_id!, reply, c.id, template).then((result) => {
          const at = deps.clock.now().toISOString();
          const o = blank(c);
          o.pushed = 1;
          if (result.status === 'sent') {
            outcomes.push({ ...o, status: 'sent', platform_message_id: result.platformMessageId ?? null, sent_at: at });
            if (channel === 'web' && c.conversation_id) webRows.push({ conversationId: c.conversation_id, reply, at, sendId: c.id });
          } else if (result.status === 'window_closed') {
            // With a template the approved template went instead: that is a send (and counts against the cap).
            outcomes.push(result.template ? { ...o, status: 'sent', error: 'WINDOW_CLOSED:TEMPLATE_SENT', sent_at: at } : { ...o, skip_reason: 'window_closed' });
          } else if (result.code === 'BLOCKED_BY_USER') {
            outcomes.push({ ...o, skip_reason: 'blocked', error: result.code });
          } else if (result.code === 'WINDOW_CLOSED') {
            outcomes.push({ ...o, skip_reason: 'window_closed', error: result.code });
          } else if ((result.code === 'TEMPORARY' || result.code === 'RATE_LIMITED') && c.attempts + 1 < MAX_ATTEMPTS) {
            // Back to pending, due after an exponential back-off; the batch's follow-up job picks it up then.
            const backoff = Math.min(5 * 60_000, 10_000 * 2 ** c.attempts);
            outcomes.push({ ...o, status: 'pending', error: result.code, not_before: new Date(now.getTime() + backoff).toISOString() });
          } else {
            outcomes.push({ ...o, status: 'failed', error: result.code });
          }
        }),
      );
    }
    await Promise.all(pushes);
    await writeOutcomes(outcomes);
    await storeWebMessages(ctx.campaign.brandId, webRows);
    return outcomes.filter((o) => o.status === 'sent' || o.status === 'failed' || o.status === 'skipped').length;
  };

  /** The holdout members of a batch go through the same rules (never sent), so results compare like with like. */
  const evaluateHoldout = async (ctx: BatchContext, batchNo: number, now: Date): Promise<void> => {
    const target = sql`select "id", "customer_id", "variant_key", "attempts" from "campaign_sends"
      where "campaign_id" = ${ctx.campaign.id} and "batch_no" = ${batchNo} and "status" = 'holdout' and "channel" is null and "skip_reason" is null`;
    const rows = await candidates(ctx, target, now);
    await writeOutcomes(
      rows.map((c) => {
        const reason = skipReason(ctx, c);
        return { id: c.id, status: 'holdout', skip_reason: reason, channel: reason ? null : c.chosen_channel, not_before: null, platform_message_id: null, error: null, sent_at: null, pushed: 0 };
      }),
    );
  };

  const claimTarget = (campaignId: number, batchNo: number, now: Date): SQL => {
    const nowTs = sql`${now.toISOString()}::timestamptz`;
    return sql`
      update "campaign_sends" s set "status" = 'sending', "not_before" = ${new Date(now.getTime() + CLAIM_LEASE_MS).toISOString()}::timestamptz
      where s."id" in (
        select "id" from "campaign_sends"
        where "campaign_id" = ${campaignId} and "batch_no" = ${batchNo}
          and (("status" = 'pending' and ("not_before" is null or "not_before" <= ${nowTs})) or ("status" in ('sending', 'held') and "not_before" <= ${nowTs}))
        order by "id" limit ${chunkSize}
        for update skip locked)
      returning s."id", s."customer_id", s."variant_key", s."attempts"`;
  };

  /** Counts progress and posts a report at each further tenth (at most every 15 s). */
  const progress = async (campaign: CampaignRow, done: number): Promise<void> => {
    const now = deps.clock.now();
    const [row] = await deps.db
      .update(schema.campaigns)
      .set({ updatedAt: now, settings: sql`jsonb_set(${schema.campaigns.settings}, '{done}', to_jsonb(coalesce((${schema.campaigns.settings} ->> 'done')::int, 0) + ${done}::int))` })
      .where(eq(schema.campaigns.id, campaign.id))
      .returning({ settings: schema.campaigns.settings });
    if (!row || done === 0) return;
    const s = row.settings as CampaignSettings;
    const total = s.total ?? 0;
    if (total === 0) return;
    const tenth = Math.floor(((s.done ?? 0) * 10) / total) * 10;
    if (tenth <= (s.reportedPercent ?? 0) || tenth >= 100) return;
    if (s.reportedAt && now.getTime() - new Date(s.reportedAt).getTime() < REPORT_MIN_INTERVAL_MS) return;
    const [claimed] = await deps.db
      .update(schema.campaigns)
      .set({ settings: sql`${schema.campaigns.settings} || ${JSON.stringify({ reportedPercent: tenth, reportedAt: now.toISOString() })}::jsonb` })
      .where(and(eq(schema.campaigns.id, campaign.id), sql`coalesce((${schema.campaigns.settings} ->> 'reportedPercent')::int, 0) < ${tenth}`))
      .returning({ id: schema.campaigns.id });
    if (claimed) await report(campaign, { kind: 'progress', campaignId: campaign.id, name: campaign.name, done: s.done ?? 0, total, percent: tenth });
  };

  /** Completes a sending campaign with nothing left to do, and reports its results (once: the UPDATE decides who). */
  const completeIfDone = async (campaignId: number): Promise<void> => {
    const now = deps.clock.now();
    const [done] = await deps.db
      .update(schema.campaigns)
      .set({ status: 'completed', completedAt: now, updatedAt: now })
      .where(
        and(
          eq(schema.campaigns.id, campaignId),
          eq(schema.campaigns.status, 'sending'),
          sql`${schema.campaigns.expandedAt} is not null`,
          sql`not exists (select 1 from "campaign_sends" where "campaign_id" = ${campaignId} and "status" in ('pending', 'sending', 'held'))`,
        ),
      )
      .returning();
    if (!done) return;
    const stats = await campaignStats(deps, { brandId: done.brandId, campaignId });
    if (stats) await report(done, { kind: 'completed', campaignId, name: done.name, stats });
  };

  const processBatch = async (campaignId: number, batchNo: number): Promise<void> => {
    let campaign = await load(campaignId);
    if (!campaign || campaign.status !== 'sending') return;
    if (await pausedForRevocation(campaign)) return;
    const ctx = await context(campaign);
    if (campaign.holdoutPercent > 0) await evaluateHoldout(ctx, batchNo, deps.clock.now());
    for (;;) {
      const now = deps.clock.now();
      const rows = await candidates(ctx, claimTarget(campaignId, batchNo, now), now);
      if (rows.length === 0) break;
      const finished = await sendChunk(ctx, rows, now);
      await progress(campaign, finished);
      campaign = await load(campaignId);
      // Paused or cancelled: stop claiming; what was pushed is recorded.
      if (!campaign || campaign.status !== 'sending') return;
      ctx.campaign = campaign;
    }
    // Rows waiting for later (held until morning, backing off, claimed by a worker that may have died): a job then.
    const now = deps.clock.now();
    const [next] = rowsOf<{ at: string | Date | null }>(
      await deps.db.execute(sql`
        select min("not_before") as at from "campaign_sends"
        where "campaign_id" = ${campaignId} and "batch_no" = ${batchNo} and "status" in ('pending', 'sending', 'held') and "not_before" > ${now.toISOString()}::timestamptz`),
    );
    if (next?.at) await enqueueBatch(queue, { campaignId, batchNo, generation: settingsOf(campaign).generation ?? 0, now, dueAt: new Date(next.at), tag: 'later' });
    await completeIfDone(campaignId);
  };

  // ------------------------------------------------------------------------------------------------------------
  // The sweep

  const sweep = async (): Promise<void> => {
    const now = deps.clock.now();
    // Scheduled campaigns whose time came.
    const due = await deps.db
      .update(schema.campaigns)
      .set({ status: 'sending', startedAt: now, updatedAt: now })
      .where(and(eq(schema.campaigns.status, 'scheduled'), sql`${schema.campaigns.scheduledAt} <= ${now.toISOString()}::timestamptz`))
      .returning({ id: schema.campaigns.id, settings: schema.campaigns.settings });
    for (const c of due) await enqueueExpansion(queue, c.id, (c.settings as CampaignSettings).generation ?? 0);
    const sending = await deps.db.select().from(schema.campaigns).where(eq(schema.campaigns.status, 'sending'));
    const slot = `sweep${Math.floor(now.getTime() / 60_000)}`;
    for (const c of sending) {
      const generation = settingsOf(c).generation ?? 0;
      if (c.expandedAt === null) {
        const lease = settingsOf(c).expandLeaseUntil;
        if (!lease || new Date(lease).getTime() <= now.getTime()) await enqueueExpansion(queue, c.id, generation, `:${slot}`);
        continue;
      }
      await completeIfDone(c.id);
      // Work whose jobs were lost (an in-process queue restarted) or never came: re-enqueue what is due. A campaign
      // making progress is left alone, its jobs are running.
      if (now.getTime() - c.updatedAt.getTime() < STALL_MS) continue;
      const [work] = rowsOf<{ n: unknown }>(
        await deps.db.execute(sql`
          select count(*) as n from "campaign_sends"
          where "campaign_id" = ${c.id} and ("status" = 'pending' and ("not_before" is null or "not_before" <= ${now.toISOString()}::timestamptz)
                or "status" in ('sending', 'held') and "not_before" <= ${now.toISOString()}::timestamptz)`),
      );
      if (num(work?.n) > 0) {
        log.info({ campaignId: c.id }, 'campaign stalled; re-enqueueing its due batches');
        await enqueueBatches(queue, deps.db, c.id, generation, now, slot);
      }
    }
  };

  return { expand, processBatch, sweep };
}

/** Expands an automation's audience in the caller's transaction (its SQL exists only in this call). */
export async function expandInTransaction(
  tx: Db,
  input: { campaignId: number; brandId: string; audience: SQL; holdoutPercent: number; variants: ReadonlyArray<{ key: string; weight: number }>; now: Date },
): Promise<void> {
  await insertSendRows(tx, {
    campaignId: input.campaignId,
    where: sql`(${input.audience}) and "member_facts"."brand_id" = ${input.brandId}`,
    split: { holdoutPercent: input.holdoutPercent, variants: input.variants },
    now: input.now,
  });
}
