import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLogin } from '../../core/agents/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { redeemInvite } from '../../core/staff/index.js';
import { schema } from '../../db/index.js';
import { createBrand, createMember } from '../../test/helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { endOfDay, runAdminCommand, type AdminIo } from './admin.js';

describe('endOfDay', () => {
  it('is the next local midnight in the zone, as a UTC instant', () => {
    expect(endOfDay('2027-12-31', 'Asia/Dubai')).toEqual(new Date('2027-12-31T20:00:00Z'));
    expect(endOfDay('2027-12-31', 'UTC')).toEqual(new Date('2028-01-01T00:00:00Z'));
    expect(endOfDay('2027-06-30', 'America/New_York')).toEqual(new Date('2027-07-01T04:00:00Z'));
  });

  it('follows a daylight saving change on that night', () => {
    // Europe/Berlin goes to summer time on 28 March 2027 at 02:00; midnight after the 27th is still winter time.
    expect(endOfDay('2027-03-27', 'Europe/Berlin')).toEqual(new Date('2027-03-27T23:00:00Z'));
    expect(endOfDay('2027-03-28', 'Europe/Berlin')).toEqual(new Date('2027-03-28T22:00:00Z'));
  });

  it('refuses dates that do not exist or are not YYYY-MM-DD', () => {
    for (const bad of ['2027-02-29', '2027-13-01', '31/12/2027', '2027-1-1', 'tomorrow']) expect(endOfDay(bad, 'UTC')).toBeNull();
    expect(endOfDay('2028-02-29', 'UTC')).toEqual(new Date('2028-03-01T00:00:00Z'));
  });
});

describe.each(testDbKinds)('admin agent commands on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps & { brandId: string };
  let lines: string[];
  const io = (env: Record<string, string> = {}, stdin: string | null = null): AdminIo => ({ env, readSecret: () => Promise.resolve(stdin) });
  const admin = (argv: string[], adminIo: AdminIo = io()) => {
    lines = [];
    return runAdminCommand(argv, deps, (l) => lines.push(l), adminIo);
  };

  beforeEach(async () => {
    handle = await createTestDb(kind);
    const { brandId } = await createBrand(handle.db);
    deps = { db: handle.db, clock: new ManualClock(new Date('2026-11-22T10:00:00Z')), log: silentLog, brandId };
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  it('adds an agent with the password from AGENT_PASSWORD, and the password signs in', async () => {
    const argv = ['agent', 'add', '--login', 'Sara', '--name', 'Sara Haddad', '--languages', 'en,ar', '--telegram-id', '4242', '--max', '3', '--personal-shopper'];
    expect(await admin(argv, io({ AGENT_PASSWORD: 'a long console secret' }))).toBe(0);
    expect(lines[0]).toBe('agent sara (Sara Haddad) created: off duty, up to 3 conversations, en/ar, personal shopper.');
    expect(lines.join('\n')).not.toContain('a long console secret');
    expect(await verifyLogin(deps, { brandId: deps.brandId, login: 'sara', password: 'a long console secret' })).toMatchObject({ status: 'ok', agent: { telegramUserId: '4242', isPersonalShopper: true, maxConversations: 3 } });
    expect(await admin(argv, io({ AGENT_PASSWORD: 'a long console secret' }))).toBe(1);
    expect(lines[0]).toMatch(/already has an agent with login sara/);
  });

  it('reads the password from stdin, never from argv, and refuses when there is none', async () => {
    expect(await admin(['agent', 'add', '--login', 'omar', '--name', 'Omar'], io({}, 'typed on stdin secret'))).toBe(0);
    expect((await verifyLogin(deps, { brandId: deps.brandId, login: 'omar', password: 'typed on stdin secret' })).status).toBe('ok');

    expect(await admin(['agent', 'add', '--login', 'lina', '--name', 'Lina', '--password', 'in argv secret'])).toBe(2);
    expect(lines[0]).toMatch(/never taken as arguments/);
    expect(await admin(['agent', 'add', '--login', 'lina', '--name', 'Lina'])).toBe(1);
    expect(lines[0]).toMatch(/no password given/);
    expect(await admin(['agent', 'add', '--login', 'lina', '--name', 'Lina'], io({ AGENT_PASSWORD: 'short' }))).toBe(1);
    expect(lines[0]).toMatch(/at least 10 characters/);
    expect(await admin(['agent', 'add', '--login', 'lina', '--name', 'Lina', '--no-password', '--on-duty'])).toBe(0);
    expect(lines[1]).toBe('No console password yet: admin agent password --login lina');
    expect(await admin(['agent', 'password', '--login', 'lina'], io({ AGENT_PASSWORD: 'now she has one' }))).toBe(0);
    expect((await verifyLogin(deps, { brandId: deps.brandId, login: 'lina', password: 'now she has one' })).status).toBe('ok');
    expect(await admin(['agent', 'password', '--login', 'ghost'], io({ AGENT_PASSWORD: 'now she has one' }))).toBe(1);
  });

  it('puts agents on and off duty and lists them without secrets', async () => {
    await admin(['agent', 'add', '--login', 'sara', '--name', 'Sara', '--languages', 'en,ar'], io({ AGENT_PASSWORD: 'a long console secret' }));
    await admin(['agent', 'add', '--login', 'omar', '--name', 'Omar', '--no-password']);
    expect(await admin(['agent', 'duty', '--login', 'sara', 'on'])).toBe(0);
    expect(lines[0]).toMatch(/sara is now on duty/);
    expect(await admin(['agent', 'duty', '--login', 'sara', 'maybe'])).toBe(2);
    expect(await admin(['agent', 'duty', '--login', 'nobody', 'off'])).toBe(1);
    expect(await admin(['agent', 'list'])).toBe(0);
    expect(lines).toEqual([
      'login\tname\tduty\tmax\tlanguages\tpersonal shopper\ttelegram\tline\tconsole',
      'omar\tOmar\toff\t5\t—\tno\t—\t—\tno password',
      'sara\tSara\ton\t5\ten,ar\tno\t—\t—\tok',
    ]);
    expect(lines.join('\n')).not.toMatch(/scrypt/);
    expect(await admin(['agent', 'add', '--login', 'x y', '--name', 'Bad', '--no-password'])).toBe(1);
    expect(lines[0]).toMatch(/^error: the login must be/);
  });
  it('opens, lists, assigns and moves tickets for staff, and gives a VIP a personal shopper', async () => {
    const member = await createMember(deps, deps.brandId, { tierCode: 'gold' });
    await admin(['agent', 'add', '--login', 'huda', '--name', 'Huda', '--languages', 'en', '--personal-shopper', '--no-password']);
    expect(await admin(['ticket', 'open', '--member', member.memberCode, '--category', 'product', '--description', 'Cap of the bottle broke', '--by', 'store-7'])).toBe(0);
    const id = /ticket #(\d+) opened \((normal|high) priority/.exec(lines[0]!)?.[1];
    expect(id).toBeDefined();
    expect(await admin(['ticket', 'assign', id!, '--login', 'huda'])).toBe(0);
    expect(await admin(['ticket', 'list'])).toBe(0);
    expect(lines[1]).toMatch(new RegExp(`^${id}\topen\t(normal|high)\tproduct\tstaff\thuda\t`));
    expect(await admin(['ticket', 'status', id!, 'pending_customer'])).toBe(0);
    expect(lines[0]).toBe(`ticket #${id}: open → pending_customer.`);
    expect(await admin(['ticket', 'status', id!, 'closed'])).toBe(0);
    // Closed is final.
    expect(await admin(['ticket', 'status', id!, 'open'])).toBe(1);
    expect(lines[0]).toBe('error: a closed ticket cannot become open.');
    expect(await admin(['ticket', 'status', id!, 'done'])).toBe(2);
    expect(await admin(['ticket', 'open', '--member', '0000000000', '--category', 'x', '--description', 'y'])).toBe(1);

    // Gold is not a top tier; platinum is.
    expect(await admin(['shopper', 'assign', '--member', member.memberCode])).toBe(1);
    expect(lines[0]).toMatch(/is gold; personal shoppers are for the top tiers/);
    await handle.db.update(schema.loyaltyAccounts).set({ tierCode: 'platinum' }).where(eq(schema.loyaltyAccounts.id, member.accountId));
    expect(await admin(['shopper', 'assign', '--member', member.memberCode, '--login', 'huda'])).toBe(0);
    expect(lines[0]).toBe(`member ${member.memberCode} now has personal shopper huda.`);
  });
});

describe.each(testDbKinds)('admin staff commands on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps & { brandId: string };
  let storeCode: string;
  let lines: string[];
  const admin = (argv: string[]) => {
    lines = [];
    return runAdminCommand(argv, deps, (l) => lines.push(l), { env: {}, readSecret: () => Promise.resolve(null) });
  };

  beforeEach(async () => {
    handle = await createTestDb(kind);
    const { brandId, storeId } = await createBrand(handle.db);
    deps = { db: handle.db, clock: new ManualClock(new Date('2026-11-22T10:00:00Z')), log: silentLog, brandId };
    const [store] = await handle.db.select({ code: schema.stores.code }).from(schema.stores).where(eq(schema.stores.id, storeId));
    storeCode = store!.code;
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  it('invites staff with a code printed once, lists, links a console agent and revokes', async () => {
    expect(await admin(['staff', 'invite', '--name', 'Karim Aziz', '--role', 'store_manager', '--stores', storeCode, '--hours', '48', '--by', 'ops'])).toBe(0);
    expect(lines[0]).toBe(`Invite for Karim Aziz as store_manager (stores ${storeCode}), valid until 2026-11-24T10:00:00.000Z.`);
    const code = /\/join (\S+)/.exec(lines.join('\n'))![1]!;
    expect(await redeemInvite(deps, { brandId: deps.brandId, code, channel: 'telegram', externalId: '4242' })).toMatchObject({ status: 'joined', staff: { name: 'Karim Aziz', role: 'store_manager' } });
    const [invite] = await handle.db.select().from(schema.staffInvites);
    expect(invite!.codeHash).not.toContain(code);

    expect(await admin(['staff', 'invite', '--name', 'No Stores', '--role', 'franchise_owner'])).toBe(1);
    expect(lines[0]).toMatch(/sees only their stores: give them with --stores/);
    expect(await admin(['staff', 'invite', '--name', 'X', '--role', 'boss'])).toBe(2);
    expect(lines[0]).toMatch(/^error: --role must be one of admin, marketing_manager/);
    expect(await admin(['staff', 'invite', '--name', 'X', '--role', 'admin', '--stores', 'NOPE'])).toBe(1);
    expect(lines[0]).toMatch(/^error: no store NOPE/);
    expect(await admin(['staff', 'invite', '--name', 'X', '--role', 'admin', '--hours', '9999'])).toBe(2);

    expect(await admin(['agent', 'add', '--login', 'karim', '--name', 'Karim', '--no-password'])).toBe(0);
    expect(await admin(['staff', 'list'])).toBe(0);
    const id = lines[1]!.split('\t')[0]!;
    expect(lines[1]).toBe([id, 'Karim Aziz', 'store_manager', storeCode, 'en', 'telegram:4242', '—', 'active'].join('\t'));
    expect(await admin(['staff', 'link-agent', '--staff', id, '--agent', 'karim'])).toBe(0);
    expect(lines[0]).toBe("the console's command box of karim now acts as Karim Aziz (store_manager).");
    expect(await admin(['staff', 'link-agent', '--staff', id, '--agent', 'ghost'])).toBe(1);

    expect(await admin(['staff', 'revoke', '--name', 'karim aziz', '--by', 'ops'])).toBe(0);
    expect(lines[0]).toMatch(/^Karim Aziz \(store_manager\) is no longer staff/);
    expect(await admin(['staff', 'revoke', '--id', id])).toBe(0);
    expect(lines[0]).toBe(`staff member ${id} was already revoked.`);
    expect(await admin(['staff', 'revoke', '--name', 'Karim Aziz'])).toBe(1);
    expect(await admin(['staff', 'list'])).toBe(0);
    expect(lines[1]).toMatch(/\trevoked 2026-11-22T10:00:00.000Z$/);
    const audited = await handle.db.select({ action: schema.auditLog.action, actorId: schema.auditLog.actorId }).from(schema.auditLog);
    expect(audited).toEqual(expect.arrayContaining([{ action: 'staff.invite', actorId: 'admin-cli:ops' }, { action: 'staff.revoke', actorId: 'admin-cli:ops' }, { action: 'staff.link_agent', actorId: 'admin-cli:unknown' }]));
  });
});
