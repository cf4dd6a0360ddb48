// The POS API's request shapes, written once in zod: `jsonSchemaOf` turns each into the JSON Schema the route declares
// (so OpenAPI documents it) and remembers the zod original, which `zodValidatorCompiler` then uses to validate. The
// NDJSON bulk endpoint checks each line with the very same schema, so a line and a single request fail alike.
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { isValidMemberCode } from '../../../core/loyalty/index.js';

/** Largest amount accepted anywhere, in minor units (1,000,000.00 in a two-decimal currency). */
export const MAX_AMOUNT_MINOR = 100_000_000;
/** Most receipt lines in one transaction. */
export const MAX_RECEIPT_LINES = 500;
/** Largest quantity on one receipt line. */
export const MAX_QUANTITY = 100_000;

// Messages leave out the field's name: the path in front of them (`body.lines.2.quantity: ...`) says it.
const identifier = () =>
  z
    .string('must be a string')
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    // Printable ASCII without spaces: ids travel in URLs and logs, where anything else is trouble.
    .regex(/^[\x21-\x7e]+$/, 'may contain only printable ASCII characters without spaces');

const amount = (min: 0 | 1) =>
  z
    .int('must be an integer number of minor units')
    .min(min, min === 0 ? 'must not be negative' : 'must be greater than 0')
    .max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR} minor units`);

const storeCode = z.string().min(1).max(50).describe("The store's code; optional with a store's own key, required with a brand-wide key.");

/** A member code as printed on the card: 10 digits whose last is a Luhn check digit. */
export const memberCodeSchema = z
  .string()
  .regex(/^\d{10}$/, 'must be 10 digits')
  .refine(isValidMemberCode, 'has a wrong check digit (mistyped?)');

const phone = z.string().min(3).max(32).describe("Any common format; numbers without a country code are read in the store's country.");

/** One receipt line. */
export const receiptLineSchema = z.strictObject({
  sku: z.string().min(1).max(64),
  category: z.string().min(1).max(64).optional(),
  quantity: z.number('must be a number').positive('must be greater than 0').max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`),
  amountMinor: amount(0).describe('The line amount after discounts, in minor units.'),
});

/** A purchase, as `POST /transactions` takes it and as each line of the bulk endpoint carries it. */
export const transactionSchema = z
  .strictObject({
    externalId: identifier().describe("The POS's own id of the sale; a retry must carry the same id and contents."),
    storeCode: storeCode.optional(),
    customer: z
      .strictObject({ memberCode: memberCodeSchema.optional(), phone: phone.optional() })
      .optional()
      .describe('How the cashier identified the member; omit for an anonymous sale.'),
    occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-01T14:05:00+04:00' }),
    currency: z.string('must be a string').regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as AED'),
    totalMinor: amount(0),
    lines: z.array(receiptLineSchema, 'must be an array of receipt lines').min(1, 'must hold at least one line').max(MAX_RECEIPT_LINES, `must hold at most ${MAX_RECEIPT_LINES} lines`),
  })
  .describe('A sale reported by a till.');

/** The body of a transaction, typed. */
export type TransactionBody = z.infer<typeof transactionSchema>;

/** A refund of (part of) a sale. */
export const refundSchema = z.strictObject({
  refundId: identifier().describe("The POS's own id of the refund; a retry must carry the same id and amount."),
  amountMinor: amount(1),
  storeCode: storeCode.optional(),
});

/** Using a voucher at a till. */
export const voucherRedeemSchema = z
  .strictObject({
    storeCode: storeCode.optional(),
    idempotencyKey: identifier().optional().describe('Lets a till that lost the answer retry within 15 minutes and get the same answer.'),
  })
  .optional();

/** Spending from a gift card. */
export const giftCardRedeemSchema = z.strictObject({
  storeCode: storeCode.optional(),
  amountMinor: amount(1),
  idempotencyKey: identifier().describe('A retry with the same key, card and amount answers the first result.'),
});

/** `GET /customers/lookup`: exactly one of memberCode or phone. */
export const lookupQuerySchema = z
  .strictObject({ memberCode: memberCodeSchema.optional(), phone: phone.optional(), storeCode: storeCode.optional() })
  .refine((q) => (q.memberCode === undefined) !== (q.phone === undefined), 'give exactly one of memberCode or phone');

// A day ('2026-11-01', midnight on the brand's clock) or an instant with its zone.
const dayOrInstant = z
  .string('must be a string')
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/, 'must be a date (2026-11-01) or an ISO 8601 date-time with a time zone')
  .refine((v) => !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)), 'is not a real date');

/** `GET /reports/nps`: the period (from inclusive, to exclusive), the grouping and, for a brand-wide key, a store. */
export const npsReportQuerySchema = z.strictObject({
  from: dayOrInstant.optional().describe("Start, inclusive: a day (midnight on the brand's clock) or a date-time with zone. Default: 30 days before `to`."),
  to: dayOrInstant.optional().describe('End, exclusive. Default: now.'),
  groupBy: z.enum(['store', 'month']).optional().describe("Per store (by store code; 'none' for surveys without one) or per month of the brand's clock."),
  storeCode: storeCode.optional().describe("Only this store's surveys. A store's own key always sees only its store."),
});

/** Path parameters. */
export const externalIdParams = z.strictObject({ externalId: identifier() });
/** Path parameters of voucher and gift card routes. */
export const codeParams = z.strictObject({ code: z.string().min(1).max(64) });

const registry = new WeakMap<object, z.ZodType>();

/** The JSON Schema of a zod schema, for a route's `schema` (docs); the route is then validated by the zod original. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  registry.set(json, schema);
  return json;
}

/** A schema that only documents (the NDJSON body, checked line by line in the handler); validation passes it. */
export function docsOnly(schema: Record<string, unknown>): Record<string, unknown> {
  registry.set(schema, z.unknown());
  return schema;
}

/** A validation failure that names the field; errors.ts turns it into 400 VALIDATION_FAILED with this message. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly validation: Array<{ path: string; message: string }>;
  constructor(issues: Array<{ path: string; message: string }>) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.name = 'RequestValidationError';
    this.validation = issues;
  }
}

/** Describes zod issues as `field.path: message`, the first few only (a 500-line receipt can fail 500 times). */
export function describeIssues(error: z.ZodError, root: string): Array<{ path: string; message: string }> {
  return error.issues.slice(0, 5).map((i) => ({ path: [root, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));
}

/**
 * Fastify's validator compiler for this plugin's routes: zod, not fastify's default Ajv, because that Ajv coerces
 * types ("1500" would pass as an amount) and we want strict money input and messages that name the field.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  const zodSchema = registry.get(schema as object);
  if (!zodSchema) throw new Error(`route ${url}: the ${httpPart ?? 'request'} schema was not built with jsonSchemaOf`);
  const root = httpPart === 'querystring' ? 'query' : (httpPart ?? '');
  return (data: unknown) => {
    // Fastify hands an absent body over as null; an optional body schema means "absent is fine".
    const parsed = zodSchema.safeParse(data === null ? undefined : data);
    return parsed.success ? { value: parsed.data } : { error: new RequestValidationError(describeIssues(parsed.error, root)) };
  };
};
