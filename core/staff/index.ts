/** Staff: identities (invite codes, team-chat ids, console agents), roles and store scope, confirmations, lookups. */
export { ROLES, ACTIONS, STORE_BOUND_ROLES, can, isStaffRole } from './roles.js';
export type { StaffRole, StaffAction } from './roles.js';
export {
  createInvite,
  redeemInvite,
  staffForSender,
  staffForIdentity,
  staffForAgent,
  staffById,
  listStaff,
  revokeStaff,
  linkAgent,
  setStaffLanguage,
  DEFAULT_INVITE_HOURS,
  MAX_INVITE_HOURS,
} from './staff.js';
export type { StaffMember, StaffListing, CreateInviteOutcome, RedeemInviteOutcome, RevokeStaffOutcome, LinkAgentOutcome } from './staff.js';
export { generateInviteCode, normalizeInviteCode, hashInviteCode } from './invite-code.js';
export { authorize, inScope, customerInScope } from './authorize.js';
export type { AuthorizeOutcome } from './authorize.js';
export { requestConfirmation, confirmPending, cancelPending, CONFIRMATION_TTL_MS } from './confirmations.js';
export type { PendingAction, ConfirmOutcome } from './confirmations.js';
export { lookupCustomers, staffCustomerCard, accountOf } from './customers.js';
export type { CustomerLookupOutcome, CustomerMatch, StaffCustomerCard } from './customers.js';
export { storesByCodes, storesByIds, findStore } from './stores.js';
export type { StaffStore } from './stores.js';
