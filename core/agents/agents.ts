// Agent accounts: the people who answer customers in the console and the team chat. A console sign-in checks the
// password with scrypt, spends the same work for logins that do not exist, and locks the account for 15 minutes
// after 5 failures in a row. Attempts are counted before the password is checked, so parallel guesses cannot slip
// past the limit. Every sign-in, failure and lockout goes to the audit log (never a password).
import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { schema } from '../../db/index.js';
import { audit, type Actor } from '../audit/index.js';
import { AppError, type CoreDeps } from '../shared/index.js';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './password.js';

/** Failures in a row that lock an account. */
export const MAX_FAILED_LOGINS = 5;
/** How long a locked account stays locked. */
export const LOCKOUT_MS = 15 * 60_000;

const LOGIN_RE = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const LANGUAGE_RE = /^[a-z]{2,3}$/;
const SPECIALITY_RE = /^[\p{L}\p{N} _-]{1,40}$/u;

/** An agent as the rest of the app sees it: never the password hash. */
export interface AgentView {
  id: string;
  brandId: string;
  login: string;
  name: string;
  languages: string[];
  specialities: string[];
  onDuty: boolean;
  maxConversations: number;
  isPersonalShopper: boolean;
  telegramUserId: string | null;
  lineUserId: string | null;
  active: boolean;
  /** False until a password is set: such an account cannot sign in to the console (the team chat still works). */
  hasPassword: boolean;
  lockedUntil: Date | null;
}

type AgentRow = typeof schema.agents.$inferSelect;

/** The view of a row. */
export function agentView(row: AgentRow): AgentView {
  return {
    id: row.id,
    brandId: row.brandId,
    login: row.login,
    name: row.name,
    languages: row.languages,
    specialities: row.specialities,
    onDuty: row.onDuty,
    maxConversations: row.maxConversations,
    isPersonalShopper: row.isPersonalShopper,
    telegramUserId: row.telegramUserId,
    lineUserId: row.lineUserId,
    active: row.active,
    hasPassword: row.passwordHash !== null,
    lockedUntil: row.lockedUntil,
  };
}

/** What a new agent is made of. `password` may come later (`setPassword`). */
export interface CreateAgentInput {
  brandId: string;
  login: string;
  name: string;
  password?: string;
  languages?: string[];
  specialities?: string[];
  telegramUserId?: string | null;
  lineUserId?: string | null;
  maxConversations?: number;
  onDuty?: boolean;
  isPersonalShopper?: boolean;
  /** Who created it, for the audit log (default: the system). */
  by?: Actor;
}

/** Normalizes a login as it is stored and looked up: trimmed, lower case. */
export function normalizeLogin(login: string): string {
  return login.trim().toLowerCase();
}

/**
 * Creates an agent. Returns `login_taken` when the brand already has that login; throws INVALID_INPUT for a bad
 * login, name, password or list (the message names it).
 */
export async function createAgent(deps: CoreDeps, input: CreateAgentInput): Promise<{ status: 'created'; agent: AgentView } | { status: 'login_taken' }> {
  const login = normalizeLogin(input.login);
  if (!LOGIN_RE.test(login)) throw new AppError('INVALID_INPUT', 'the login must be 2-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
  const name = input.name.trim();
  if (!name || name.length > 100) throw new AppError('INVALID_INPUT', 'the name must be 1-100 characters');
  const languages = uniqueList((input.languages ?? []).map((l) => l.toLowerCase()), LANGUAGE_RE, 'languages must be two- or three-letter codes such as en, ar, zh');
  const specialities = uniqueList(input.specialities ?? [], SPECIALITY_RE, 'specialities must be short words (letters, digits, spaces, dashes)');
  const max = input.maxConversations ?? 5;
  if (!Number.isSafeInteger(max) || max < 1 || max > 100) throw new AppError('INVALID_INPUT', 'max conversations must be a whole number between 1 and 100');
  const telegramUserId = optionalId(input.telegramUserId, /^-?\d{1,20}$/, 'the Telegram user id must be a number');
  const lineUserId = optionalId(input.lineUserId, /^U[0-9a-f]{32}$/, 'the LINE user id must look like U followed by 32 hex digits');
  let passwordHash: string | null = null;
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new AppError('INVALID_INPUT', problem);
    passwordHash = await hashPassword(input.password);
  }
  const [row] = await deps.db
    .insert(schema.agents)
    .values({
      brandId: input.brandId,
      login,
      name,
      passwordHash,
      languages,
      specialities,
      maxConversations: max,
      onDuty: input.onDuty ?? false,
      isPersonalShopper: input.isPersonalShopper ?? false,
      telegramUserId,
      lineUserId,
      createdAt: deps.clock.now(),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return { status: 'login_taken' };
  await audit(deps, { brandId: input.brandId, actor: input.by ?? { type: 'system', id: 'core' }, action: 'agent.created', target: row.id, result: 'ok', details: { login, personalShopper: row.isPersonalShopper } });
  return { status: 'created', agent: agentView(row) };
}

/** The brand's agents, by login. */
export async function listAgents(deps: CoreDeps, input: { brandId: string }): Promise<AgentView[]> {
  const rows = await deps.db.select().from(schema.agents).where(eq(schema.agents.brandId, input.brandId)).orderBy(asc(schema.agents.login));
  return rows.map(agentView);
}

/** One agent by login, or null. */
export async function findAgent(deps: CoreDeps, input: { brandId: string; login: string }): Promise<AgentView | null> {
  const [row] = await deps.db
    .select()
    .from(schema.agents)
    .where(and(eq(schema.agents.brandId, input.brandId), eq(schema.agents.login, normalizeLogin(input.login))));
  return row ? agentView(row) : null;
}

/** One agent by id within the brand, or null. */
export async function findAgentById(deps: CoreDeps, input: { brandId: string; id: string }): Promise<AgentView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(input.id)) return null;
  const [row] = await deps.db
    .select()
    .from(schema.agents)
    .where(and(eq(schema.agents.brandId, input.brandId), eq(schema.agents.id, input.id)));
  return row ? agentView(row) : null;
}

/**
 * Sets (or replaces) an agent's password, clears any lockout and signs the agent out everywhere (a password is
 * changed because the old one may be known). Throws INVALID_INPUT for a password that is too short or too long.
 */
export async function setPassword(deps: CoreDeps, input: { brandId: string; login: string; password: string; by?: Actor }): Promise<{ status: 'set'; agentId: string } | { status: 'not_found' }> {
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError('INVALID_INPUT', problem);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(schema.agents)
      .set({ passwordHash, failedLogins: 0, lockedUntil: null })
      .where(and(eq(schema.agents.brandId, input.brandId), eq(schema.agents.login, normalizeLogin(input.login))))
      .returning({ id: schema.agents.id });
    if (!row) return { status: 'not_found' as const };
    await tx.delete(schema.agentSessions).where(eq(schema.agentSessions.agentId, row.id));
    await audit({ ...deps, db: tx }, { brandId: input.brandId, actor: input.by ?? { type: 'system', id: 'core' }, action: 'agent.password_set', target: row.id, result: 'ok' });
    return { status: 'set' as const, agentId: row.id };
  });
}

/** Puts an agent on or off duty (only agents on duty are assigned new conversations). */
export async function setOnDuty(deps: CoreDeps, input: { brandId: string; login: string; onDuty: boolean; by?: Actor }): Promise<{ status: 'ok'; agent: AgentView } | { status: 'not_found' }> {
  const [row] = await deps.db
    .update(schema.agents)
    .set({ onDuty: input.onDuty })
    .where(and(eq(schema.agents.brandId, input.brandId), eq(schema.agents.login, normalizeLogin(input.login))))
    .returning();
  if (!row) return { status: 'not_found' };
  await audit(deps, { brandId: input.brandId, actor: input.by ?? { type: 'system', id: 'core' }, action: 'agent.duty_changed', target: row.id, result: 'ok', details: { onDuty: input.onDuty } });
  return { status: 'ok', agent: agentView(row) };
}

/** What a console sign-in gave. `invalid` covers a wrong password and an unknown login alike (never say which). */
export type LoginResult = { status: 'ok'; agent: AgentView } | { status: 'invalid' } | { status: 'locked'; until: Date };

/**
 * Checks a console sign-in. Unknown logins, inactive agents and accounts without a password cost the same scrypt
 * work as a real check and answer `invalid`. A locked account answers `locked` without checking the password (so
 * guessing during a lockout learns nothing). The 5th failure in a row locks the account for 15 minutes; a success
 * clears the count.
 */
export async function verifyLogin(deps: CoreDeps, input: { brandId: string; login: string; password: string }): Promise<LoginResult> {
  const login = normalizeLogin(input.login);
  const now = deps.clock.now();
  const [row] = LOGIN_RE.test(login)
    ? await deps.db
        .select()
        .from(schema.agents)
        .where(and(eq(schema.agents.brandId, input.brandId), eq(schema.agents.login, login)))
    : [];
  const signIn = (agentId: string, result: string, details?: Record<string, unknown>) =>
    audit(deps, { brandId: input.brandId, actor: { type: 'agent', id: agentId }, action: 'agent.login', target: agentId === 'unknown' ? undefined : agentId, result, details: { via: 'console', ...details } });

  if (!row || !row.active || row.passwordHash === null) {
    await burnPasswordCheck(input.password);
    await signIn(row?.id ?? 'unknown', 'invalid', { reason: !row ? 'unknown_login' : !row.active ? 'inactive' : 'no_password' });
    return { status: 'invalid' };
  }

  // Count the attempt first, unless the account is locked right now.
  const [counted] = await deps.db
    .update(schema.agents)
    .set({ failedLogins: sql`${schema.agents.failedLogins} + 1` })
    .where(and(eq(schema.agents.id, row.id), or(isNull(schema.agents.lockedUntil), lte(schema.agents.lockedUntil, now))))
    .returning({ attempt: schema.agents.failedLogins, lockedUntil: schema.agents.lockedUntil });
  if (!counted) {
    await burnPasswordCheck(input.password);
    const [current] = await deps.db.select({ lockedUntil: schema.agents.lockedUntil }).from(schema.agents).where(eq(schema.agents.id, row.id));
    const until = current?.lockedUntil ?? new Date(now.getTime() + LOCKOUT_MS);
    await signIn(row.id, 'locked');
    return { status: 'locked', until };
  }
  if (counted.attempt > MAX_FAILED_LOGINS) {
    // Attempts made in parallel beyond the budget: this one is not checked at all.
    await burnPasswordCheck(input.password);
    const until = await lock(deps, row.id, now);
    await signIn(row.id, 'locked');
    return { status: 'locked', until };
  }

  if (await verifyPassword(input.password, row.passwordHash)) {
    const [fresh] = await deps.db.update(schema.agents).set({ failedLogins: 0, lockedUntil: null }).where(eq(schema.agents.id, row.id)).returning();
    await signIn(row.id, 'ok');
    return { status: 'ok', agent: agentView(fresh ?? row) };
  }
  if (counted.attempt >= MAX_FAILED_LOGINS) {
    const until = await lock(deps, row.id, now);
    await signIn(row.id, 'invalid', { reason: 'wrong_password', attempt: counted.attempt });
    await audit(deps, { brandId: input.brandId, actor: { type: 'system', id: 'console-login' }, action: 'agent.locked_out', target: row.id, result: 'ok', details: { until: until.toISOString(), failures: counted.attempt } });
    return { status: 'locked', until };
  }
  await signIn(row.id, 'invalid', { reason: 'wrong_password', attempt: counted.attempt });
  return { status: 'invalid' };
}

/** Locks the account from `now` and starts a fresh count for after the lockout. */
async function lock(deps: CoreDeps, agentId: string, now: Date): Promise<Date> {
  const until = new Date(now.getTime() + LOCKOUT_MS);
  await deps.db.update(schema.agents).set({ lockedUntil: until, failedLogins: 0 }).where(eq(schema.agents.id, agentId));
  return until;
}

function uniqueList(values: string[], re: RegExp, message: string): string[] {
  const cleaned = [...new Set(values.map((v) => v.trim()).filter(Boolean))];
  if (cleaned.some((v) => !re.test(v)) || cleaned.length > 20) throw new AppError('INVALID_INPUT', message);
  return cleaned;
}

function optionalId(value: string | null | undefined, re: RegExp, message: string): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  if (!re.test(value.trim())) throw new AppError('INVALID_INPUT', message);
  return value.trim();
}
