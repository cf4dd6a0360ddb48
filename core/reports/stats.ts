// Brand figures for a period (the staff `/stats` command and the console): members, points, NPS, tickets and sales,
// with a daily series in the brand's time zone. Every figure is one aggregate query over the period (no row is
// loaded into memory), so a million members cost a few scans, not a million objects.
import { eq, sql, type SQL } from 'drizzle-orm';
import { DEFAULT_PROGRAM } from '../loyalty/index.js';
import { AppError, wallClockMs, type CoreDeps } from '../shared/index.js';
import { rowsOf, schema } from '../../db/index.js';

/** What `brandStats` reports on. */
export interface BrandStatsInput {
  brandId: string;
  /** Start of the period (inclusive). */
  from: Date;
  /** End of the period (exclusive). */
  to: Date;
  /** Store ids to limit the figures to; empty means the whole brand. */
  storeIds: readonly string[];
}

/** One day of the daily series (a calendar day in the brand's time zone). */
export interface DailyStats {
  /** `YYYY-MM-DD` in the brand's time zone. */
  day: string;
  newMembers: number;
  /** Members who bought that day. */
  activeMembers: number;
  pointsIssued: number;
  pointsRedeemed: number;
}

/** NPS from the survey answers received in the period. */
export interface NpsStats {
  /** (promoters − detractors) / responses × 100, one decimal. */
  score: number;
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** The figures of a brand (or some of its stores) for a period. */
export interface BrandStats {
  period: { from: Date; to: Date };
  /** The brand's time zone, in which `daily` days are counted. */
  timezone: string;
  members: {
    /** Members enrolled before the end of the period. */
    total: number;
    /** Enrolled in the period. */
    new: number;
    /** Bought at least once in the period. */
    active: number;
  };
  points: {
    /** Earned, bonus and positive adjustments in the period. */
    issued: number;
    redeemed: number;
    expired: number;
    /** The liability now: the sum of members' spendable balances. */
    outstanding: number;
    /** `outstanding` in money, when the programme gives a point a value (it has no such setting today). */
    outstandingValueMinor?: number;
  };
  /** redeemed / issued in the period (0–1, may exceed 1 when old points are spent); null when none were issued. */
  redemptionRate: number | null;
  /** Null when no survey answer arrived in the period. */
  nps: NpsStats | null;
  tickets: {
    /** Open or waiting for the customer now. */
    open: number;
    /** Open tickets past a due time now, plus tickets resolved in the period after a due time. */
    slaBreaches: number;
  };
  sales: {
    /** Till transactions in the period (members and walk-ins). */
    transactions: number;
    /** Net of refunds, in `currency` minor units. */
    revenueMinor: number;
    currency: string;
  };
  daily: DailyStats[];
}

/** The longest period with a daily series: three years of days is still a small array, a century is not. */
export const MAX_STATS_DAYS = 1100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

/**
 * The brand's figures for [from, to). With `storeIds`, members count when their home store is one of them
 * (member_facts.home_store_id), sales, NPS and tickets when they happened in one of them. Throws INVALID_INPUT for an
 * empty or too long period or a store id that is not a UUID, NOT_FOUND for an unknown brand.
 */
export async function brandStats(deps: CoreDeps, input: BrandStatsInput): Promise<BrandStats> {
  const { brandId, from, to } = input;
  if (!(from.getTime() < to.getTime())) throw new AppError('INVALID_INPUT', 'the period must end after it starts');
  for (const id of input.storeIds) if (!UUID.test(id)) throw new AppError('INVALID_INPUT', `store id "${id}" is not a UUID`);
  const [brand] = await deps.db.select({ timezone: schema.brands.timezone, settings: schema.brands.settings }).from(schema.brands).where(eq(schema.brands.id, brandId));
  if (!brand) throw new AppError('NOT_FOUND', `brand ${brandId}`);
  const tz = brand.timezone;
  const days = daysBetween(from, to, tz);
  if (days.length > MAX_STATS_DAYS) throw new AppError('INVALID_INPUT', `the period is longer than ${MAX_STATS_DAYS} days`);
  // Only the currency is needed: read alone, so a report still works when other settings would not validate.
  const setCurrency = brand.settings.currency;
  const currency = typeof setCurrency === 'string' && /^[A-Z]{3}$/.test(setCurrency) ? setCurrency : DEFAULT_PROGRAM.currency;
  const stores = [...new Set(input.storeIds)];
  const scoped = stores.length > 0;
  // A member is in scope through their home store; joined only when scoped, so a brand-wide report reads no facts.
  const memberJoin = scoped ? sql`join member_facts f on f.account_id = la.id and f.home_store_id in ${stores}` : sql``;
  const storeFilter = (column: SQL): SQL => (scoped ? sql`and ${column} in ${stores}` : sql``);
  // The local calendar day as a date (cheap per row); formatted once per group, after aggregating.
  const dayOf = (column: SQL): SQL => sql`(${column} at time zone ${tz})::date`;
  const now = deps.clock.now();

  const [memberRows, newRows, salesRows, pointRows, npsRows, ticketRows] = await Promise.all([
    deps.db.execute(sql`
      select count(*) filter (where la.enrolled_at < ${to}) as total, coalesce(sum(la.points_balance), 0) as outstanding
      from loyalty_accounts la ${memberJoin}
      where la.brand_id = ${brandId}`),
    deps.db.execute(sql`
      select to_char(d, 'YYYY-MM-DD') as day, count(*) as n
      from (
        select ${dayOf(sql`la.enrolled_at`)} as d
        from loyalty_accounts la ${memberJoin}
        where la.brand_id = ${brandId} and la.enrolled_at >= ${from} and la.enrolled_at < ${to}
      ) s
      group by d`),
    // One pass gives each day and the whole period (the empty grouping set): distinct buyers do not add up by day.
    deps.db.execute(sql`
      select to_char(d, 'YYYY-MM-DD') as day, count(distinct account_id) as active, count(*) as transactions,
             coalesce(sum(total_minor - refunded_minor) filter (where currency = ${currency}), 0) as revenue
      from (
        select ${dayOf(sql`t.occurred_at`)} as d, t.account_id, t.total_minor, t.refunded_minor, t.currency
        from pos_transactions t
        where t.brand_id = ${brandId} and t.occurred_at >= ${from} and t.occurred_at < ${to} ${storeFilter(sql`t.store_id`)}
      ) s
      group by grouping sets ((d), ())`),
    deps.db.execute(sql`
      select to_char(d, 'YYYY-MM-DD') as day,
             coalesce(sum(points) filter (where kind in ('earn', 'bonus') or (kind = 'adjust' and points > 0)), 0) as issued,
             coalesce(-sum(points) filter (where kind = 'redeem'), 0) as redeemed,
             coalesce(-sum(points) filter (where kind = 'expire'), 0) as expired
      from (
        select ${dayOf(sql`pl.created_at`)} as d, pl.kind, pl.points
        from points_ledger pl join loyalty_accounts la on la.id = pl.account_id ${memberJoin}
        where la.brand_id = ${brandId} and pl.created_at >= ${from} and pl.created_at < ${to}
      ) s
      group by d`),
    deps.db.execute(sql`
      select count(*) as responses, count(*) filter (where r.score >= 9) as promoters, count(*) filter (where r.score <= 6) as detractors
      from survey_responses r
      where r.brand_id = ${brandId} and r.score is not null and r.answered_at >= ${from} and r.answered_at < ${to} ${storeFilter(sql`r.store_id`)}`),
    deps.db.execute(sql`
      select count(*) filter (where t.status in ('open', 'pending_customer')) as open,
             count(*) filter (where t.status in ('open', 'pending_customer')
                                and (t.resolution_due_at < ${now} or (t.first_responded_at is null and t.first_response_due_at < ${now}))) as open_late,
             count(*) filter (where t.resolved_at >= ${from} and t.resolved_at < ${to}
                                and (t.resolved_at > t.resolution_due_at or t.first_responded_at > t.first_response_due_at)) as resolved_late
      from tickets t
      where t.brand_id = ${brandId} ${storeFilter(sql`t.store_id`)}
        and (t.status in ('open', 'pending_customer') or (t.resolved_at >= ${from} and t.resolved_at < ${to}))`),
  ]);

  const daily = new Map<string, DailyStats>(days.map((day) => [day, { day, newMembers: 0, activeMembers: 0, pointsIssued: 0, pointsRedeemed: 0 }]));
  let newMembers = 0;
  for (const row of rowsOf<{ day: string; n: unknown }>(newRows)) {
    newMembers += num(row.n);
    const d = daily.get(row.day);
    if (d) d.newMembers = num(row.n);
  }
  let sales = { active: 0, transactions: 0, revenue: 0 };
  for (const row of rowsOf<{ day: string | null; active: unknown; transactions: unknown; revenue: unknown }>(salesRows)) {
    const figures = { active: num(row.active), transactions: num(row.transactions), revenue: num(row.revenue) };
    if (row.day === null) sales = figures;
    else {
      const d = daily.get(row.day);
      if (d) d.activeMembers = figures.active;
    }
  }
  const points = { issued: 0, redeemed: 0, expired: 0 };
  for (const row of rowsOf<{ day: string; issued: unknown; redeemed: unknown; expired: unknown }>(pointRows)) {
    const issued = num(row.issued);
    const redeemed = num(row.redeemed);
    points.issued += issued;
    points.redeemed += redeemed;
    points.expired += num(row.expired);
    const d = daily.get(row.day);
    if (d) {
      d.pointsIssued = issued;
      d.pointsRedeemed = redeemed;
    }
  }
  const members = rowsOf<{ total: unknown; outstanding: unknown }>(memberRows)[0];
  const nps = rowsOf<{ responses: unknown; promoters: unknown; detractors: unknown }>(npsRows)[0];
  const tickets = rowsOf<{ open: unknown; open_late: unknown; resolved_late: unknown }>(ticketRows)[0];
  const responses = num(nps?.responses);
  const promoters = num(nps?.promoters);
  const detractors = num(nps?.detractors);

  return {
    period: { from, to },
    timezone: tz,
    members: { total: num(members?.total), new: newMembers, active: sales.active },
    // outstandingValueMinor stays unset: the programme settings (core/loyalty/program.ts) give a point no money value.
    points: { ...points, outstanding: num(members?.outstanding) },
    redemptionRate: points.issued === 0 ? null : points.redeemed / points.issued,
    nps: responses === 0 ? null : { score: round1((100 * (promoters - detractors)) / responses), responses, promoters, passives: responses - promoters - detractors, detractors },
    tickets: { open: num(tickets?.open), slaBreaches: num(tickets?.open_late) + num(tickets?.resolved_late) },
    sales: { transactions: sales.transactions, revenueMinor: sales.revenue, currency },
    daily: [...daily.values()],
  };
}

/** The calendar days (YYYY-MM-DD, in `timeZone`) that [from, to) touches, in order. */
export function daysBetween(from: Date, to: Date, timeZone: string): string[] {
  const first = startOfDay(wallClockMs(from.getTime(), timeZone));
  const last = startOfDay(wallClockMs(to.getTime() - 1, timeZone));
  const days: string[] = [];
  // Bounded by the caller's check only after counting, so stop early rather than build a huge array first.
  for (let d = first; d <= last && days.length <= MAX_STATS_DAYS; d += DAY_MS) days.push(new Date(d).toISOString().slice(0, 10));
  return days;
}

function startOfDay(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS) * DAY_MS;
}

// Counts and sums come back as strings (bigint, numeric) from node-postgres and as numbers or bigints from PGlite.
function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}

/** One decimal, halves away from zero, as the NPS report rounds. */
function round1(value: number): number {
  return (Math.sign(value) * Math.round(Math.abs(value) * 10)) / 10;
}
