// Who may do what. One table decides it (PERMISSIONS), so the bot, the console and the README cannot disagree; the
// store scope (which customers and figures a person sees) is a separate axis, applied by `authorize` and the queries.
import { schema } from '../../db/index.js';

/** A staff role (staff_members.role). */
export type StaffRole = (typeof schema.STAFF_ROLES)[number];

/** Every role, in the order help and listings show them. */
export const ROLES: readonly StaffRole[] = schema.STAFF_ROLES;

/** What a staff command asks to do; checked against the role by `can`. */
export type StaffAction =
  | 'customer.view'
  | 'points.adjust'
  | 'tier.set'
  | 'segment.view'
  | 'segment.create'
  | 'segment.export'
  | 'campaign.view'
  | 'campaign.create'
  | 'campaign.approve'
  | 'campaign.send'
  | 'campaign.stats'
  | 'stats.view'
  | 'staff.invite';

/** Every action, in the order the README's table lists them. */
export const ACTIONS: readonly StaffAction[] = [
  'customer.view',
  'points.adjust',
  'tier.set',
  'segment.view',
  'segment.create',
  'segment.export',
  'campaign.view',
  'campaign.create',
  'campaign.approve',
  'campaign.send',
  'campaign.stats',
  'stats.view',
  'staff.invite',
];

// Read-only for the analyst (aggregates and exports, never a single customer's card); customer service sees a
// customer and works handoffs; store-bound roles may build segments and campaigns for their stores, which an admin or
// marketing manager must still approve. Money-like changes (points, tiers) and invitations are the admin's alone.
const PERMISSIONS: Readonly<Record<StaffRole, ReadonlySet<StaffAction>>> = {
  admin: new Set(ACTIONS),
  marketing_manager: new Set<StaffAction>([
    'customer.view',
    'segment.view',
    'segment.create',
    'segment.export',
    'campaign.view',
    'campaign.create',
    'campaign.approve',
    'campaign.send',
    'campaign.stats',
    'stats.view',
  ]),
  store_manager: new Set<StaffAction>(['customer.view', 'segment.view', 'segment.create', 'segment.export', 'campaign.view', 'campaign.create', 'campaign.send', 'campaign.stats', 'stats.view']),
  franchise_owner: new Set<StaffAction>(['customer.view', 'segment.view', 'segment.create', 'segment.export', 'campaign.view', 'campaign.create', 'campaign.send', 'campaign.stats', 'stats.view']),
  data_analyst: new Set<StaffAction>(['segment.view', 'segment.export', 'campaign.view', 'campaign.stats', 'stats.view']),
  customer_service: new Set<StaffAction>(['customer.view']),
};

/** Roles that only ever see their own stores: they need at least one store. */
export const STORE_BOUND_ROLES: ReadonlySet<StaffRole> = new Set<StaffRole>(['store_manager', 'franchise_owner']);

/** Whether `role` may do `action` at all (scope aside). */
export function can(role: StaffRole, action: StaffAction): boolean {
  return PERMISSIONS[role].has(action);
}

/** Whether a string is one of the roles. */
export function isStaffRole(value: string): value is StaffRole {
  return (ROLES as readonly string[]).includes(value);
}
