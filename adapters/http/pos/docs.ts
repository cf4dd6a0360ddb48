// Response shapes for the OpenAPI document only (the plugin serializes with JSON.stringify, so these never filter a
// response), and the document's header: title, security scheme, the error and status conventions.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { z } from 'zod';

// The top-level description becomes the response's description in the document.
const toJson = (s: z.ZodType, description: string): Record<string, unknown> => {
  const json = z.toJSONSchema(s, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return { ...json, description };
};

const member = z.object({ memberCode: z.string(), balance: z.int(), pendingPoints: z.int(), tierCode: z.string() });

/** `{ error: { code, message } }`, sometimes with a field more (refundableMinor, balanceMinor). */
export const errorResponse = toJson(z.object({ error: z.looseObject({ code: z.string(), message: z.string() }) }), 'A refusal: the code says which, the message says why.');

/** A recorded sale. */
export const transactionResponse = toJson(
  z.object({
    transactionId: z.uuid(),
    externalId: z.string(),
    storeCode: z.string(),
    member: member.nullable().describe('Null when no member matched (a phone purchase is attached when they enroll).'),
    pointsEarned: z.int(),
    pointsPending: z.int().describe('Of pointsEarned, the points held for the return window.'),
  }),
  'The sale: 201 when recorded now, 200 (with Idempotent-Replayed: true) for a faithful retry.');

/** The per-line report of a bulk upload. */
export const bulkResponse = toJson(
  z.object({
    lines: z.int(),
    recorded: z.int(),
    replayed: z.int(),
    rejected: z.int(),
    results: z.array(
      z.object({
        line: z.int().describe('1-based line number in the body.'),
        externalId: z.string().optional(),
        status: z.enum(['recorded', 'replayed', 'rejected']),
        transaction: z.record(z.string(), z.unknown()).optional().describe('As POST /transactions answers.'),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    ),
  }),
  'One entry per non-blank line, in line order.');

/** A recorded refund. */
export const refundResponse = toJson(
  z.object({
    refundId: z.uuid(),
    transactionExternalId: z.string(),
    refundExternalId: z.string(),
    pointsReversed: z.int(),
    shortfallPoints: z.int().describe('Points that could not be taken back because the member had already spent them.'),
    member: member.nullable(),
  }),
  'The refund: 201 when recorded now, 200 for a faithful retry.');

/** A member found by the till. */
export const lookupResponse = toJson(member.extend({ customerId: z.uuid(), firstName: z.string().nullable() }), 'The member.');

const voucher = z.object({
  id: z.uuid(),
  code: z.string(),
  rewardName: z.record(z.string(), z.string()),
  status: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
});

/** A usable voucher. */
export const voucherValidResponse = toJson(
  z.object({ valid: z.literal(true), voucher, reward: z.object({ code: z.string(), kind: z.string(), valueMinor: z.int().nullable() }) }),
  'The voucher can be used.');

/** A voucher just used. */
export const voucherRedeemedResponse = toJson(z.object({ redeemed: z.literal(true), voucher }), 'The voucher is now used.');

/** A gift card's balance. */
export const giftCardBalanceResponse = toJson(
  z.object({ balanceMinor: z.int(), currency: z.string(), expiresAt: z.string().nullable(), last4: z.string() }),
  "The card's balance.");

/** A gift card just spent from. */
export const giftCardRedeemedResponse = toJson(z.object({ redeemed: z.literal(true), balanceMinor: z.int(), currency: z.string().nullable() }), 'The amount was taken; the balance left.');

const npsFigures = {
  sent: z.int().describe('Surveys sent in the period.'),
  responses: z.int().describe('Of those, answered with a score.'),
  responseRate: z.number().nullable().describe('responses / sent in percent, one decimal; null when nothing was sent.'),
  promoters: z.int().describe('Scores 9–10.'),
  passives: z.int().describe('Scores 7–8.'),
  detractors: z.int().describe('Scores 0–6.'),
  nps: z.number().nullable().describe('% promoters − % detractors, one decimal, −100…100; null when nobody answered.'),
};

/** The NPS report. */
export const npsReportResponse = toJson(
  z.object({
    from: z.string(),
    to: z.string(),
    storeCode: z.string().nullable().describe('The store the report is limited to, if any.'),
    ...npsFigures,
    groups: z
      .array(z.object({ key: z.string().describe("A store code ('none': no store) or a month 'YYYY-MM'."), ...npsFigures }))
      .optional()
      .describe('With groupBy.'),
  }),
  'NPS of the surveys sent in the period (selected by when they were sent).');

/** The error statuses every authenticated route can answer. */
export function errors(...statuses: number[]): Record<number, Record<string, unknown>> {
  return Object.fromEntries([400, 401, 429, ...statuses].map((s) => [s, errorResponse]));
}

/** The OpenAPI document's header. */
export const openApiInfo: NonNullable<FastifyDynamicSwaggerOptions['openapi']> = {
  openapi: '3.1.0',
  info: {
    title: 'Loyalty Club POS API',
    version: '1.0.0',
    description: [
      'For store tills: report sales and refunds, look members up, and use vouchers and gift cards; and the NPS report.',
      '',
      'Authenticate with `Authorization: Bearer pos_…`. Keys are created with `admin api-key create` and shown once; a',
      "store's key acts only for its store (naming another store is 403), a brand-wide key must name the store (`storeCode`).",
      '',
      'Errors are `{ "error": { "code", "message" } }`: 400 VALIDATION_FAILED names the field, 401 for a missing, wrong or',
      'revoked key, 403 for another store, 409 for a retry with different contents (IDEMPOTENCY_CONFLICT) or a used',
      'voucher (VOUCHER_ALREADY_REDEEMED), 410 for an expired or cancelled voucher or an expired gift card, 422 for a',
      'business rule (EXCEEDS_REFUNDABLE carries refundableMinor), 429 with Retry-After for too many requests per key',
      '(RATE_LIMITED) or too many unknown gift card codes (TOO_MANY_GIFT_CARD_GUESSES).',
      '',
      'Retries are safe: a sale is idempotent per (store, externalId), a refund per (sale, refundId); a faithful retry',
      'answers 200 with the first body and the header `Idempotent-Replayed: true`.',
    ].join('\n'),
  },
  components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'pos_<prefix>_<secret>' } } },
  security: [{ apiKey: [] }],
  tags: [
    { name: 'transactions', description: 'Sales and refunds' },
    { name: 'customers', description: 'Member lookup at the till' },
    { name: 'vouchers', description: 'Reward vouchers' },
    { name: 'gift-cards', description: 'Gift cards' },
    { name: 'reports', description: 'Reports for the brand and its stores' },
  ],
};
