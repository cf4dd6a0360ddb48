// Console sessions. The browser holds a random 256-bit token in an httpOnly cookie; the database holds only its
// SHA-256 (a stolen table signs nobody in, and at that entropy a plain hash is enough). Each session also has a CSRF
// token the page sends back in a header on every change.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lte } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';
import { agentView, type AgentView } from './agents.js';

/** A signed-in agent: who, the session's CSRF token, and when the session ends. */
export interface AgentSession {
  agent: AgentView;
  csrfToken: string;
  expiresAt: Date;
}

/** SHA-256 of a session token, hex: the stored key. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a session; `token` goes into the cookie and is never stored or logged. Expired sessions of the agent are removed. */
export async function createSession(deps: CoreDeps, input: { agentId: string; ttlMs: number }): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  if (!Number.isSafeInteger(input.ttlMs) || input.ttlMs < 1_000) throw new Error('session ttl must be at least a second');
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + input.ttlMs);
  await deps.db.delete(schema.agentSessions).where(and(eq(schema.agentSessions.agentId, input.agentId), lte(schema.agentSessions.expiresAt, now)));
  await deps.db.insert(schema.agentSessions).values({ tokenHash: hashSessionToken(token), agentId: input.agentId, csrfToken, expiresAt, createdAt: now });
  return { token, csrfToken, expiresAt };
}

/** The agent a session token belongs to; null when unknown, expired, or the agent was deactivated. */
export async function sessionAgent(deps: CoreDeps, token: string): Promise<AgentSession | null> {
  // Tokens are 43 base64url characters; anything else cannot be one (and is not worth a query).
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await deps.db
    .select({ agent: schema.agents, csrfToken: schema.agentSessions.csrfToken, expiresAt: schema.agentSessions.expiresAt })
    .from(schema.agentSessions)
    .innerJoin(schema.agents, eq(schema.agents.id, schema.agentSessions.agentId))
    .where(eq(schema.agentSessions.tokenHash, hashSessionToken(token)));
  if (!row || row.expiresAt <= deps.clock.now() || !row.agent.active) return null;
  return { agent: agentView(row.agent), csrfToken: row.csrfToken, expiresAt: row.expiresAt };
}

/** Ends a session (sign out); true when there was one. */
export async function revokeSession(deps: CoreDeps, token: string): Promise<boolean> {
  const deleted = await deps.db.delete(schema.agentSessions).where(eq(schema.agentSessions.tokenHash, hashSessionToken(token))).returning({ agentId: schema.agentSessions.agentId });
  return deleted.length > 0;
}

/** Ends every session of an agent (deactivated, password changed); returns how many. */
export async function revokeAgentSessions(deps: CoreDeps, input: { agentId: string }): Promise<number> {
  const deleted = await deps.db.delete(schema.agentSessions).where(eq(schema.agentSessions.agentId, input.agentId)).returning({ agentId: schema.agentSessions.agentId });
  return deleted.length;
}
