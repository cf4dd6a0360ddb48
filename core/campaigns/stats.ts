// Campaign results, computed when asked (never stored, so a late purchase or refund counts): per variant and for the
// holdout, sends and receipts from campaign_sends, and conversions from POS purchases in the attribution window —
// from the send for those sent to, from the campaign's start for the holdout members who would have been sent to.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { campaignRow } from './campaigns.js';
import { twoProportionZTest } from './significance.js';
import { num } from './sql-util.js';
import type { CampaignStats, CampaignStatus, VariantStats } from './types.js';

interface GroupRow {
  key: string;
  recipients: unknown;
  sent: unknown;
  delivered: unknown;
  read: unknown;
  clicked: unknown;
  base: unknown;
  converted: unknown;
  revenue: unknown;
}

/** The results of a campaign, or null when it is not the brand's. */
export async function campaignStats(deps: CoreDeps, input: { brandId: string; campaignId: number }): Promise<CampaignStats | null> {
  const row = await campaignRow(deps.db, input.brandId, input.campaignId);
  if (!row) return null;
  const id = row.id;
  const start = (row.startedAt ?? deps.clock.now()).toISOString();
  // The compared group: a variant's members who were sent the message; the holdout's who passed every send rule.
  const inBase = sql`((s."status" = 'holdout' and s."channel" is not null and s."skip_reason" is null) or (s."status" <> 'holdout' and s."sent_at" is not null))`;
  const groups = rowsOf<GroupRow>(
    await deps.db.execute(sql`
      select s."variant_key" as key,
             count(*) as recipients,
             count(*) filter (where s."sent_at" is not null) as sent,
             count(*) filter (where s."delivered_at" is not null) as delivered,
             count(*) filter (where s."read_at" is not null) as read,
             count(*) filter (where s."clicked_at" is not null) as clicked,
             count(*) filter (where ${inBase}) as base,
             count(*) filter (where conv.n > 0) as converted,
             coalesce(sum(conv.rev), 0) as revenue
      from "campaign_sends" s
      left join lateral (
        select count(*) as n, coalesce(sum(t."total_minor" - t."refunded_minor"), 0) as rev
        from "loyalty_accounts" a join "pos_transactions" t on t."account_id" = a."id"
        where ${inBase} and a."customer_id" = s."customer_id"
          and t."occurred_at" >= coalesce(s."sent_at", ${start}::timestamptz)
          and t."occurred_at" < coalesce(s."sent_at", ${start}::timestamptz) + make_interval(days => ${row.attributionDays})
      ) conv on true
      where s."campaign_id" = ${id}
      group by s."variant_key"
      order by s."variant_key"`),
  );
  const statuses = rowsOf<{ status: string; skip_reason: string | null; n: unknown }>(
    await deps.db.execute(sql`
      select "status", "skip_reason", count(*) as n from "campaign_sends" where "campaign_id" = ${id} group by "status", "skip_reason"`),
  );
  const skipped: Record<string, number> = {};
  let held = 0;
  let failed = 0;
  let pending = 0;
  let total = 0;
  for (const s of statuses) {
    const n = num(s.n);
    total += n;
    if (s.status === 'skipped') skipped[s.skip_reason ?? 'unknown'] = (skipped[s.skip_reason ?? 'unknown'] ?? 0) + n;
    else if (s.status === 'held') held += n;
    else if (s.status === 'failed') failed += n;
    else if (s.status === 'pending' || s.status === 'sending') pending += n;
  }

  const byVariant: VariantStats[] = groups.map((g) => {
    const base = num(g.base);
    const converted = num(g.converted);
    return {
      key: g.key,
      recipients: num(g.recipients),
      sent: num(g.sent),
      delivered: num(g.delivered),
      read: num(g.read),
      clicked: num(g.clicked),
      base,
      converted,
      revenueMinor: num(g.revenue),
      conversionRate: base > 0 ? converted / base : 0,
      incrementalRevenueMinor: null,
      significance: null,
    };
  });
  // Holdout last, variants in key order.
  byVariant.sort((a, b) => (a.key === 'holdout' ? 1 : b.key === 'holdout' ? -1 : a.key.localeCompare(b.key)));
  const holdout = byVariant.find((v) => v.key === 'holdout' && v.base > 0);
  const variants = byVariant.filter((v) => v.key !== 'holdout');
  let incremental: number | null = null;
  let significance = null;
  if (holdout) {
    const perMember = holdout.revenueMinor / holdout.base;
    incremental = 0;
    for (const v of variants) {
      // What this group would have spent at the holdout's rate, subtracted: the revenue the message made.
      v.incrementalRevenueMinor = Math.round(v.revenueMinor - perMember * v.base);
      v.significance = twoProportionZTest(v.converted, v.base, holdout.converted, holdout.base);
      incremental += v.incrementalRevenueMinor;
    }
    const conv = variants.reduce((s, v) => s + v.converted, 0);
    const base = variants.reduce((s, v) => s + v.base, 0);
    significance = twoProportionZTest(conv, base, holdout.converted, holdout.base);
  } else if (variants.length >= 2) {
    const control = variants[0]!;
    for (const v of variants.slice(1)) v.significance = twoProportionZTest(v.converted, v.base, control.converted, control.base);
    significance = variants[1]!.significance;
  }
  return { status: row.status as CampaignStatus, total, byVariant, skipped, held, failed, pending, incrementalRevenueMinor: incremental, significance };
}
