// Which store a request acts for, and the request bodies turned into core inputs. A store's own key acts only for that
// store (naming another is 403); a brand-wide key must name the store. Phones become E.164 in the store's country.
import { and, eq } from 'drizzle-orm';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { schema } from '../../../db/index.js';
import type { ApiKeyPrincipal } from '../../../core/api-keys/index.js';
import type { TransactionInput } from '../../../core/pos/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import { PosApiError } from './outcomes.js';
import { RequestValidationError, type TransactionBody } from './schemas.js';

/** How far in the future a till's clock may put a sale (clock drift, time zones set wrong) before it is refused. */
export const MAX_FUTURE_MS = 24 * 60 * 60_000;

/** The store a request acts for. */
export interface StoreRef {
  id: string;
  code: string;
  country: string;
  currency: string;
}

/**
 * The store a request acts for: the key's own store (a different `storeCode` is 403), or for a brand-wide key the
 * named one (missing is 400, unknown 422). `cache` saves lookups across the lines of one bulk request.
 */
export async function resolveStore(
  deps: CoreDeps,
  principal: ApiKeyPrincipal,
  storeCode: string | undefined,
  opts: { root: string; cache?: Map<string, StoreRef> },
): Promise<StoreRef> {
  if (principal.store) {
    if (storeCode !== undefined && storeCode !== principal.store.code) {
      throw new PosApiError(403, 'FORBIDDEN', `this API key belongs to store ${principal.store.code} and cannot act for store ${storeCode}`);
    }
    return principal.store;
  }
  if (storeCode === undefined) throw new RequestValidationError([{ path: `${opts.root}.storeCode`.replace(/^\./, ''), message: 'is required with a brand-wide API key' }]);
  const cached = opts.cache?.get(storeCode);
  if (cached) return cached;
  const [row] = await deps.db
    .select({ id: schema.stores.id, code: schema.stores.code, country: schema.stores.country, currency: schema.stores.currency })
    .from(schema.stores)
    .where(and(eq(schema.stores.brandId, principal.brandId), eq(schema.stores.code, storeCode)));
  if (!row) throw new PosApiError(422, 'UNKNOWN_STORE', `no store ${storeCode} in this brand`);
  opts.cache?.set(storeCode, row);
  return row;
}

/** The region phones are read in when no store is involved: the brand's country. */
export async function brandCountry(deps: CoreDeps, brandId: string): Promise<string> {
  const [row] = await deps.db.select({ country: schema.brands.country }).from(schema.brands).where(eq(schema.brands.id, brandId));
  return row?.country ?? 'AE';
}

/** A phone in E.164, reading numbers without a country code in `region`; throws a validation error naming `path`. */
export function normalizePhone(raw: string, region: string, path: string): string {
  const phone = parsePhoneNumberFromString(raw, region as CountryCode);
  if (!phone?.isValid()) {
    throw new RequestValidationError([{ path, message: `is not a valid phone number (numbers without a country code are read as ${region})` }]);
  }
  return phone.number;
}

/** A validated transaction body as core's input. `root` prefixes field paths in messages (`body`, or none for a line). */
export function toTransactionInput(body: TransactionBody, ctx: { brandId: string; store: StoreRef; now: Date; root: string }): TransactionInput {
  const at = (field: string) => [ctx.root, field].filter(Boolean).join('.');
  const occurredAt = new Date(body.occurredAt);
  if (occurredAt.getTime() > ctx.now.getTime() + MAX_FUTURE_MS) {
    throw new RequestValidationError([{ path: at('occurredAt'), message: 'is more than 24 hours in the future' }]);
  }
  const phone = body.customer?.phone === undefined ? undefined : normalizePhone(body.customer.phone, ctx.store.country, at('customer.phone'));
  return {
    brandId: ctx.brandId,
    storeId: ctx.store.id,
    externalId: body.externalId,
    customer: { memberCode: body.customer?.memberCode, phone },
    occurredAt,
    currency: body.currency,
    totalMinor: body.totalMinor,
    // An absent category is '' (matches no category rule), the same on every retry so the content hash is stable.
    lines: body.lines.map((l) => ({ sku: l.sku, category: l.category ?? '', quantity: l.quantity, amountMinor: l.amountMinor })),
  };
}
