// Reward vouchers at the till: check a code, then use it. A second use is 409; an expired or cancelled voucher is 410.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { redeemVoucher, validateVoucher } from '../../../core/rewards/index.js';
import { errors, voucherRedeemedResponse, voucherValidResponse } from './docs.js';
import { maskedRequestSerializer } from './log.js';
import { voucherRedeemOutcome, voucherValidateOutcome } from './outcomes.js';
import { principalOf, send, type PosRouteContext } from './route-context.js';
import { resolveStore } from './scope.js';
import { codeParams, jsonSchemaOf, voucherRedeemSchema } from './schemas.js';

/** Registers the voucher routes. */
export function voucherRoutes(api: FastifyInstance, ctx: PosRouteContext): void {
  api.post<{ Params: z.infer<typeof codeParams> }>(
    '/vouchers/:code/validate',
    {
      logSerializers: { req: maskedRequestSerializer },
      schema: {
        tags: ['vouchers'],
        summary: 'Check a voucher without using it',
        description: 'Codes are read case-insensitively, with or without dashes. 404 unknown, 409 already used, 410 expired or cancelled.',
        params: jsonSchemaOf(codeParams),
        response: { 200: voucherValidResponse, ...errors(404, 409, 410) },
      },
    },
    async (req, reply) => {
      principalOf(req);
      return send(reply, voucherValidateOutcome(await validateVoucher(ctx.deps, { brandId: ctx.brandId, code: req.params.code })));
    },
  );

  api.post<{ Params: z.infer<typeof codeParams>; Body: z.infer<typeof voucherRedeemSchema> }>(
    '/vouchers/:code/redeem',
    {
      logSerializers: { req: maskedRequestSerializer },
      schema: {
        tags: ['vouchers'],
        summary: 'Use a voucher',
        description:
          'Marks the voucher used at this store. A second use is 409 VOUCHER_ALREADY_REDEEMED, except a retry from the same store with the same idempotencyKey within 15 minutes, which answers 200 again.',
        params: jsonSchemaOf(codeParams),
        body: jsonSchemaOf(voucherRedeemSchema),
        response: { 200: voucherRedeemedResponse, ...errors(403, 404, 409, 410, 422) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const store = await resolveStore(ctx.deps, principal, req.body?.storeCode, { root: 'body' });
      const result = await redeemVoucher(ctx.deps, {
        brandId: ctx.brandId,
        storeId: store.id,
        code: req.params.code,
        ...(req.body?.idempotencyKey ? { idempotencyKey: req.body.idempotencyKey } : {}),
      });
      return send(reply, voucherRedeemOutcome(result));
    },
  );
}
