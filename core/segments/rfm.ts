// The nightly member-facts work: RFM scores and named segments, favourite category/product and the home store. Each is
// one set-based statement per brand (an UPDATE … FROM a windowed or grouped SELECT), and rows whose values did not
// change are not rewritten, so a nightly run over a million members leaves little to vacuum.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';

// The window sorts of a million rows spill to disk at the default 4 MB; this is for the job's transaction only.
const SORT_MEMORY = sql.raw(`set local work_mem = '64MB'`);

// Scores 1–5 from the rank among the brand's buyers: 1 + 5·(rank − 1)/(n − 1), capped at 5, in integer arithmetic.
// This is ntile(5) except that ties share a score: ntile would put two members with the same visits into different
// quintiles at random, and so into different named segments.
const score = (order: string) => sql.raw(`least(5, 1 + (5 * (rank() over (order by ${order}) - 1)) / greatest(count(*) over () - 1, 1))::int`);

/**
 * Named segments from the R and F scores (and M for "can't lose them"), first match wins, so every scored member gets
 * exactly one:
 *   champions            R ≥ 4 and F ≥ 4
 *   new                  R = 5 and F = 1
 *   potential_loyalists  R ≥ 4 and F ≤ 3 (other than new)
 *   loyal                R = 3 and F ≥ 3
 *   hibernating          R = 3 and F ≤ 2, or R = 2 and F ≤ 2
 *   cant_lose_them       R = 1 and F ≥ 4 and M ≥ 4
 *   at_risk              R ≤ 2 and F ≥ 3 (other than can't lose them)
 *   lost                 R = 1 and F ≤ 2
 */
const NAMED = sql.raw(`case
  when r >= 4 and f >= 4 then 'champions'
  when r = 5 and f = 1 then 'new'
  when r >= 4 then 'potential_loyalists'
  when r = 3 and f >= 3 then 'loyal'
  when r >= 2 and f <= 2 then 'hibernating'
  when r = 1 and f >= 4 and m >= 4 then 'cant_lose_them'
  when f >= 3 then 'at_risk'
  else 'lost' end`);

/**
 * Scores every member of the brand with at least one purchase (R by last purchase, recent = 5; F by visits; M by
 * lifetime spend) and names their segment; members without purchases get NULLs.
 */
export async function computeRfm(deps: CoreDeps, input: { brandId: string }): Promise<{ members: number; bySegment: Record<string, number> }> {
  return deps.db.transaction(async (tx) => {
    await tx.execute(SORT_MEMORY);
    await tx.execute(sql`
      update member_facts t set rfm_r = n.r, rfm_f = n.f, rfm_m = n.m, rfm_segment = n.segment, updated_at = now()
      from (
        select account_id, r, f, m, ${NAMED} as segment
        from (
          select account_id, ${score('last_purchase_at')} as r, ${score('visits')} as f, ${score('lifetime_spend_minor')} as m
          from member_facts where brand_id = ${input.brandId} and last_purchase_at is not null
        ) s
      ) n
      where t.account_id = n.account_id and (t.rfm_r, t.rfm_f, t.rfm_m, t.rfm_segment) is distinct from (n.r, n.f, n.m, n.segment)`);
    await tx.execute(sql`
      update member_facts set rfm_r = null, rfm_f = null, rfm_m = null, rfm_segment = null, updated_at = now()
      where brand_id = ${input.brandId} and last_purchase_at is null and (rfm_r is not null or rfm_segment is not null)`);
    const rows = rowsOf<{ segment: string; n: number | string }>(
      await tx.execute(sql`
        select rfm_segment as segment, count(*) as n from member_facts
        where brand_id = ${input.brandId} and rfm_segment is not null group by rfm_segment`),
    );
    const bySegment: Record<string, number> = {};
    for (const r of rows) bySegment[r.segment] = Number(r.n);
    return { members: Object.values(bySegment).reduce((s, n) => s + n, 0), bySegment };
  });
}

/**
 * Recomputes what the triggers cannot keep cheaply: favourite category and product (the one on most receipts, then
 * most spent, then by name; product = line name, else sku) and the home store (most visited; ties → the latest visit).
 * Fully refunded purchases count for neither favourite. Members without purchases get NULLs.
 */
export async function refreshMemberFacts(deps: CoreDeps, input: { brandId: string }): Promise<{ members: number }> {
  return deps.db.transaction(async (tx) => {
    await tx.execute(SORT_MEMORY);
    await tx.execute(sql`
      with lines as (
        select t.account_id, t.id as txn, l->>'category' as category, coalesce(nullif(l->>'name', ''), l->>'sku') as product,
          case when jsonb_typeof(l->'amountMinor') = 'number' then (l->>'amountMinor')::numeric
               when jsonb_typeof(l->'amount') = 'number' then (l->>'amount')::numeric else 0 end as amount
        from pos_transactions t
          cross join lateral jsonb_array_elements(case when jsonb_typeof(t.lines) = 'array' then t.lines else '[]'::jsonb end) l
        where t.brand_id = ${input.brandId} and t.account_id is not null and t.refunded_minor < t.total_minor and jsonb_typeof(l) = 'object'
      ),
      cat as (
        select distinct on (account_id) account_id, category from (
          select account_id, category, count(distinct txn) as receipts, sum(amount) as spent from lines
          where coalesce(category, '') <> '' group by account_id, category) x
        order by account_id, receipts desc, spent desc, category
      ),
      prod as (
        select distinct on (account_id) account_id, product from (
          select account_id, product, count(distinct txn) as receipts, sum(amount) as spent from lines
          where coalesce(product, '') <> '' group by account_id, product) x
        order by account_id, receipts desc, spent desc, product
      ),
      home as (
        select distinct on (account_id) account_id, store_id from (
          select account_id, store_id, count(*) as visits, max(occurred_at) as latest from pos_transactions
          where brand_id = ${input.brandId} and account_id is not null group by account_id, store_id) x
        order by account_id, visits desc, latest desc
      ),
      facts as (
        select m.account_id, cat.category, prod.product, home.store_id
        from member_facts m
          left join cat on cat.account_id = m.account_id
          left join prod on prod.account_id = m.account_id
          left join home on home.account_id = m.account_id
        where m.brand_id = ${input.brandId}
      )
      update member_facts t set favourite_category = facts.category, favourite_product = facts.product, home_store_id = facts.store_id, updated_at = now()
      from facts
      where t.account_id = facts.account_id
        and (t.favourite_category, t.favourite_product, t.home_store_id) is distinct from (facts.category, facts.product, facts.store_id)`);
    const [row] = rowsOf<{ n: number | string }>(await tx.execute(sql`select count(*) as n from member_facts where brand_id = ${input.brandId}`));
    return { members: Number(row?.n ?? 0) };
  });
}
