// The check every staff command goes through: the role may do the action, and a store-limited person acts only within
// their stores. A refusal is audited here, so no caller can forget it.
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/index.js';
import { audit } from '../audit/index.js';
import type { CoreDeps } from '../shared/index.js';
import { can, STORE_BOUND_ROLES, type StaffAction } from './roles.js';
import type { StaffMember } from './staff.js';

/** What `authorize` answers. */
export type AuthorizeOutcome = { status: 'allowed' } | { status: 'denied'; reason: 'role' | 'scope' | 'no_stores' };

/**
 * Whether `staff` may do `action` (at `storeId` when the action concerns one store). A denial is written to the audit
 * log as `staff.<action>` with result 'denied'.
 */
export async function authorize(deps: CoreDeps, input: { staff: StaffMember; action: StaffAction; storeId?: string; target?: string }): Promise<AuthorizeOutcome> {
  const { staff, action } = input;
  let outcome: AuthorizeOutcome = { status: 'allowed' };
  if (!can(staff.role, action)) outcome = { status: 'denied', reason: 'role' };
  // A store-bound person without stores would otherwise read as "the whole brand" to every query that takes a scope.
  else if (STORE_BOUND_ROLES.has(staff.role) && staff.storeIds.length === 0) outcome = { status: 'denied', reason: 'no_stores' };
  else if (input.storeId !== undefined && !inScope(staff, input.storeId)) outcome = { status: 'denied', reason: 'scope' };
  if (outcome.status === 'denied') {
    await audit(deps, {
      brandId: staff.brandId,
      actor: { type: 'staff', id: staff.id },
      action: `staff.${action}`,
      ...(input.target !== undefined ? { target: input.target } : {}),
      result: 'denied',
      details: { reason: outcome.reason, role: staff.role },
    });
  }
  return outcome;
}

/** Whether a store is within the person's stores (everything is, for a brand-wide person). */
export function inScope(staff: StaffMember, storeId: string): boolean {
  return staff.storeIds.length === 0 || staff.storeIds.includes(storeId);
}

/**
 * Whether a customer is within the person's stores: their home store is one of them, or they bought in one. A
 * customer who never bought and has no home store belongs to the brand, so only brand-wide staff see them.
 */
export async function customerInScope(deps: CoreDeps, input: { staff: StaffMember; customerId: string }): Promise<boolean> {
  const scope = input.staff.storeIds;
  if (scope.length === 0) return true;
  const stores = sql.join(
    scope.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = rowsOf<{ ok: boolean }>(
    await deps.db.execute(sql`
      select true as ok from member_facts f
      where f.brand_id = ${input.staff.brandId} and f.customer_id = ${input.customerId}
        and (f.home_store_id = any(array[${stores}]::uuid[]) or f.store_ids && array[${stores}]::uuid[])
      limit 1`),
  );
  return rows.length > 0;
}
