import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { createBrand } from '../../test/helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { AppError, ManualClock, silentLog, type CoreDeps } from '../shared/index.js';
import { createAgent, findAgent, listAgents, LOCKOUT_MS, setOnDuty, setPassword, verifyLogin } from './agents.js';
import { createSession, hashSessionToken, revokeSession, sessionAgent } from './sessions.js';

const PASSWORD = 'a long enough secret';

describe.each(testDbKinds)('agent accounts on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  const auditRows = (action: string) => handle.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.brandId, brandId), eq(schema.auditLog.action, action)));

  it('creates an agent with a hashed password, refuses a second one with the same login, and validates input', async () => {
    const created = await createAgent(deps, { brandId, login: ' Sara ', name: 'Sara', password: PASSWORD, languages: ['EN', 'ar', 'ar'], maxConversations: 3, onDuty: true, telegramUserId: '4242' });
    expect(created.status).toBe('created');
    if (created.status !== 'created') return;
    expect(created.agent).toMatchObject({ login: 'sara', languages: ['en', 'ar'], maxConversations: 3, onDuty: true, hasPassword: true, telegramUserId: '4242' });
    const [row] = await handle.db.select().from(schema.agents).where(eq(schema.agents.id, created.agent.id));
    expect(row!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);
    expect(await createAgent(deps, { brandId, login: 'SARA', name: 'Other Sara' })).toEqual({ status: 'login_taken' });

    await expect(createAgent(deps, { brandId, login: 'x', name: 'X' })).rejects.toThrow(AppError);
    await expect(createAgent(deps, { brandId, login: 'has space', name: 'X' })).rejects.toThrow(/login/);
    await expect(createAgent(deps, { brandId, login: 'nopass', name: 'X', password: 'short' })).rejects.toThrow(/at least 10/);
    await expect(createAgent(deps, { brandId, login: 'maxed', name: 'X', maxConversations: 0 })).rejects.toThrow(/between 1 and 100/);
    await expect(createAgent(deps, { brandId, login: 'tg', name: 'X', telegramUserId: 'abc' })).rejects.toThrow(/Telegram/);
    expect((await listAgents(deps, { brandId })).map((a) => a.login)).toEqual(['sara']);
    expect(await auditRows('agent.created')).toHaveLength(1);
  });

  it('signs in with the right password only, and audits every attempt without the password', async () => {
    await createAgent(deps, { brandId, login: 'sara', name: 'Sara', password: PASSWORD });
    expect(await verifyLogin(deps, { brandId, login: 'SARA', password: PASSWORD })).toMatchObject({ status: 'ok', agent: { login: 'sara', name: 'Sara' } });
    expect(await verifyLogin(deps, { brandId, login: 'sara', password: 'wrong password!' })).toEqual({ status: 'invalid' });
    expect(await verifyLogin(deps, { brandId, login: 'nobody', password: PASSWORD })).toEqual({ status: 'invalid' });
    expect(await verifyLogin(deps, { brandId, login: '<script>', password: PASSWORD })).toEqual({ status: 'invalid' });
    // Another brand's agent cannot sign in here.
    expect(await verifyLogin(deps, { brandId: (await createBrand(handle.db)).brandId, login: 'sara', password: PASSWORD })).toEqual({ status: 'invalid' });

    const logins = await auditRows('agent.login');
    expect(logins.map((r) => [r.actorType, r.result])).toEqual([
      ['agent', 'ok'],
      ['agent', 'invalid'],
      ['agent', 'invalid'],
      ['agent', 'invalid'],
    ]);
    expect(logins[2]).toMatchObject({ actorId: 'unknown', details: { reason: 'unknown_login' } });
    expect(JSON.stringify(logins)).not.toContain(PASSWORD);
    expect(JSON.stringify(logins)).not.toContain('wrong password!');
  });

  it('an account without a password, or deactivated, cannot sign in', async () => {
    await createAgent(deps, { brandId, login: 'omar', name: 'Omar' });
    expect(await verifyLogin(deps, { brandId, login: 'omar', password: PASSWORD })).toEqual({ status: 'invalid' });
    expect(await setPassword(deps, { brandId, login: 'omar', password: PASSWORD })).toMatchObject({ status: 'set' });
    expect((await verifyLogin(deps, { brandId, login: 'omar', password: PASSWORD })).status).toBe('ok');
    await handle.db.update(schema.agents).set({ active: false }).where(eq(schema.agents.login, 'omar'));
    expect(await verifyLogin(deps, { brandId, login: 'omar', password: PASSWORD })).toEqual({ status: 'invalid' });
    expect(await setPassword(deps, { brandId, login: 'ghost', password: PASSWORD })).toEqual({ status: 'not_found' });
  });

  it('locks after 5 failures in a row for 15 minutes, even for the right password, and a success resets the count', async () => {
    await createAgent(deps, { brandId, login: 'sara', name: 'Sara', password: PASSWORD });
    for (let i = 0; i < 4; i++) expect(await verifyLogin(deps, { brandId, login: 'sara', password: `wrong ${i} password` })).toEqual({ status: 'invalid' });
    // A success before the fifth failure starts the count again.
    expect((await verifyLogin(deps, { brandId, login: 'sara', password: PASSWORD })).status).toBe('ok');
    for (let i = 0; i < 4; i++) expect((await verifyLogin(deps, { brandId, login: 'sara', password: `wrong ${i} password` })).status).toBe('invalid');
    const fifth = await verifyLogin(deps, { brandId, login: 'sara', password: 'wrong 5 password' });
    expect(fifth).toEqual({ status: 'locked', until: new Date(clock.now().getTime() + LOCKOUT_MS) });
    expect(await verifyLogin(deps, { brandId, login: 'sara', password: PASSWORD })).toMatchObject({ status: 'locked' });
    expect(await auditRows('agent.locked_out')).toHaveLength(1);

    clock.advance(LOCKOUT_MS - 1000);
    expect((await verifyLogin(deps, { brandId, login: 'sara', password: PASSWORD })).status).toBe('locked');
    clock.advance(1000);
    expect((await verifyLogin(deps, { brandId, login: 'sara', password: PASSWORD })).status).toBe('ok');
    expect((await findAgent(deps, { brandId, login: 'sara' }))!.lockedUntil).toBeNull();
  });

  it('counts parallel guesses before checking them: at most 5 are ever checked', async () => {
    await createAgent(deps, { brandId, login: 'sara', name: 'Sara', password: PASSWORD });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => verifyLogin(deps, { brandId, login: 'sara', password: `guess number ${i}` })));
    expect(results.every((r) => r.status === 'invalid' || r.status === 'locked')).toBe(true);
    const checked = (await auditRows('agent.login')).filter((r) => (r.details as { reason?: string }).reason === 'wrong_password');
    expect(checked.length).toBeLessThanOrEqual(5);
    expect((await verifyLogin(deps, { brandId, login: 'sara', password: PASSWORD })).status).toBe('locked');
  });

  it('sessions: only the token hash is stored; expired, revoked or deactivated sessions sign nobody in', async () => {
    const created = await createAgent(deps, { brandId, login: 'sara', name: 'Sara', password: PASSWORD });
    if (created.status !== 'created') throw new Error('not created');
    const agentId = created.agent.id;
    const s = await createSession(deps, { agentId, ttlMs: 60 * 60_000 });
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await handle.db.select().from(schema.agentSessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashSessionToken(s.token));
    expect(JSON.stringify(rows)).not.toContain(s.token);

    expect(await sessionAgent(deps, s.token)).toMatchObject({ agent: { id: agentId, name: 'Sara' }, csrfToken: s.csrfToken });
    expect(await sessionAgent(deps, 'x'.repeat(43))).toBeNull();
    expect(await sessionAgent(deps, 'not a token')).toBeNull();

    clock.advance(60 * 60_000);
    expect(await sessionAgent(deps, s.token)).toBeNull();

    const s2 = await createSession(deps, { agentId, ttlMs: 60 * 60_000 });
    // The expired session was cleared when the new one started.
    expect(await handle.db.select().from(schema.agentSessions)).toHaveLength(1);
    expect(await revokeSession(deps, s2.token)).toBe(true);
    expect(await sessionAgent(deps, s2.token)).toBeNull();
    expect(await revokeSession(deps, s2.token)).toBe(false);

    const s3 = await createSession(deps, { agentId, ttlMs: 60 * 60_000 });
    await handle.db.update(schema.agents).set({ active: false }).where(eq(schema.agents.id, agentId));
    expect(await sessionAgent(deps, s3.token)).toBeNull();
    await handle.db.update(schema.agents).set({ active: true }).where(eq(schema.agents.id, agentId));
    // A new password signs the agent out everywhere.
    await setPassword(deps, { brandId, login: 'sara', password: 'another long secret' });
    expect(await sessionAgent(deps, s3.token)).toBeNull();
  });

  it('puts an agent on and off duty, audited', async () => {
    await createAgent(deps, { brandId, login: 'sara', name: 'Sara' });
    expect(await setOnDuty(deps, { brandId, login: 'sara', onDuty: true, by: { type: 'staff', id: 'admin-cli:test' } })).toMatchObject({ status: 'ok', agent: { onDuty: true } });
    expect((await findAgent(deps, { brandId, login: 'sara' }))!.onDuty).toBe(true);
    expect(await setOnDuty(deps, { brandId, login: 'nobody', onDuty: true })).toEqual({ status: 'not_found' });
    expect(await auditRows('agent.duty_changed')).toMatchObject([{ actorType: 'staff', actorId: 'admin-cli:test', details: { onDuty: true } }]);
  });
});
