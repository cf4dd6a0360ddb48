import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';

/** Who did something: a staff member, an agent, an API key, or the system itself. */
export interface Actor {
  type: 'staff' | 'agent' | 'api_key' | 'system' | 'customer';
  id: string;
}

/** One audited action. `details` must not carry personal data beyond ids. */
export interface AuditEntry {
  brandId: string;
  actor: Actor;
  action: string;
  target?: string;
  /** 'ok', 'denied', 'failed', or the business outcome that stopped it (e.g. 'insufficient_points'). */
  result: string;
  details?: Record<string, unknown>;
}

/** Appends an entry to the audit log (append-only table; in the caller's transaction when given one). */
export async function audit(deps: CoreDeps, entry: AuditEntry): Promise<void> {
  await deps.db.insert(schema.auditLog).values({
    brandId: entry.brandId,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    action: entry.action,
    target: entry.target ?? null,
    result: entry.result,
    details: entry.details ?? {},
    at: deps.clock.now(),
  });
}
