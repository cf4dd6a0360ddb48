import { eq } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { matchAccount, memberSummary, type MemberSummary } from './record-transaction.js';

/** A member as the POS sees them when looking them up. */
export interface CustomerLookup extends MemberSummary {
  customerId: string;
  /** First name only: enough for the cashier to greet, not a full profile. */
  firstName: string | null;
}

/** Finds a member by member code or verified phone, for the till. */
export async function lookupMember(deps: CoreDeps, input: { brandId: string; memberCode?: string | undefined; phone?: string | undefined }): Promise<CustomerLookup | null> {
  const account = await matchAccount(deps.db, input.brandId, { memberCode: input.memberCode, phone: input.phone });
  if (!account) return null;
  const [c] = await deps.db.select({ name: schema.customers.name }).from(schema.customers).where(eq(schema.customers.id, account.customerId));
  return { customerId: account.customerId, firstName: c?.name?.split(/\s+/)[0] ?? null, ...(await memberSummary(deps.db, account.id)) };
}
