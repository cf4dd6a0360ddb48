// The audience of each automation period: a boolean over `member_facts` (columns qualified "member_facts"."col", as
// core/campaigns expects), always narrowed to the brand. Values travel as parameters, never spliced into the text.
import { and, eq, gte, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { Window } from './periods.js';

const f = schema.memberFacts;

function brand(brandId: string): SQL {
  return eq(f.brandId, brandId);
}

function list(values: readonly string[]): SQL {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}

/**
 * Members who enrolled inside `window`. Accounts created by a bulk import (`enrolled_via = 'import'`) are members
 * moved over from an older system, not newcomers: they get no welcome.
 */
export function enrolledIn(brandId: string, window: Window): SQL {
  const a = schema.loyaltyAccounts;
  return and(
    brand(brandId),
    gte(f.enrolledAt, window.from),
    lt(f.enrolledAt, window.to),
    sql`${f.accountId} in (select ${a.id} from ${a} where ${a.brandId} = ${brandId} and ${a.enrolledAt} >= ${window.from.toISOString()}::timestamptz and ${a.enrolledAt} < ${window.to.toISOString()}::timestamptz and ${a.enrolledVia} <> 'import')`,
  )!;
}

/** The `MM-DD` birthdays celebrated on `dates` (29 February is celebrated on the 28th in other years). */
export function birthdayMonthDays(dates: readonly string[]): string[] {
  const out = new Set(dates.map((d) => d.slice(5)));
  for (const d of dates) {
    const year = Number(d.slice(0, 4));
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (d.slice(5) === '02-28' && !leap) out.add('02-29');
  }
  return [...out].sort();
}

/** Members whose birthday (day and month, from their customer profile) falls on one of `dates`. */
export function birthdayOn(brandId: string, dates: readonly string[]): SQL {
  const c = schema.customers;
  const monthDays = birthdayMonthDays(dates);
  const months = [...new Set(monthDays.map((md) => Number(md.slice(0, 2))))];
  return and(
    brand(brandId),
    // member_facts keeps the month (indexed by nothing, but it is a cheap filter before the subquery's join).
    inArray(f.birthdayMonth, months),
    sql`${f.customerId} in (select ${c.id} from ${c} where ${c.brandId} = ${brandId} and ${c.birthday} is not null and to_char(${c.birthday}, 'MM-DD') in (${list(monthDays)}))`,
  )!;
}

/** Members whose latest purchase is inside `window` (so they crossed N days without buying during it). */
export function lastPurchaseIn(brandId: string, window: Window): SQL {
  return and(brand(brandId), isNotNull(f.lastPurchaseAt), gte(f.lastPurchaseAt, window.from), lt(f.lastPurchaseAt, window.to))!;
}

/**
 * Members whose tier went up inside `window` (a `tier_changed` loyalty event to a higher tier, whatever the reason:
 * earned, review or staff) and who still hold that tier. `tierCodes` are the brand's tiers, lowest first.
 */
export function tierUpgradedIn(brandId: string, window: Window, tierCodes: readonly string[]): SQL {
  const e = schema.loyaltyEvents;
  const order = sql`array[${list(tierCodes)}]::text[]`;
  return and(
    brand(brandId),
    sql`(${f.accountId}, ${f.tierCode}) in (select ${e.accountId}, ${e.payload}->>'to' from ${e}
      where ${e.brandId} = ${brandId} and ${e.type} = 'tier_changed'
        and ${e.createdAt} >= ${window.from.toISOString()}::timestamptz and ${e.createdAt} < ${window.to.toISOString()}::timestamptz
        and array_position(${order}, ${e.payload}->>'to') > array_position(${order}, ${e.payload}->>'from'))`,
  )!;
}

/** Members with points (a lot with some left) expiring inside `window`, and not already expired at `now`. */
export function pointsExpiringIn(brandId: string, window: Window, now: Date): SQL {
  const l = schema.pointLots;
  const from = new Date(Math.max(window.from.getTime(), now.getTime()));
  return and(
    brand(brandId),
    sql`${f.accountId} in (select ${l.accountId} from ${l} where ${l.remaining} > 0
      and ${l.expiresAt} > ${from.toISOString()}::timestamptz and ${l.expiresAt} < ${window.to.toISOString()}::timestamptz)`,
  )!;
}

/** Every member of the brand: the campaign engine keeps only those with marketing consent on a reachable channel. */
export function allMembers(brandId: string): SQL {
  return brand(brandId);
}
