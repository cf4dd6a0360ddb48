// Member lookup at the till: `GET /customers/lookup?memberCode=…` or `?phone=…`.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { audit } from '../../../core/audit/index.js';
import { lookupMember } from '../../../core/pos/index.js';
import { errors, lookupResponse } from './docs.js';
import { errorOutcome } from './outcomes.js';
import { principalOf, send, type PosRouteContext } from './route-context.js';
import { brandCountry, normalizePhone, resolveStore } from './scope.js';
import { jsonSchemaOf, lookupQuerySchema } from './schemas.js';

/** Registers the lookup route. */
export function customerRoutes(api: FastifyInstance, ctx: PosRouteContext): void {
  api.get<{ Querystring: z.infer<typeof lookupQuerySchema> }>(
    '/customers/lookup',
    {
      schema: {
        tags: ['customers'],
        summary: 'Find a member by member code or phone',
        description:
          "Exactly one of memberCode or phone. A phone finds a member only when they verified it; numbers without a country code are read in the store's country (a brand-wide key without storeCode: the brand's).",
        querystring: jsonSchemaOf(lookupQuerySchema),
        response: { 200: lookupResponse, ...errors(403, 404, 422) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const { memberCode, phone, storeCode } = req.query;
      let e164: string | undefined;
      if (phone !== undefined) {
        const region = principal.store || storeCode !== undefined ? (await resolveStore(ctx.deps, principal, storeCode, { root: 'query' })).country : await brandCountry(ctx.deps, ctx.brandId);
        e164 = normalizePhone(phone, region, 'query.phone');
      } else if (storeCode !== undefined) {
        await resolveStore(ctx.deps, principal, storeCode, { root: 'query' }); // another store's code is still 403
      }
      const found = await lookupMember(ctx.deps, { brandId: ctx.brandId, memberCode, phone: e164 });
      // A lookup reads personal data (a first name by phone): the audit log says which key asked, and for whom.
      await audit(ctx.deps, {
        brandId: ctx.brandId,
        actor: { type: 'api_key', id: principal.id },
        action: 'pos.customer_lookup',
        ...(found ? { target: `customer:${found.customerId}` } : {}),
        result: found ? 'ok' : 'not_found',
        details: { by: memberCode !== undefined ? 'member_code' : 'phone' },
      });
      return send(reply, found ? { status: 200, body: found } : errorOutcome(404, 'MEMBER_NOT_FOUND', 'no member with this member code or verified phone'));
    },
  );
}
