// Expansion: a started campaign's audience becomes one campaign_sends row per member, in INSERT … SELECT statements
// of CHUNK members each (keyset over member_facts.account_id), so a million members expand in seconds without their
// rows ever passing through this process. ON CONFLICT (campaign, customer) DO NOTHING makes a rerun (a crash midway,
// a second job) add only what is missing: exactly one row per recipient, whatever happens.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, schema, type Db } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { extractUrls } from './template.js';
import { num } from './sql-util.js';

/** Recipients per batch job. */
export const BATCH_SIZE = 1000;
/** Members per expansion statement (a multiple of BATCH_SIZE, so batches never straddle two statements). */
export const EXPAND_CHUNK = 25_000;

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** The variant split: weights of the variants in key order. */
export interface SplitSpec {
  holdoutPercent: number;
  variants: ReadonlyArray<{ key: string; weight: number }>;
}

/**
 * The variant of a member as SQL: a stable hash of (campaign, customer) puts `holdoutPercent`% in the holdout, and a
 * second, independent hash splits the rest by weight. Stable: a rerun assigns everybody the same again.
 */
function variantExpr(campaignId: number, split: SplitSpec): { holdout: SQL; variant: SQL } {
  const seed = sql`${String(campaignId)}::text || ':' || "member_facts"."customer_id"::text`;
  const holdout = sql`((hashtextextended(${seed}, 0) % 10000 + 10000) % 10000) < ${split.holdoutPercent * 100}`;
  const total = split.variants.reduce((s, v) => s + v.weight, 0);
  const bucket = sql`((hashtextextended(${seed}, 1) % ${total} + ${total}) % ${total})`;
  let upTo = 0;
  const cases = split.variants.map((v) => {
    upTo += v.weight;
    return sql`when ${bucket} < ${upTo} then ${v.key}`;
  });
  return { holdout, variant: sql`(case ${sql.join(cases, sql` `)} end)` };
}

/**
 * Inserts the send rows of every member matching `where` (a boolean over member_facts), chunk by chunk; `keepGoing`
 * is asked between chunks (a paused campaign stops expanding). Returns false when stopped early.
 */
export async function insertSendRows(
  db: Db,
  input: { campaignId: number; where: SQL; split: SplitSpec; now: Date; keepGoing?: () => Promise<boolean> },
): Promise<boolean> {
  const { holdout, variant } = variantExpr(input.campaignId, input.split);
  let after = ZERO_UUID;
  for (let chunk = 0; ; chunk++) {
    const base = chunk * (EXPAND_CHUNK / BATCH_SIZE);
    const [result] = rowsOf<{ n: unknown; last: string | null }>(
      await db.execute(sql`
        with chunk as (
          select "member_facts"."account_id", "member_facts"."customer_id", ${holdout} as is_holdout, ${variant} as variant_key
          from "member_facts"
          where (${input.where}) and "member_facts"."account_id" > ${after}::uuid
          order by "member_facts"."account_id"
          limit ${EXPAND_CHUNK}
        ), ins as (
          insert into "campaign_sends" ("campaign_id", "customer_id", "batch_no", "variant_key", "status", "created_at")
          select ${input.campaignId}, customer_id, ${base} + ((row_number() over (order by account_id) - 1) / ${BATCH_SIZE})::int,
                 case when is_holdout then 'holdout' else variant_key end,
                 case when is_holdout then 'holdout' else 'pending' end, ${input.now.toISOString()}::timestamptz
          from chunk
          on conflict ("campaign_id", "customer_id") do nothing
          returning 1
        )
        select (select count(*) from chunk) as n, (select account_id::text from chunk order by account_id desc limit 1) as last,
               (select count(*) from ins) as inserted`),
    );
    const n = num(result?.n);
    if (n < EXPAND_CHUNK || !result?.last) return true;
    after = result.last;
    if (input.keepGoing && !(await input.keepGoing())) return false;
  }
}

/** Records every http(s) link of the variants' texts as a campaign link (once each), so sends can track them. */
export async function registerLinks(db: Db, campaignId: number, texts: readonly string[], now: Date): Promise<void> {
  const urls = [...new Set(texts.flatMap(extractUrls))];
  if (urls.length === 0) return;
  await db
    .insert(schema.campaignLinks)
    .values(urls.map((url) => ({ campaignId, url, createdAt: now })))
    .onConflictDoNothing();
}

/** The campaign's links by URL. */
export async function linksOf(db: Db, campaignId: number): Promise<Map<string, number>> {
  const rows = await db.select({ id: schema.campaignLinks.id, url: schema.campaignLinks.url }).from(schema.campaignLinks).where(eq(schema.campaignLinks.campaignId, campaignId));
  return new Map(rows.map((r) => [r.url, r.id]));
}

/** Marks the campaign expanded and stores its recipient counts for the progress reports. */
export async function finishExpansion(deps: CoreDeps, db: Db, campaignId: number): Promise<{ recipients: number; holdout: number } | null> {
  const [counts] = rowsOf<{ recipients: unknown; holdout: unknown }>(
    await db.execute(sql`
      select count(*) filter (where "status" <> 'holdout') as recipients, count(*) filter (where "status" = 'holdout') as holdout
      from "campaign_sends" where "campaign_id" = ${campaignId}`),
  );
  const recipients = num(counts?.recipients);
  const holdout = num(counts?.holdout);
  const now = deps.clock.now();
  const [row] = await db
    .update(schema.campaigns)
    .set({
      expandedAt: now,
      updatedAt: now,
      settings: sql`(${schema.campaigns.settings} - 'expandLeaseUntil') || ${JSON.stringify({ total: recipients, holdout })}::jsonb`,
    })
    .where(and(eq(schema.campaigns.id, campaignId), sql`${schema.campaigns.expandedAt} is null`))
    .returning({ id: schema.campaigns.id });
  return row ? { recipients, holdout } : null;
}
