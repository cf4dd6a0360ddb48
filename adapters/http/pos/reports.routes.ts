// Reports: `GET /reports/nps`, the NPS of the post-purchase and relationship surveys (core/surveys' npsReport). A
// store's own key sees its store only (as everywhere in this API); a brand-wide key sees the brand, or names a store.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { wallToInstant } from '../../../core/shared/index.js';
import { npsReport } from '../../../core/surveys/index.js';
import { schema } from '../../../db/index.js';
import { errors, npsReportResponse } from './docs.js';
import { principalOf, type PosRouteContext } from './route-context.js';
import { resolveStore } from './scope.js';
import { jsonSchemaOf, npsReportQuerySchema, RequestValidationError } from './schemas.js';

const DAY = 86_400_000;
/** The period when none is given: the last 30 days. */
export const DEFAULT_REPORT_DAYS = 30;

/** Registers the report routes. */
export function reportRoutes(api: FastifyInstance, ctx: PosRouteContext): void {
  api.get<{ Querystring: z.infer<typeof npsReportQuerySchema> }>(
    '/reports/nps',
    {
      schema: {
        tags: ['reports'],
        summary: 'NPS report',
        description:
          "Surveys sent in [from, to) and how they were answered: response rate, promoters, passives, detractors and NPS, overall and optionally per store or month. A day means midnight on the brand's clock. A store's own key gets its store only (naming another is 403); a brand-wide key gets the brand, or the store it names.",
        querystring: jsonSchemaOf(npsReportQuerySchema),
        response: { 200: npsReportResponse, ...errors(403, 422) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const { groupBy, storeCode } = req.query;
      const store = principal.store || storeCode !== undefined ? await resolveStore(ctx.deps, principal, storeCode, { root: 'query' }) : null;
      const [brand] = await ctx.deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, ctx.brandId));
      const timeZone = brand?.timezone ?? 'UTC';
      const to = req.query.to ? instantOf(req.query.to, timeZone) : ctx.deps.clock.now();
      const from = req.query.from ? instantOf(req.query.from, timeZone) : new Date(to.getTime() - DEFAULT_REPORT_DAYS * DAY);
      if (from.getTime() >= to.getTime()) throw new RequestValidationError([{ path: 'query.from', message: 'must be before to' }]);
      const report = await npsReport(ctx.deps, { brandId: ctx.brandId, from, to, ...(store ? { storeId: store.id } : {}), ...(groupBy ? { groupBy } : {}) });
      let groups = report.groups;
      if (groups && groupBy === 'store') {
        // Store codes, the names tills and head office use, instead of internal ids.
        const stores = await ctx.deps.db.select({ id: schema.stores.id, code: schema.stores.code }).from(schema.stores).where(eq(schema.stores.brandId, ctx.brandId));
        const codes = new Map(stores.map((s) => [s.id, s.code]));
        groups = groups.map((g) => ({ ...g, key: codes.get(g.key) ?? g.key }));
      }
      return reply.status(200).send({ from: from.toISOString(), to: to.toISOString(), storeCode: store?.code ?? null, ...report, ...(groups ? { groups } : {}) });
    },
  );
}

/** A day is midnight on the brand's clock; a date-time is the instant it names. */
function instantOf(value: string, timeZone: string): Date {
  if (value.length === 10) return new Date(wallToInstant(Date.parse(`${value}T00:00:00Z`), timeZone));
  return new Date(value);
}
