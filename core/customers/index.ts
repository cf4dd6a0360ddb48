/** Customer profiles (the CDP): one profile per person, found by channel identity. */
export { resolveCustomer, updateCustomer } from './resolve-customer.js';
export type { Customer, CustomerPatch, ResolveCustomerInput } from './resolve-customer.js';
export { customerByVerifiedPhone, joinByVerifiedPhone, issueLinkCode, pruneLinkCodes, linkWithCode, mergeCustomers, reverseMerge, setIdentityReachable, usablePhone, LINK_CODE_TTL_MS } from './identity.js';
export type { LinkResult, MergeResult, ReverseMergeResult } from './identity.js';
export { customerProfile, findCustomer } from './profile.js';
export type { CustomerProfile } from './profile.js';
