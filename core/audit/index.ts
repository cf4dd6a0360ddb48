/** The append-only audit log of every staff, agent and API action on customer data. */
export { audit } from './audit.js';
export type { Actor, AuditEntry } from './audit.js';
