// Compiles a parsed segment to a SQL boolean over member_facts. Values only ever travel as bound parameters; column
// names come from the fixed map below. Every predicate it builds is two-valued (never NULL), so `not` and `!=` are
// exact complements: a member without a language matches `language != en`, and a member who never bought matches
// `days_since_last_purchase > 60` (never buying counts as infinitely long ago) but not `< 60`.
// Predicates stay sargable: days-since comparisons become timestamp comparisons against a bound instant computed
// here, so the database does no date arithmetic per row.
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';
import { wallToInstant } from '../shared/index.js';
import type { SegmentAst, SegmentComparison, SegmentError, SegmentValue } from './parser.js';

const DAY_MS = 86_400_000;
const f = schema.memberFacts;

/** A tier of the brand, as the compiler needs it. */
export interface CompileTier {
  code: string;
  rank: number;
  name?: LocalizedText;
}

/** A store of the brand, as the compiler needs it. */
export interface CompileStore {
  id: string;
  code: string;
  name: LocalizedText;
  city: string;
}

/** What compiling needs besides the expression: the clock, the brand's time zone (for dates), tiers and stores. */
export interface CompileContext {
  now: Date;
  timeZone: string;
  tiers: readonly CompileTier[];
  stores: readonly CompileStore[];
}

class CompileFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** The SQL boolean for `ast` (without brand or store scope), or the first value the brand's data rejects. */
export function compileSegment(ast: SegmentAst, ctx: CompileContext): { ok: true; where: SQL } | { ok: false; error: SegmentError } {
  try {
    return { ok: true, where: node(ast, ctx) };
  } catch (err) {
    if (err instanceof CompileFailure) return { ok: false, error: { message: err.message, position: err.position } };
    throw err;
  }
}

function node(ast: SegmentAst, ctx: CompileContext): SQL {
  switch (ast.kind) {
    case 'and':
      return sql`(${node(ast.left, ctx)} and ${node(ast.right, ctx)})`;
    case 'or':
      return sql`(${node(ast.left, ctx)} or ${node(ast.right, ctx)})`;
    case 'not':
      return sql`(not ${node(ast.operand, ctx)})`;
    case 'compare': {
      const negated = ast.op === '!=' || ast.op.startsWith('not ');
      const positive = comparison(ast, ctx);
      return negated ? sql`(not ${positive})` : positive;
    }
  }
}

type Base = '=' | '<' | '<=' | '>' | '>=' | 'in' | 'between';

function baseOp(c: SegmentComparison): Base {
  if (c.op === '!=') return '=';
  return c.op.replace(/^not /, '') as Base;
}

/** The positive form of a comparison (`!=`, `not in`, `not between` are negated by the caller). */
function comparison(c: SegmentComparison, ctx: CompileContext): SQL {
  const op = baseOp(c);
  const v = c.values;
  switch (c.field) {
    case 'points':
      return ordered(f.pointsBalance, op, v.map((x) => Number(x.value)));
    case 'visits':
      return ordered(f.visits, op, v.map((x) => Number(x.value)));
    case 'lifetime_spend':
      return ordered(
        f.lifetimeSpendMinor,
        op,
        v.map((x) => Math.round(Number(x.value) * 100)),
      );
    case 'rfm_r':
      return notNull(f.rfmR, ordered(f.rfmR, op, v.map((x) => Number(x.value))));
    case 'rfm_f':
      return notNull(f.rfmF, ordered(f.rfmF, op, v.map((x) => Number(x.value))));
    case 'rfm_m':
      return notNull(f.rfmM, ordered(f.rfmM, op, v.map((x) => Number(x.value))));
    case 'birthday_month':
      return notNull(f.birthdayMonth, ordered(f.birthdayMonth, op, v.map((x) => Number(x.value))));
    case 'days_since_last_purchase':
      return daysSince(f.lastPurchaseAt, true, op, v, ctx.now);
    case 'days_since_enrolled':
      return daysSince(f.enrolledAt, false, op, v, ctx.now);
    case 'last_purchase':
      return notNull(f.lastPurchaseAt, dates(f.lastPurchaseAt, op, v, ctx.timeZone));
    case 'enrolled':
      return dates(f.enrolledAt, op, v, ctx.timeZone);
    case 'tier':
      return inList(f.tierCode, tierCodes(op, v, ctx.tiers));
    case 'store':
      return notNull(f.homeStoreId, inList(f.homeStoreId, storeIds(v, ctx.stores)));
    case 'city':
      return notNull(f.homeStoreId, inList(f.homeStoreId, cityStoreIds(v, ctx.stores)));
    case 'language':
      // Stored as lower-case codes ('en', 'ar'); the value is lowered instead of the column, to stay sargable.
      return notNull(f.language, inList(f.language, v.map((x) => String(x.value).toLowerCase())));
    case 'favourite_category':
      return notNull(f.favouriteCategory, inList(sql`lower(${f.favouriteCategory})`, v.map((x) => String(x.value).toLowerCase())));
    case 'favourite_product':
      return notNull(f.favouriteProduct, inList(sql`lower(${f.favouriteProduct})`, v.map((x) => String(x.value).toLowerCase())));
    case 'nps':
      return notNull(f.npsCategory, inList(f.npsCategory, v.map((x) => String(x.value))));
    case 'rfm':
      return notNull(f.rfmSegment, inList(f.rfmSegment, v.map((x) => String(x.value))));
    case 'channel':
      return overlaps(f.channels, v.map((x) => String(x.value)));
    case 'tag':
      return overlaps(f.tags, v.map((x) => String(x.value)));
    case 'consent': {
      const parts = v.map((x) =>
        x.value === 'any' ? sql`cardinality(${f.marketingChannels}) > 0` : x.value === 'none' ? sql`cardinality(${f.marketingChannels}) = 0` : overlaps(f.marketingChannels, [String(x.value)]),
      );
      return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`;
    }
  }
}

type Column = AnyColumn | SQL;

// A comparison on a nullable column is NULL for NULL; `false and NULL` is false, so this makes it two-valued.
function notNull(col: Column, predicate: SQL): SQL {
  return sql`(${col} is not null and ${predicate})`;
}

function params(values: readonly unknown[]): SQL {
  return sql.join(
    values.map((x) => sql`${x}`),
    sql`, `,
  );
}

function inList(col: Column, values: readonly unknown[]): SQL {
  if (values.length === 0) return sql`false`;
  if (values.length === 1) return sql`${col} = ${values[0]}`;
  return sql`${col} in (${params(values)})`;
}

function overlaps(col: Column, values: readonly string[]): SQL {
  return sql`${col} && array[${params(values)}]::text[]`;
}

function ordered(col: Column, op: Base, values: readonly number[]): SQL {
  const [a, b] = values;
  switch (op) {
    case '=':
    case 'in':
      return inList(col, values);
    case 'between':
      return sql`${col} between ${a} and ${b}`;
    default:
      return sql`${col} ${sql.raw(op)} ${a}`;
  }
}

const iso = (ms: number): SQL => sql`${new Date(ms).toISOString()}::timestamptz`;

/**
 * Days since a timestamp `t`, as elapsed time: `> N` is `t < now − N days`, `>= N` is `t <= now − N days`, `between A
 * and B` is `now − B days <= t <= now − A days`. `= N` means "N whole days ago": `now − (N+1) days < t <= now − N days`.
 * With `nullIsInfinite`, a NULL `t` (never bought) is infinitely long ago: it meets `>` and `>=` and nothing else.
 */
function daysSince(col: Column, nullIsInfinite: boolean, op: Base, values: readonly SegmentValue[], now: Date): SQL {
  const at = (days: number) => iso(now.getTime() - days * DAY_MS);
  const [a = 0, b = 0] = values.map((x) => Number(x.value));
  const exactly = (n: number) => sql`(${col} > ${at(n + 1)} and ${col} <= ${at(n)})`;
  switch (op) {
    case '>':
    case '>=': {
      const cmp = sql`${col} ${sql.raw(op === '>' ? '<' : '<=')} ${at(a)}`;
      return nullIsInfinite ? sql`(${col} is null or ${cmp})` : cmp;
    }
    case '<':
    case '<=':
      return notNull(col, sql`${col} ${sql.raw(op === '<' ? '>' : '>=')} ${at(a)}`);
    case '=':
    case 'in': {
      const parts = values.map((x) => exactly(Number(x.value)));
      return notNull(col, parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`);
    }
    case 'between':
      return notNull(col, sql`${col} between ${at(b)} and ${at(a)}`);
  }
}

/** Calendar dates in the brand's zone: `= d` is the whole day, `<= d` includes it, `> d` starts the next day. */
function dates(col: Column, op: Base, values: readonly SegmentValue[], timeZone: string): SQL {
  // Midnight at the start of day `d` (plus `later` days) on the brand's wall clock, DST included.
  const midnight = (d: string, later: number) => {
    const [y = 0, m = 1, day = 1] = d.split('-').map(Number);
    return wallToInstant(Date.UTC(y, m - 1, day + later), timeZone);
  };
  const start = (d: string) => midnight(d, 0);
  const end = (d: string) => midnight(d, 1);
  const [a = '', b = ''] = values.map((x) => String(x.value));
  const day = (d: string) => sql`(${col} >= ${iso(start(d))} and ${col} < ${iso(end(d))})`;
  switch (op) {
    case '=':
    case 'in': {
      const parts = values.map((x) => day(String(x.value)));
      return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`;
    }
    case '<':
      return sql`${col} < ${iso(start(a))}`;
    case '<=':
      return sql`${col} < ${iso(end(a))}`;
    case '>':
      return sql`${col} >= ${iso(end(a))}`;
    case '>=':
      return sql`${col} >= ${iso(start(a))}`;
    case 'between':
      return sql`(${col} >= ${iso(start(a))} and ${col} < ${iso(end(b))})`;
  }
}

function localizedNames(name: LocalizedText | undefined): string[] {
  return Object.values(name ?? {}).filter((n): n is string => typeof n === 'string');
}

function findTier(value: SegmentValue, tiers: readonly CompileTier[]): CompileTier {
  const text = String(value.value).toLowerCase();
  const tier = tiers.find((t) => t.code.toLowerCase() === text) ?? tiers.find((t) => localizedNames(t.name).some((n) => n.toLowerCase() === text));
  if (!tier) throw new CompileFailure(`'${String(value.value)}' is not a tier; tiers: ${tiers.map((t) => t.code).join(', ') || '(none)'}`, value.position);
  return tier;
}

/** Tier comparisons by rank: `tier >= gold` is gold and every tier above it. */
function tierCodes(op: Base, values: readonly SegmentValue[], tiers: readonly CompileTier[]): string[] {
  const found = values.map((v) => findTier(v, tiers));
  const [a, b] = found;
  const keep = (pred: (rank: number) => boolean) => tiers.filter((t) => pred(t.rank)).map((t) => t.code);
  switch (op) {
    case '=':
    case 'in':
      return found.map((t) => t.code);
    case '<':
      return keep((r) => r < a!.rank);
    case '<=':
      return keep((r) => r <= a!.rank);
    case '>':
      return keep((r) => r > a!.rank);
    case '>=':
      return keep((r) => r >= a!.rank);
    case 'between':
      if (a!.rank > b!.rank) throw new CompileFailure(`between takes the lower tier first: ${a!.code} is above ${b!.code}`, values[0]!.position);
      return keep((r) => r >= a!.rank && r <= b!.rank);
  }
}

function storeLabel(s: CompileStore): string {
  const name = s.name.en ?? localizedNames(s.name)[0];
  return name && name !== s.code ? `${s.code} (${name}, ${s.city})` : `${s.code} (${s.city})`;
}

/** A store value matches a store code, a store name in any language, or a city (every store there). */
function storeIds(values: readonly SegmentValue[], stores: readonly CompileStore[]): string[] {
  const ids = new Set<string>();
  for (const v of values) {
    const text = String(v.value).toLowerCase();
    const matches = stores.filter((s) => s.code.toLowerCase() === text || localizedNames(s.name).some((n) => n.toLowerCase() === text) || s.city.toLowerCase() === text);
    if (matches.length === 0) throw new CompileFailure(`no store '${String(v.value)}'; stores: ${stores.map(storeLabel).join(', ') || '(none)'}`, v.position);
    for (const s of matches) ids.add(s.id);
  }
  return [...ids];
}

function cityStoreIds(values: readonly SegmentValue[], stores: readonly CompileStore[]): string[] {
  const ids = new Set<string>();
  for (const v of values) {
    const matches = stores.filter((s) => s.city.toLowerCase() === String(v.value).toLowerCase());
    if (matches.length === 0) {
      const cities = [...new Set(stores.map((s) => s.city))].sort();
      throw new CompileFailure(`no store in '${String(v.value)}'; cities: ${cities.join(', ') || '(none)'}`, v.position);
    }
    for (const s of matches) ids.add(s.id);
  }
  return [...ids];
}
