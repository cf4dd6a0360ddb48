// Generates a brand with N members straight in SQL (generate_series), for the segment and campaign benchmarks.
// Each member: customer, loyalty account, a LINE identity and conversation (so a campaign can reach them), marketing
// consent on LINE for ~90 %, and a member_facts row with spread-out tiers, spend, visits, last purchase, home store,
// language and birthday month. Ids are derived from the member's number (md5 → uuid), so every table joins by i.
// Triggers are off while generating (session_replication_role = replica): the rows they would derive are written
// directly, which is ~10× faster at a million rows; what the triggers do is covered by the integration tests.
import pg from 'pg';

/** The generated brand's stores: code, city, time zone. */
export const BENCH_STORES = [
  { code: 'DXB-MALL', city: 'Dubai', name: 'Dubai Mall' },
  { code: 'DXB-JBR', city: 'Dubai', name: 'JBR Walk' },
  { code: 'DXB-MOE', city: 'Dubai', name: 'Mall of the Emirates' },
  { code: 'AUH-YAS', city: 'Abu Dhabi', name: 'Yas Mall' },
  { code: 'SHJ-CITY', city: 'Sharjah', name: 'City Centre Sharjah' },
] as const;

/** Creates brand `brandId` with `members` members on the database at `url`; returns how long it took per step. */
export async function generateMembers(url: string, brandId: string, members: number, log: (s: string) => void): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const timings: Record<string, number> = {};
  const step = async (name: string, text: string, values: unknown[] = []): Promise<void> => {
    const t = performance.now();
    await client.query(text, values);
    timings[name] = Math.round(performance.now() - t);
    log(`  ${name}: ${(timings[name] / 1000).toFixed(1)} s`);
  };
  try {
    await client.query(`insert into brands (id, name, country, timezone, settings) values ($1, 'Bench perfumes', 'AE', 'Asia/Dubai', $2)`, [
      brandId,
      JSON.stringify({ campaigns: { maxPerWeek: 100, quietHours: null } }),
    ]);
    await client.query(
      `insert into tiers (brand_id, code, name, min_points, rank) values ($1,'silver','{"en":"Silver"}',0,1), ($1,'gold','{"en":"Gold"}',1000,2), ($1,'platinum','{"en":"Platinum"}',5000,3)`,
      [brandId],
    );
    for (const s of BENCH_STORES) {
      await client.query(`insert into stores (brand_id, code, name, city, country, timezone) values ($1, $2, $3, $4, 'AE', 'Asia/Dubai')`, [brandId, s.code, JSON.stringify({ en: s.name }), s.city]);
    }
    await client.query(`set session_replication_role = replica`);
    await client.query(`set synchronous_commit = off`);
    const n = members;
    await step(
      'customers',
      `insert into customers (id, brand_id, name, language, birthday)
       select md5('c' || i)::uuid, $1, 'Member ' || i,
              (array['en','en','ar','ar','zh'])[1 + i % 5],
              date '1970-01-01' + ((i::bigint * 7919) % 15000)::int
       from generate_series(1, $2::int) i`,
      [brandId, n],
    );
    await step(
      'identities',
      `insert into channel_identities (brand_id, customer_id, channel, external_id)
       select $1, md5('c' || i)::uuid, 'line', 'U' || md5('line' || i) from generate_series(1, $2::int) i`,
      [brandId, n],
    );
    await step(
      'conversations',
      `insert into conversations (brand_id, customer_id, channel, chat_id, language)
       select $1, md5('c' || i)::uuid, 'line', 'U' || md5('line' || i), (array['en','en','ar','ar','zh'])[1 + i % 5]
       from generate_series(1, $2::int) i`,
      [brandId, n],
    );
    await step(
      'accounts',
      `insert into loyalty_accounts (id, brand_id, customer_id, member_code, points_balance, qualifying_points, tier_code, enrolled_at, enrolled_via)
       select md5('a' || i)::uuid, $1, md5('c' || i)::uuid, 'BM' || lpad(i::text, 8, '0'), (i::bigint * 37) % 6000, (i::bigint * 37) % 6000,
              case when (i::bigint * 37) % 6000 >= 5000 then 'platinum' when (i::bigint * 37) % 6000 >= 1000 then 'gold' else 'silver' end,
              now() - ((i % 1500) || ' days')::interval, 'line'
       from generate_series(1, $2::int) i`,
      [brandId, n],
    );
    await step(
      'consent',
      `insert into consent_records (customer_id, purpose, channel, granted, wording_version, source)
       select md5('c' || i)::uuid, 'marketing', 'line', true, 'bench', 'bench' from generate_series(1, $1::int) i where i % 10 <> 0`,
      [n],
    );
    await step(
      'member_facts',
      `with s as (select array_agg(id order by code) ids from stores where brand_id = $1)
       insert into member_facts (account_id, brand_id, customer_id, tier_code, points_balance, lifetime_spend_minor, visits,
                                 first_purchase_at, last_purchase_at, enrolled_at, home_store_id, store_ids, channels,
                                 marketing_channels, language, birthday_month)
       select md5('a' || i)::uuid, $1, md5('c' || i)::uuid,
              case when (i::bigint * 37) % 6000 >= 5000 then 'platinum' when (i::bigint * 37) % 6000 >= 1000 then 'gold' else 'silver' end,
              (i::bigint * 37) % 6000, ((i::bigint * 7877) % 500000)::bigint, 1 + (i::bigint * 13) % 40,
              now() - (((i::bigint * 31) % 1400 + 30) || ' days')::interval,
              case when i % 17 = 0 then null else now() - (((i::bigint * 101) % 400) || ' days')::interval end,
              now() - ((i % 1500) || ' days')::interval,
              s.ids[1 + (i::bigint * 7) % array_length(s.ids, 1)], array[s.ids[1 + (i::bigint * 7) % array_length(s.ids, 1)]],
              array['line'], case when i % 10 <> 0 then array['line'] else '{}'::text[] end,
              (array['en','en','ar','ar','zh'])[1 + i % 5], extract(month from date '1970-01-01' + ((i::bigint * 7919) % 15000)::int)::int
       from generate_series(1, $2::int) i, s`,
      [brandId, n],
    );
    await client.query(`set session_replication_role = origin`);
    await step('analyze', `analyze`);
  } finally {
    await client.end();
  }
  return timings;
}
