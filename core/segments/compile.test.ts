import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { compileSegment, type CompileContext } from './compile.js';
import { parseSegment, type SegmentError } from './parser.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const STORE_A = '11111111-1111-4111-8111-111111111111';
const STORE_B = '22222222-2222-4222-8222-222222222222';
const STORE_C = '33333333-3333-4333-8333-333333333333';
const ctx: CompileContext = {
  now: NOW,
  timeZone: 'Asia/Dubai',
  tiers: [
    { code: 'silver', rank: 1, name: { en: 'Silver' } },
    { code: 'gold', rank: 2, name: { en: 'Gold', ar: 'ذهبي' } },
    { code: 'platinum', rank: 3, name: { en: 'Platinum' } },
  ],
  stores: [
    { id: STORE_A, code: 'DXB-MALL', name: { en: 'Dubai Mall' }, city: 'Dubai' },
    { id: STORE_B, code: 'DXB-MARINA', name: { en: 'Marina Walk' }, city: 'Dubai' },
    { id: STORE_C, code: 'AUH-1', name: { en: 'Yas Mall' }, city: 'Abu Dhabi' },
  ],
};
const dialect = new PgDialect();
const c = (s: string) => `"member_facts"."${s}"`;

function compile(text: string): { sql: string; params: unknown[] } {
  const parsed = parseSegment(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  const r = compileSegment(parsed.ast, ctx);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  const q = dialect.sqlToQuery(r.where);
  return { sql: q.sql, params: q.params };
}

function failure(text: string): SegmentError {
  const parsed = parseSegment(text);
  if (!parsed.ok) throw new Error(`${text}: parse error ${parsed.error.message}`);
  const r = compileSegment(parsed.ast, ctx);
  if (r.ok) throw new Error(`${text}: compiled`);
  return r.error;
}

describe('compileSegment', () => {
  it('compiles the issue example to sargable comparisons with bound values', () => {
    expect(compile('tier = gold and city = Dubai and days_since_last_purchase > 60')).toEqual({
      sql: `((${c('tier_code')} = $1 and (${c('home_store_id')} is not null and ${c('home_store_id')} in ($2, $3))) and (${c('last_purchase_at')} is null or ${c('last_purchase_at')} < $4::timestamptz))`,
      params: ['gold', STORE_A, STORE_B, ago(60)],
    });
  });

  it('never puts a value into the SQL text', () => {
    const evil = `x'); drop table customers; --`;
    for (const text of [`tag = "${evil}"`, `favourite_product = "${evil}"`, `language in ("${evil}", en)`]) {
      const q = compile(text);
      expect(q.sql).not.toContain('drop');
      expect(q.params.some((p) => String(p).toLowerCase() === evil.toLowerCase())).toBe(true);
    }
  });

  it('compiles numbers, with spend in minor units', () => {
    expect(compile('points >= 500')).toEqual({ sql: `${c('points_balance')} >= $1`, params: [500] });
    expect(compile('visits in (1, 2)')).toEqual({ sql: `${c('visits')} in ($1, $2)`, params: [1, 2] });
    expect(compile('visits not in (1, 2)')).toEqual({ sql: `(not ${c('visits')} in ($1, $2))`, params: [1, 2] });
    expect(compile('lifetime_spend between 99.99 and 1000')).toEqual({ sql: `${c('lifetime_spend_minor')} between $1 and $2`, params: [9999, 100000] });
    expect(compile('points != 0')).toEqual({ sql: `(not ${c('points_balance')} = $1)`, params: [0] });
    expect(compile('rfm_r >= 4')).toEqual({ sql: `(${c('rfm_r')} is not null and ${c('rfm_r')} >= $1)`, params: [4] });
  });

  it('compiles days since last purchase against instants; never bought is infinitely long ago', () => {
    const lp = c('last_purchase_at');
    expect(compile('days_since_last_purchase >= 30')).toEqual({ sql: `(${lp} is null or ${lp} <= $1::timestamptz)`, params: [ago(30)] });
    expect(compile('days_since_last_purchase < 30')).toEqual({ sql: `(${lp} is not null and ${lp} > $1::timestamptz)`, params: [ago(30)] });
    expect(compile('days_since_last_purchase <= 30')).toEqual({ sql: `(${lp} is not null and ${lp} >= $1::timestamptz)`, params: [ago(30)] });
    expect(compile('days_since_last_purchase = 7')).toEqual({ sql: `(${lp} is not null and (${lp} > $1::timestamptz and ${lp} <= $2::timestamptz))`, params: [ago(8), ago(7)] });
    expect(compile('days_since_last_purchase between 30 and 60')).toEqual({ sql: `(${lp} is not null and ${lp} between $1::timestamptz and $2::timestamptz)`, params: [ago(60), ago(30)] });
    // The negation of a two-valued predicate: never-bought members match `not between`.
    expect(compile('days_since_last_purchase not between 30 and 60').sql).toBe(`(not (${lp} is not null and ${lp} between $1::timestamptz and $2::timestamptz))`);
    expect(compile('days_since_enrolled > 10')).toEqual({ sql: `${c('enrolled_at')} < $1::timestamptz`, params: [ago(10)] });
  });

  it('compiles dates as whole days in the brand time zone', () => {
    const e = c('enrolled_at');
    // Midnight in Dubai (UTC+4) is 20:00 UTC the day before.
    expect(compile('enrolled = 2026-01-31')).toEqual({ sql: `(${e} >= $1::timestamptz and ${e} < $2::timestamptz)`, params: ['2026-01-30T20:00:00.000Z', '2026-01-31T20:00:00.000Z'] });
    expect(compile('enrolled < 2026-01-31').params).toEqual(['2026-01-30T20:00:00.000Z']);
    expect(compile('enrolled <= 2026-01-31').params).toEqual(['2026-01-31T20:00:00.000Z']);
    expect(compile('enrolled > 2026-01-31')).toEqual({ sql: `${e} >= $1::timestamptz`, params: ['2026-01-31T20:00:00.000Z'] });
    expect(compile('enrolled between 2026-01-01 and 2026-01-31').params).toEqual(['2025-12-31T20:00:00.000Z', '2026-01-31T20:00:00.000Z']);
    expect(compile('last_purchase >= 2026-02-01').sql).toBe(`(${c('last_purchase_at')} is not null and ${c('last_purchase_at')} >= $1::timestamptz)`);
  });

  it('resolves tiers case-insensitively by code or name, and compares them by rank', () => {
    expect(compile('tier = GOLD').params).toEqual(['gold']);
    expect(compile('tier = "ذهبي"').params).toEqual(['gold']);
    expect(compile('tier >= gold')).toEqual({ sql: `${c('tier_code')} in ($1, $2)`, params: ['gold', 'platinum'] });
    expect(compile('tier < silver')).toEqual({ sql: 'false', params: [] });
    expect(compile('tier between silver and gold').params).toEqual(['silver', 'gold']);
    expect(compile('tier not in (silver, platinum)')).toEqual({ sql: `(not ${c('tier_code')} in ($1, $2))`, params: ['silver', 'platinum'] });
  });

  it("says which tiers exist when one doesn't", () => {
    expect(failure('points > 1 and tier = diamond')).toEqual({ message: "'diamond' is not a tier; tiers: silver, gold, platinum", position: 22 });
    expect(failure('tier between platinum and gold')).toEqual({ message: 'between takes the lower tier first: platinum is above gold', position: 13 });
  });

  it('resolves stores by code, name or city, and cities to their stores', () => {
    expect(compile('store = dxb-mall').params).toEqual([STORE_A]);
    expect(compile('store = "Yas Mall"').params).toEqual([STORE_C]);
    expect(compile('store = dubai').params).toEqual([STORE_A, STORE_B]);
    expect(compile('city in ("abu dhabi", Dubai)').params).toEqual([STORE_C, STORE_A, STORE_B]);
    expect(compile('city != Dubai').sql).toBe(`(not (${c('home_store_id')} is not null and ${c('home_store_id')} in ($1, $2)))`);
    expect(failure('store = Sharjah')).toEqual({ message: "no store 'Sharjah'; stores: DXB-MALL (Dubai Mall, Dubai), DXB-MARINA (Marina Walk, Dubai), AUH-1 (Yas Mall, Abu Dhabi)", position: 8 });
    expect(failure('city = Sharjah')).toEqual({ message: "no store in 'Sharjah'; cities: Abu Dhabi, Dubai", position: 7 });
  });

  it('compiles arrays, consent and choices', () => {
    expect(compile('channel = whatsapp')).toEqual({ sql: `${c('channels')} && array[$1]::text[]`, params: ['whatsapp'] });
    expect(compile('channel in (line, telegram)').params).toEqual(['line', 'telegram']);
    expect(compile('consent = any')).toEqual({ sql: `cardinality(${c('marketing_channels')}) > 0`, params: [] });
    expect(compile('consent = none').sql).toBe(`cardinality(${c('marketing_channels')}) = 0`);
    expect(compile('consent in (whatsapp, line)')).toEqual({ sql: `(${c('marketing_channels')} && array[$1]::text[] or ${c('marketing_channels')} && array[$2]::text[])`, params: ['whatsapp', 'line'] });
    expect(compile('tag != vip')).toEqual({ sql: `(not ${c('tags')} && array[$1]::text[])`, params: ['vip'] });
    expect(compile('nps = detractor').params).toEqual(['detractor']);
    expect(compile('rfm = "At risk"').params).toEqual(['at_risk']);
    expect(compile('language = EN').params).toEqual(['en']);
    expect(compile('favourite_category = Shoes')).toEqual({ sql: `(${c('favourite_category')} is not null and lower(${c('favourite_category')}) = $1)`, params: ['shoes'] });
    expect(compile('birthday_month = dec').params).toEqual([12]);
  });

  it('keeps the boolean structure', () => {
    expect(compile('not (points > 1 or visits > 2) and tier = gold').sql).toBe(`((not (${c('points_balance')} > $1 or ${c('visits')} > $2)) and ${c('tier_code')} = $3)`);
  });
});
