// The NPS report: of the surveys sent in a period, how many were answered and how the scores split. NPS is the share of
// promoters (9–10) minus the share of detractors (0–6) among the answers, in points from -100 to 100. The period
// selects surveys by when they were sent, so the response rate compares like with like (an answer to a survey sent
// on the 31st counts in the month it was asked).
import { and, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';

/** Figures of one group (or of the whole period). */
export interface NpsFigures {
  /** Surveys sent in the period. */
  sent: number;
  /** Of those, answered with a score. */
  responses: number;
  /** responses / sent in percent, one decimal; null when nothing was sent. */
  responseRate: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, one decimal; null when nobody answered. */
  nps: number | null;
}

/** The report: the whole period, and per group when asked. */
export interface NpsReport extends NpsFigures {
  /** Per store (key: store id, or 'none' for surveys without a store) or per month ('YYYY-MM' in the brand's zone). */
  groups?: Array<{ key: string } & NpsFigures>;
}

/** NPS of the surveys a brand sent in [from, to), optionally of one store, optionally grouped by store or month. */
export async function npsReport(
  deps: CoreDeps,
  input: { brandId: string; from: Date; to: Date; storeId?: string; groupBy?: 'store' | 'month' },
): Promise<NpsReport> {
  const r = schema.surveyResponses;
  let key: SQL<string>;
  if (input.groupBy === 'month') {
    const [brand] = await deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, input.brandId));
    if (!brand) throw new AppError('NOT_FOUND', `brand ${input.brandId}`);
    key = sql<string>`to_char(${r.sentAt} at time zone ${brand.timezone}, 'YYYY-MM')`;
  } else if (input.groupBy === 'store') {
    key = sql<string>`coalesce(${r.storeId}::text, 'none')`;
  } else {
    key = sql<string>`'all'`;
  }
  const query = deps.db
    .select({
      key,
      sent: sql<number>`count(*)`.mapWith(Number),
      responses: sql<number>`count(${r.score})`.mapWith(Number),
      promoters: sql<number>`count(*) filter (where ${r.score} >= 9)`.mapWith(Number),
      detractors: sql<number>`count(*) filter (where ${r.score} <= 6)`.mapWith(Number),
    })
    .from(r)
    .where(
      and(
        eq(r.brandId, input.brandId),
        isNotNull(r.sentAt),
        gte(r.sentAt, input.from),
        lt(r.sentAt, input.to),
        input.storeId ? eq(r.storeId, input.storeId) : undefined,
      ),
    );
  // By position: the key holds a parameter (the zone), and a repeated parameter is a different expression to Postgres.
  const rows = input.groupBy ? await query.groupBy(sql`1`).orderBy(sql`1`) : await query;
  const groups = rows.map((row) => ({ key: row.key, ...figures(row) }));
  const total = figures(
    rows.reduce((a, g) => ({ sent: a.sent + g.sent, responses: a.responses + g.responses, promoters: a.promoters + g.promoters, detractors: a.detractors + g.detractors }), {
      sent: 0,
      responses: 0,
      promoters: 0,
      detractors: 0,
    }),
  );
  return input.groupBy ? { ...total, groups } : total;
}

function figures(c: { sent: number; responses: number; promoters: number; detractors: number }): NpsFigures {
  return {
    sent: c.sent,
    responses: c.responses,
    responseRate: c.sent === 0 ? null : round1((100 * c.responses) / c.sent),
    promoters: c.promoters,
    passives: c.responses - c.promoters - c.detractors,
    detractors: c.detractors,
    nps: c.responses === 0 ? null : round1((100 * (c.promoters - c.detractors)) / c.responses),
  };
}

/** One decimal, halves away from zero (-12.25 → -12.3), so a negative NPS rounds like its positive mirror. */
function round1(value: number): number {
  return (Math.sign(value) * Math.round(Math.abs(value) * 10)) / 10;
}
