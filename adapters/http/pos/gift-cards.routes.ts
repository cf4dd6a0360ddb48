// Gift cards at the till: balance, then spending. Every lookup by code counts against the API key's guess budget
// (core's checkGiftCard), spending included, so a key cannot brute-force codes through either route.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { checkGiftCard, GIFT_CARD_GUESS_LIMIT, redeemGiftCard } from '../../../core/gift-cards/index.js';
import { errors, giftCardBalanceResponse, giftCardRedeemedResponse } from './docs.js';
import { maskedRequestSerializer } from './log.js';
import { errorOutcome, giftCardCheckOutcome, giftCardRedeemOutcome } from './outcomes.js';
import { principalOf, send, type PosRouteContext } from './route-context.js';
import { resolveStore } from './scope.js';
import { codeParams, giftCardRedeemSchema, jsonSchemaOf } from './schemas.js';

// checkGiftCard does not say when its window ends; the window's length is an upper bound a till can honour.
const RETRY_AFTER_SECONDS = Math.ceil(GIFT_CARD_GUESS_LIMIT.windowMs / 1000);

/** Registers the gift card routes. */
export function giftCardRoutes(api: FastifyInstance, ctx: PosRouteContext): void {
  const rateKey = (keyId: string) => `api-key:${keyId}`;

  api.post<{ Params: z.infer<typeof codeParams> }>(
    '/gift-cards/:code/validate',
    {
      logSerializers: { req: maskedRequestSerializer },
      schema: {
        tags: ['gift-cards'],
        summary: "A gift card's balance",
        description: `404 unknown, 410 expired, 409 blocked. After ${GIFT_CARD_GUESS_LIMIT.limit} unknown codes in an hour from one API key, every check from it is 429 until the hour is over.`,
        params: jsonSchemaOf(codeParams),
        response: { 200: giftCardBalanceResponse, ...errors(404, 409, 410) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const result = await checkGiftCard(ctx.deps, { brandId: ctx.brandId, code: req.params.code, rateKey: rateKey(principal.id) });
      return send(reply, giftCardCheckOutcome(result, RETRY_AFTER_SECONDS));
    },
  );

  api.post<{ Params: z.infer<typeof codeParams>; Body: z.infer<typeof giftCardRedeemSchema> }>(
    '/gift-cards/:code/redeem',
    {
      logSerializers: { req: maskedRequestSerializer },
      schema: {
        tags: ['gift-cards'],
        summary: 'Spend from a gift card',
        description:
          'Partial or full, never below zero (422 INSUFFICIENT_BALANCE with balanceMinor). Idempotent per idempotencyKey; the same key with another card or amount is 409. The card must be in the store\'s currency (422 CURRENCY_MISMATCH).',
        params: jsonSchemaOf(codeParams),
        body: jsonSchemaOf(giftCardRedeemSchema),
        response: { 200: giftCardRedeemedResponse, ...errors(403, 404, 409, 410, 422) },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const store = await resolveStore(ctx.deps, principal, req.body.storeCode, { root: 'body' });
      // The check spends a guess on an unknown code; its other answers are left to the spend itself, which decides
      // under the card's lock (a retry of a spend that emptied or outlived the card still gets its first answer).
      const check = await checkGiftCard(ctx.deps, { brandId: ctx.brandId, code: req.params.code, rateKey: rateKey(principal.id) });
      if (check.status === 'rate_limited' || check.status === 'not_found') return send(reply, giftCardCheckOutcome(check, RETRY_AFTER_SECONDS));
      if (check.status === 'ok' && check.currency !== store.currency) {
        return send(reply, errorOutcome(422, 'CURRENCY_MISMATCH', `the gift card is in ${check.currency}; store ${store.code} sells in ${store.currency}`));
      }
      const result = await redeemGiftCard(ctx.deps, {
        brandId: ctx.brandId,
        storeId: store.id,
        code: req.params.code,
        amountMinor: req.body.amountMinor,
        // Scoped to the store: two stores numbering their spends alike must not collide in the brand-wide key space.
        idempotencyKey: `${store.id}:${req.body.idempotencyKey}`,
      });
      return send(reply, giftCardRedeemOutcome(result, { currency: check.status === 'ok' ? check.currency : null }));
    },
  );
}
