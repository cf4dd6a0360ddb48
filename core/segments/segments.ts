// Segments over member_facts: compile an expression for a brand and a viewer's store scope, count it, preview it
// (count, sample, breakdown by tier and store), export it as CSV, and keep named segments.
// Store scope is the member's home store: a store manager sees the members whose home store is one of theirs.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, schema } from '../../db/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { compileSegment, type CompileStore } from './compile.js';
import { toCsv } from './csv.js';
import { parseSegment, type SegmentAst, type SegmentError } from './parser.js';

/** A saved segment. */
export type SegmentRow = typeof schema.segments.$inferSelect;

/** What a segment is evaluated for: the brand, the expression, and the viewer's stores ([] = the whole brand). */
export interface SegmentInput {
  brandId: string;
  expression: string;
  storeIds: readonly string[];
}

/** One member in a preview. */
export interface SegmentSampleMember {
  memberCode: string;
  name: string | null;
  tierCode: string;
  pointsBalance: number;
  lastPurchaseAt: Date | null;
  /** The home store's name (English, else any language), else its code. */
  homeStore: string | null;
}

/** A preview: count, a few members (biggest spenders first), and the breakdown by tier and by home store. */
export interface SegmentPreview {
  ok: true;
  count: number;
  sample: SegmentSampleMember[];
  /** In tier rank order, every tier with at least one member. */
  byTier: Array<{ tierCode: string; count: number }>;
  /** Most members first; a null store is members without a home store (no purchase yet). */
  byStore: Array<{ storeCode: string | null; storeName: string | null; count: number }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const f = schema.memberFacts;

function walk(ast: SegmentAst, fields: Set<string>): Set<string> {
  if (ast.kind === 'compare') fields.add(ast.field);
  else if (ast.kind === 'not') walk(ast.operand, fields);
  else walk(ast.right, walk(ast.left, fields));
  return fields;
}

async function loadStores(deps: CoreDeps, brandId: string): Promise<CompileStore[]> {
  return deps.db
    .select({ id: schema.stores.id, code: schema.stores.code, name: schema.stores.name, city: schema.stores.city })
    .from(schema.stores)
    .where(eq(schema.stores.brandId, brandId))
    .orderBy(asc(schema.stores.code));
}

function loadTiers(deps: CoreDeps, brandId: string) {
  return deps.db
    .select({ code: schema.tiers.code, rank: schema.tiers.rank, name: schema.tiers.name })
    .from(schema.tiers)
    .where(eq(schema.tiers.brandId, brandId))
    .orderBy(asc(schema.tiers.rank));
}

/** The brand and store scope as SQL over member_facts (store scope = home store). */
export function scopeWhere(brandId: string, storeIds: readonly string[]): SQL {
  for (const id of storeIds) if (!UUID.test(id)) throw new AppError('INVALID_INPUT', `store id ${JSON.stringify(id)} is not a uuid`);
  const brand = sql`${f.brandId} = ${brandId}`;
  if (storeIds.length === 0) return brand;
  return sql`${brand} and ${f.homeStoreId} in (${sql.join(
    storeIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

/** SQL boolean over the table member_facts (columns qualified "member_facts"."col"), brand + store scope included. */
export async function segmentWhere(deps: CoreDeps, input: SegmentInput): Promise<{ ok: true; where: SQL } | { ok: false; error: SegmentError }> {
  const parsed = parseSegment(input.expression);
  if (!parsed.ok) return parsed;
  const [brand] = await deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, input.brandId));
  if (!brand) throw new AppError('NOT_FOUND', `brand ${input.brandId} not found`);
  const fields = walk(parsed.ast, new Set());
  const compiled = compileSegment(parsed.ast, {
    now: deps.clock.now(),
    timeZone: brand.timezone,
    tiers: fields.has('tier') ? await loadTiers(deps, input.brandId) : [],
    stores: fields.has('store') || fields.has('city') ? await loadStores(deps, input.brandId) : [],
  });
  if (!compiled.ok) return compiled;
  return { ok: true, where: sql`(${scopeWhere(input.brandId, input.storeIds)} and ${compiled.where})` };
}

/** How many members a segment has (within the viewer's stores). */
export async function countSegment(deps: CoreDeps, input: SegmentInput): Promise<{ ok: true; count: number } | { ok: false; error: SegmentError }> {
  const compiled = await segmentWhere(deps, input);
  if (!compiled.ok) return compiled;
  const [row] = rowsOf<{ n: number | string }>(await deps.db.execute(sql`select count(*) as n from member_facts where ${compiled.where}`));
  return { ok: true, count: Number(row?.n ?? 0) };
}

function storeName(name: Record<string, string | undefined> | null): string | null {
  if (!name) return null;
  return name.en ?? Object.values(name).find((n) => typeof n === 'string') ?? null;
}

/** Count, a sample (biggest spenders first) and the breakdown by tier and home store, in two scans of member_facts. */
export async function previewSegment(deps: CoreDeps, input: SegmentInput & { sampleSize?: number }): Promise<SegmentPreview | { ok: false; error: SegmentError }> {
  const compiled = await segmentWhere(deps, input);
  if (!compiled.ok) return compiled;
  const where = compiled.where;
  const sampleSize = Math.max(0, Math.min(input.sampleSize ?? 10, 100));
  // One parallel scan groups by (tier, home store): a few hundred rows at most, summed both ways here. (GROUPING SETS
  // would say it in SQL but runs without parallel workers: twice as slow at a million members.)
  const [groups, sample, tiers, stores] = await Promise.all([
    deps.db.execute(sql`select tier_code, home_store_id, count(*) as n from member_facts where ${where} group by tier_code, home_store_id`),
    sampleSize === 0
      ? Promise.resolve({ rows: [] })
      : // The sample is picked from member_facts alone, then joined: joining first made the planner join every match.
        deps.db.execute(sql`
          select a.member_code, c.name, m.tier_code, m.points_balance, m.last_purchase_at, s.code as store_code, s.name as store_name
          from (select account_id, customer_id, tier_code, points_balance, last_purchase_at, home_store_id, lifetime_spend_minor
                from member_facts where ${where}
                order by lifetime_spend_minor desc, account_id limit ${sampleSize}) m
            join loyalty_accounts a on a.id = m.account_id
            join customers c on c.id = m.customer_id
            left join stores s on s.id = m.home_store_id
          order by m.lifetime_spend_minor desc, m.account_id`),
    loadTiers(deps, input.brandId),
    loadStores(deps, input.brandId),
  ]);
  const rows = rowsOf<{ tier_code: string; home_store_id: string | null; n: number | string }>(groups);
  const perTier = new Map<string, number>();
  const perStore = new Map<string | null, number>();
  for (const r of rows) {
    perTier.set(r.tier_code, (perTier.get(r.tier_code) ?? 0) + Number(r.n));
    perStore.set(r.home_store_id, (perStore.get(r.home_store_id) ?? 0) + Number(r.n));
  }
  const rank = new Map(tiers.map((t) => [t.code, t.rank]));
  const storeById = new Map(stores.map((s) => [s.id, s]));
  const byTier = [...perTier]
    .map(([tierCode, count]) => ({ tierCode, count }))
    .sort((a, b) => (rank.get(a.tierCode) ?? Infinity) - (rank.get(b.tierCode) ?? Infinity) || a.tierCode.localeCompare(b.tierCode));
  const byStore = [...perStore]
    .map(([id, count]) => {
      const s = id ? storeById.get(id) : undefined;
      return { storeCode: s?.code ?? null, storeName: s ? storeName(s.name) : null, count };
    })
    .sort((a, b) => b.count - a.count || (a.storeCode ?? '\uffff').localeCompare(b.storeCode ?? '\uffff'));
  type SampleRow = { member_code: string; name: string | null; tier_code: string; points_balance: number; last_purchase_at: Date | string | null; store_code: string | null; store_name: Record<string, string> | null };
  return {
    ok: true,
    count: byTier.reduce((sum, t) => sum + t.count, 0),
    sample: rowsOf<SampleRow>(sample).map((r) => ({
      memberCode: r.member_code,
      name: r.name,
      tierCode: r.tier_code,
      pointsBalance: Number(r.points_balance),
      lastPurchaseAt: r.last_purchase_at === null ? null : new Date(r.last_purchase_at),
      homeStore: storeName(r.store_name) ?? r.store_code,
    })),
    byTier,
    byStore,
  };
}

/** Default and largest number of rows in an export (a chat file of a million rows helps nobody). */
export const EXPORT_LIMIT = 100_000;

/**
 * The segment's members as CSV (member_code, name, tier, points, lifetime_spend in major units, visits,
 * last_purchase_at ISO, home_store code, language, channels space-separated), by member code, formula-safe.
 */
export async function exportSegmentCsv(
  deps: CoreDeps,
  input: SegmentInput & { limit?: number },
): Promise<{ ok: true; fileName: string; data: Uint8Array; rows: number } | { ok: false; error: SegmentError }> {
  const compiled = await segmentWhere(deps, input);
  if (!compiled.ok) return compiled;
  const limit = Math.max(0, Math.min(input.limit ?? EXPORT_LIMIT, EXPORT_LIMIT));
  type Row = {
    member_code: string;
    name: string | null;
    tier_code: string;
    points_balance: number;
    lifetime_spend_minor: number | string;
    visits: number;
    last_purchase_at: Date | string | null;
    store_code: string | null;
    language: string | null;
    channels: string[] | string;
  };
  const rows = rowsOf<Row>(
    await deps.db.execute(sql`
      select a.member_code, c.name, member_facts.tier_code, member_facts.points_balance, member_facts.lifetime_spend_minor,
        member_facts.visits, member_facts.last_purchase_at, s.code as store_code, member_facts.language,
        array_to_string(member_facts.channels, ' ') as channels
      from member_facts
        join loyalty_accounts a on a.id = member_facts.account_id
        join customers c on c.id = member_facts.customer_id
        left join stores s on s.id = member_facts.home_store_id
      where ${compiled.where}
      order by a.member_code
      limit ${limit}`),
  );
  const header = ['member_code', 'name', 'tier', 'points', 'lifetime_spend', 'visits', 'last_purchase_at', 'home_store', 'language', 'channels'];
  const body = rows.map((r) => [
    r.member_code,
    r.name ?? '',
    r.tier_code,
    String(r.points_balance),
    (Number(r.lifetime_spend_minor) / 100).toFixed(2),
    String(r.visits),
    r.last_purchase_at === null ? '' : new Date(r.last_purchase_at).toISOString(),
    r.store_code ?? '',
    r.language ?? '',
    Array.isArray(r.channels) ? r.channels.join(' ') : r.channels,
  ]);
  const stamp = deps.clock.now().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return { ok: true, fileName: `segment-${stamp}.csv`, data: new TextEncoder().encode(toCsv([header, ...body])), rows: rows.length };
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,59}$/u;

/** True when a segment saved with `segmentStoreIds` lies within a viewer's scope ([] = whole brand). */
export function segmentVisibleTo(segmentStoreIds: readonly string[], viewerStoreIds: readonly string[]): boolean {
  if (viewerStoreIds.length === 0) return true;
  return segmentStoreIds.length > 0 && segmentStoreIds.every((id) => viewerStoreIds.includes(id));
}

/**
 * Saves (creates, or replaces the expression of) a named segment, with the creator's store scope. The name is unique per
 * brand ignoring case; a scoped creator cannot overwrite a segment beyond their stores (`bad_name`).
 */
export async function saveSegment(
  deps: CoreDeps,
  input: SegmentInput & { name: string; createdBy: string },
): Promise<{ status: 'created' | 'updated'; segment: SegmentRow } | { status: 'invalid'; error: SegmentError } | { status: 'bad_name'; message: string }> {
  const name = input.name.trim();
  if (!NAME.test(name)) return { status: 'bad_name', message: 'a segment name is 1–60 letters, digits, spaces, _ . or -, starting with a letter or digit' };
  const compiled = await segmentWhere(deps, input);
  if (!compiled.ok) return { status: 'invalid', error: compiled.error };
  const existing = await getSegment(deps, { brandId: input.brandId, name });
  if (existing && !segmentVisibleTo(existing.storeIds, input.storeIds)) return { status: 'bad_name', message: `the name ${name} is taken by a segment beyond your stores` };
  const now = deps.clock.now();
  const storeIds = [...input.storeIds];
  // One statement, so two saves of the same name race into one row; xmax = 0 only for a freshly inserted row.
  const [row] = rowsOf<{ id: string; inserted: boolean }>(
    await deps.db.execute(sql`
      insert into segments (brand_id, name, expression, store_ids, created_by, created_at, updated_at)
      values (${input.brandId}, ${name}, ${input.expression}, ${JSON.stringify(storeIds)}::jsonb, ${input.createdBy}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
      on conflict (brand_id, lower(name)) do update
        set name = excluded.name, expression = excluded.expression, store_ids = excluded.store_ids, updated_at = excluded.updated_at
      returning id, (xmax = 0) as inserted`),
  );
  if (!row) throw new AppError('INTERNAL', 'segment upsert returned no row');
  const [segment] = await deps.db.select().from(schema.segments).where(eq(schema.segments.id, row.id));
  if (!segment) throw new AppError('INTERNAL', `segment ${row.id} vanished`);
  return { status: row.inserted ? 'created' : 'updated', segment };
}

/** A saved segment by name, ignoring case; null when there is none. */
export async function getSegment(deps: CoreDeps, input: { brandId: string; name: string }): Promise<SegmentRow | null> {
  const [row] = await deps.db
    .select()
    .from(schema.segments)
    .where(and(eq(schema.segments.brandId, input.brandId), sql`lower(${schema.segments.name}) = lower(${input.name.trim()})`));
  return row ?? null;
}

/** Saved segments by name; a scoped viewer sees those whose stores are all within their scope. */
export async function listSegments(deps: CoreDeps, input: { brandId: string; storeIds: readonly string[] }): Promise<SegmentRow[]> {
  const rows = await deps.db.select().from(schema.segments).where(eq(schema.segments.brandId, input.brandId)).orderBy(sql`lower(${schema.segments.name})`);
  return rows.filter((s) => segmentVisibleTo(s.storeIds, input.storeIds));
}
