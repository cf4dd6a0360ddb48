// Finding a customer from what staff type (member code, phone in any local spelling, or part of a name) and the card
// they see. Store-limited staff only ever find customers of their stores: one outside is "not found", never "not
// yours", so nothing leaks about who shops elsewhere.
import { and, asc, desc, eq, ilike, inArray, isNull } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js/max';
import { schema } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';
import { customerProfile, findCustomer, type CustomerProfile } from '../customers/index.js';
import { normalizePhone } from '../import/index.js';
import { isValidMemberCode, parseProgramConfig } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';
import { customerInScope } from './authorize.js';
import type { StaffMember } from './staff.js';

/** One customer in a list of name matches. */
export interface CustomerMatch {
  customerId: string;
  name: string | null;
  memberCode: string | null;
  tierCode: string | null;
}

/** What `lookupCustomers` found. */
export type CustomerLookupOutcome =
  | { status: 'found'; customerId: string }
  | { status: 'many'; matches: CustomerMatch[]; more: boolean }
  | { status: 'not_found' }
  | { status: 'bad_query' };

const MAX_MATCHES = 8;
const PHONE_LIKE = /^\+?[\d\s().\-\u0660-\u0669\u06F0-\u06F9]{6,20}$/;

/** Finds customers by member code, phone (read in the brand's country) or name, within the person's stores. */
export async function lookupCustomers(deps: CoreDeps, input: { staff: StaffMember; query: string }): Promise<CustomerLookupOutcome> {
  const { staff } = input;
  const brandId = staff.brandId;
  const query = input.query.trim().replace(/\s+/g, ' ');
  if (query.length < 2 || query.length > 100) return { status: 'bad_query' };
  let candidates: string[] = [];
  const compact = query.replace(/[\s-]/g, '');
  if (isValidMemberCode(compact)) {
    const id = await findCustomer(deps, { brandId, memberCode: compact });
    if (id) candidates = [id];
  }
  if (candidates.length === 0 && PHONE_LIKE.test(query)) {
    const [brand] = await deps.db.select({ country: schema.brands.country }).from(schema.brands).where(eq(schema.brands.id, brandId));
    const phone = normalizePhone(query, (brand?.country ?? 'AE') as CountryCode);
    if (!phone.ok) return isValidMemberCode(compact) ? { status: 'not_found' } : { status: 'bad_query' };
    const rows = await deps.db
      .select({ id: schema.customers.id })
      .from(schema.customers)
      .where(and(eq(schema.customers.brandId, brandId), eq(schema.customers.phone, phone.value), isNull(schema.customers.mergedIntoId)))
      .limit(MAX_MATCHES * 2);
    candidates = rows.map((r) => r.id);
  } else if (candidates.length === 0 && !/^\d+$/.test(compact)) {
    const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await deps.db
      .select({ id: schema.customers.id })
      .from(schema.customers)
      .where(and(eq(schema.customers.brandId, brandId), ilike(schema.customers.name, pattern), isNull(schema.customers.mergedIntoId)))
      .orderBy(asc(schema.customers.name), asc(schema.customers.createdAt))
      .limit(50);
    candidates = rows.map((r) => r.id);
  }
  const visible: string[] = [];
  for (const id of candidates) if (await customerInScope(deps, { staff, customerId: id })) visible.push(id);
  if (visible.length === 0) return { status: 'not_found' };
  if (visible.length === 1) return { status: 'found', customerId: visible[0]! };
  const shown = visible.slice(0, MAX_MATCHES);
  const rows = await deps.db
    .select({ customerId: schema.customers.id, name: schema.customers.name, memberCode: schema.loyaltyAccounts.memberCode, tierCode: schema.loyaltyAccounts.tierCode })
    .from(schema.customers)
    .leftJoin(schema.loyaltyAccounts, eq(schema.loyaltyAccounts.customerId, schema.customers.id))
    .where(inArray(schema.customers.id, shown));
  const byId = new Map(rows.map((r) => [r.customerId, r]));
  return { status: 'many', matches: shown.map((id) => byId.get(id)!).filter(Boolean), more: visible.length > shown.length };
}

/** What staff see of a customer in the chat. */
export interface StaffCustomerCard {
  profile: CustomerProfile;
  /** Lifetime spend in `currency` minor units and purchases counted (member facts); null for a non-member. */
  spend: { lifetimeMinor: number; visits: number } | null;
  currency: string;
  /** The latest purchases (within the person's stores), newest first. */
  lastPurchases: Array<{ at: Date; storeCode: string; storeName: LocalizedText; totalMinor: number; currency: string }>;
  /** Tickets open or waiting for the customer. */
  openTickets: Array<{ id: number; category: string; priority: string; status: string }>;
}

/** The card of a customer (null when unknown); callers have checked the scope with `lookupCustomers`. */
export async function staffCustomerCard(deps: CoreDeps, input: { staff: StaffMember; customerId: string; purchases?: number }): Promise<StaffCustomerCard | null> {
  const { staff } = input;
  const profile = await customerProfile(deps, { brandId: staff.brandId, customerId: input.customerId, timelineLimit: 1 });
  if (!profile) return null;
  const id = profile.customer.id;
  const t = schema.posTransactions;
  const [[brand], [facts], purchases, tickets] = await Promise.all([
    deps.db.select({ settings: schema.brands.settings }).from(schema.brands).where(eq(schema.brands.id, staff.brandId)),
    deps.db.select({ lifetimeMinor: schema.memberFacts.lifetimeSpendMinor, visits: schema.memberFacts.visits }).from(schema.memberFacts).where(eq(schema.memberFacts.customerId, id)),
    deps.db
      .select({ at: t.occurredAt, storeCode: schema.stores.code, storeName: schema.stores.name, totalMinor: t.totalMinor, currency: t.currency })
      .from(t)
      .innerJoin(schema.stores, eq(schema.stores.id, t.storeId))
      .where(and(eq(t.brandId, staff.brandId), eq(t.customerId, id), staff.storeIds.length > 0 ? inArray(t.storeId, staff.storeIds) : undefined))
      .orderBy(desc(t.occurredAt))
      .limit(input.purchases ?? 3),
    deps.db
      .select({ id: schema.tickets.id, category: schema.tickets.category, priority: schema.tickets.priority, status: schema.tickets.status })
      .from(schema.tickets)
      .where(and(eq(schema.tickets.customerId, id), inArray(schema.tickets.status, ['open', 'pending_customer'])))
      .orderBy(desc(schema.tickets.id))
      .limit(5),
  ]);
  return {
    profile,
    spend: facts ? { lifetimeMinor: facts.lifetimeMinor, visits: facts.visits } : null,
    currency: parseProgramConfig(brand?.settings ?? {}).currency,
    lastPurchases: purchases,
    openTickets: tickets,
  };
}

/** The loyalty account of a customer (what /points and /tier act on); null for a non-member. */
export async function accountOf(deps: CoreDeps, input: { customerId: string }): Promise<{ accountId: string; memberCode: string; balance: number; tierCode: string; tierFloor: string | null } | null> {
  const [row] = await deps.db
    .select({ accountId: schema.loyaltyAccounts.id, memberCode: schema.loyaltyAccounts.memberCode, balance: schema.loyaltyAccounts.pointsBalance, tierCode: schema.loyaltyAccounts.tierCode, tierFloor: schema.loyaltyAccounts.tierFloor })
    .from(schema.loyaltyAccounts)
    .where(eq(schema.loyaltyAccounts.customerId, input.customerId));
  return row ?? null;
}
