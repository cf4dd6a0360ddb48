// The staff bot driven through its real StaffSink with StaffMessage objects, on every supported database: joining with
// an invite code (once, not after expiry, not with a wrong code), silence for strangers, the role matrix and store
// scope, the audit log, the /confirm step for points and tiers, revoked staff, argument errors and Arabic help.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentDesk } from '../../bots/agent/index.js';
import { createStaffBot } from '../../bots/staff/index.js';
import type { Reply, StaffMessage, StaffSink } from '../../core/conversation/index.js';
import { recordTransaction } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createInvite, redeemInvite, revokeStaff, type StaffRole } from '../../core/staff/index.js';
import { schema } from '../../db/index.js';
import { account, createBrand, createMember, createStore, ledger, purchase, type BrandFixture, type MemberFixture } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const GROUP = '-100777';

describe.each(testDbKinds)('staff commands on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brand: BrandFixture;
  let otherStoreId: string;
  let bot: StaffSink;
  let inStore: MemberFixture;
  let elsewhere: MemberFixture;
  let nextSender = 1000;

  const message = (senderId: string, text: string, over: Partial<StaffMessage> = {}): StaffMessage => ({
    channel: 'telegram',
    workspaceId: GROUP,
    senderId,
    text,
    platformMessageId: `upd:${randomUUID()}`,
    timestamp: clock.now(),
    ...over,
  });
  const send = (senderId: string, text: string, over: Partial<StaffMessage> = {}): Promise<Reply[]> => bot.handle(message(senderId, text, over));
  const textOf = async (senderId: string, text: string, over: Partial<StaffMessage> = {}): Promise<string> => (await send(senderId, text, over)).map((r) => r.text).join('\n');

  /** A staff member who joined with an invite through the bot; returns their sender id and staff id. */
  async function staffMember(role: StaffRole, opts: { name?: string; storeIds?: string[] } = {}): Promise<{ sender: string; id: string }> {
    const invite = await createInvite(deps, { brandId: brand.brandId, name: opts.name ?? `${role} person`, role, storeIds: opts.storeIds ?? [], createdBy: 'test' });
    if (invite.status !== 'created') throw new Error(invite.status);
    const sender = String(nextSender++);
    const welcome = await textOf(sender, `/join ${invite.code}`, { workspaceId: sender });
    expect(welcome).toContain('Welcome to the team');
    const [identity] = await handle.db.select().from(schema.staffIdentities).where(eq(schema.staffIdentities.externalId, sender));
    return { sender, id: identity!.staffId };
  }

  const auditRows = (actorId: string) => handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.actorId, actorId)).orderBy(schema.auditLog.id);

  beforeAll(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T08:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brand = await createBrand(handle.db);
    otherStoreId = await createStore(handle.db, brand.brandId);
    inStore = await createMember(deps, brand.brandId, { name: 'Layla Haddad', phone: '+971501234567' });
    elsewhere = await createMember(deps, brand.brandId, { name: 'Omar Haddad', phone: '+971559876543' });
    await recordTransaction(deps, purchase(brand, { memberCode: inStore.memberCode }, new Date('2026-11-20T10:00:00Z'), [12_000]));
    await recordTransaction(deps, purchase({ ...brand, storeId: otherStoreId }, { memberCode: elsewhere.memberCode }, new Date('2026-11-21T10:00:00Z'), [8_000]));
    const desk = createAgentDesk({
      ...deps,
      brandId: brand.brandId,
      pusher: () => Promise.resolve({ status: 'sent' }),
      teamChat: { post: () => Promise.resolve([]) },
      csatQuestion: (_lang, ticketId) => ({ text: `rate ${ticketId}`, dir: 'ltr' }),
    });
    bot = createStaffBot({ log: silentLog, agents: { ...deps, brandId: brand.brandId, desk }, staff: { ...deps, brandId: brand.brandId } });
  });
  afterAll(async () => {
    await handle.cleanup();
  });

  it('joins with an invite code once; used, expired and wrong codes get the same vague answer', async () => {
    const invite = await createInvite(deps, { brandId: brand.brandId, name: 'Mona Saleh', role: 'marketing_manager', storeIds: [], createdBy: 'test', ttlHours: 1 });
    if (invite.status !== 'created') throw new Error(invite.status);
    expect(invite.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    // Only the hash is stored.
    const [stored] = await handle.db.select().from(schema.staffInvites).where(eq(schema.staffInvites.id, invite.inviteId));
    expect(JSON.stringify(stored)).not.toContain(invite.code.replace('-', ''));

    // Typed in lower case without the dash, in a private chat.
    const welcome = await send('501', `/join ${invite.code.toLowerCase().replace('-', ' ')}`, { workspaceId: '501' });
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.text).toContain('Welcome to the team, Mona Saleh. Your role: marketing manager.');
    expect(welcome[0]!.dir).toBe('ltr');
    expect(await textOf('501', `/join ${invite.code}`)).toBe('You are already on the team, Mona Saleh (marketing manager).');
    // Someone else with the same code: used.
    expect(await textOf('502', `/join ${invite.code}`)).toBe('That code is not valid. Ask your CRM administrator for a new one.');
    expect(await textOf('502', '/join ABCDE-FGHJK')).toBe('That code is not valid. Ask your CRM administrator for a new one.');
    expect(await textOf('502', '/join')).toMatch(/^Send \/join followed by your invite code/);

    const late = await createInvite(deps, { brandId: brand.brandId, name: 'Late', role: 'data_analyst', storeIds: [], createdBy: 'test', ttlHours: 1 });
    if (late.status !== 'created') throw new Error(late.status);
    clock.advance(61 * 60_000);
    expect(await textOf('503', `/join ${late.code}`)).toBe('That code is not valid. Ask your CRM administrator for a new one.');
    expect(await handle.db.select().from(schema.staffIdentities).where(eq(schema.staffIdentities.externalId, '503'))).toEqual([]);

    // Guessing is cut off: after 5 tries in an hour even a good code gets the vague answer.
    const good = await createInvite(deps, { brandId: brand.brandId, name: 'Guesser', role: 'data_analyst', storeIds: [], createdBy: 'test' });
    if (good.status !== 'created') throw new Error(good.status);
    for (let i = 0; i < 5; i++) await send('504', `/join ZZZZZ-ZZZZ${i}`);
    expect(await textOf('504', `/join ${good.code}`)).toBe('That code is not valid. Ask your CRM administrator for a new one.');
    const denials = await handle.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'staff.join'), eq(schema.auditLog.result, 'rate_limited')));
    expect(denials.length).toBeGreaterThanOrEqual(1);
  });

  it('lets exactly one of two people racing with one code join', async () => {
    const invite = await createInvite(deps, { brandId: brand.brandId, name: 'Race', role: 'customer_service', storeIds: [], createdBy: 'test' });
    if (invite.status !== 'created') throw new Error(invite.status);
    const results = await Promise.all(['601', '602', '603'].map((id) => redeemInvite(deps, { brandId: brand.brandId, code: invite.code, channel: 'telegram', externalId: id })));
    expect(results.map((r) => r.status).sort()).toEqual(['invalid', 'invalid', 'joined']);
  });

  it('gives strangers silence for everything but /join', async () => {
    for (const text of ['/help', '/customer Layla', `/points add ${inStore.memberCode} 10 hi`, '/segment list', '/campaign list', '/stats', '/queue', '/confirm', 'hello', '/nonsense']) {
      expect(await send('999', text)).toEqual([]);
    }
    expect(await send('999', '/ping')).toEqual([{ text: 'pong — this team workspace is connected to the bot.', dir: 'ltr' }]);
    // An agent who is not staff still works handoffs here.
    await handle.db.insert(schema.agents).values({ brandId: brand.brandId, name: 'Agent Ali', login: 'ali', telegramUserId: '998' });
    expect(await textOf('998', '/queue')).toBe('No conversations are waiting for a person.');
    expect(await textOf('998', '/help')).toMatch(/^This is the team workspace/);
    expect(await send('998', `/customer ${inStore.memberCode}`)).toEqual([]);
  });

  it('shows a customer card by member code, phone or name, within the store scope only', async () => {
    const admin = await staffMember('admin');
    const card = await textOf(admin.sender, `/customer ${inStore.memberCode}`);
    expect(card).toContain(`👤 Layla Haddad · member ${inStore.memberCode}`);
    expect(card).toMatch(/Tier: bronze · Balance: [\d,]+ points/);
    expect(card).toContain('Last visits:');
    expect(card).toMatch(/Lifetime spend: AED\s?120\.00 · 1 purchases/);
    expect(card).toContain('Channels: web ✓');
    expect(card).toContain('Open tickets: none');
    // A local phone number, the way staff type it.
    const local = `0${inStore.phone!.slice(4)}`;
    expect(await textOf(admin.sender, `/customer ${local}`)).toContain(`member ${inStore.memberCode}`);
    // Two "Haddad"s: a short numbered list.
    const many = await textOf(admin.sender, '/customer haddad');
    expect(many).toMatch(/^Several customers match:\n1\. .*Haddad/);
    expect(many).toContain(elsewhere.memberCode);

    const manager = await staffMember('store_manager', { storeIds: [brand.storeId] });
    expect(await textOf(manager.sender, `/customer ${inStore.memberCode}`)).toContain('Layla Haddad');
    // Another store's customer does not exist for them, by any key.
    expect(await textOf(manager.sender, `/customer ${elsewhere.memberCode}`)).toBe('No customer found.');
    expect(await textOf(manager.sender, `/customer 0${elsewhere.phone!.slice(4)}`)).toBe('No customer found.');
    expect(await textOf(manager.sender, '/customer Omar')).toBe('No customer found.');
    expect(await textOf(manager.sender, '/customer haddad')).toContain('Layla Haddad');
    expect(await textOf(manager.sender, '/customer haddad')).not.toContain('Omar');

    const viewed = await auditRows(manager.id);
    expect(viewed.filter((r) => r.action === 'staff.customer.view').map((r) => r.result)).toEqual(['ok', 'not_found', 'not_found', 'not_found', 'ok', 'ok']);
    // No personal data in the audit details.
    expect(JSON.stringify(viewed.map((r) => r.details))).not.toMatch(/Layla|Omar|\+971/);
  });

  it('applies the role matrix and audits refusals', async () => {
    const marketing = await staffMember('marketing_manager');
    expect(await textOf(marketing.sender, `/points add ${inStore.memberCode} 100 goodwill`)).toBe('A marketing manager cannot use /points.');
    expect(await textOf(marketing.sender, `/tier set ${inStore.memberCode} gold`)).toBe('A marketing manager cannot use /tier.');
    const analyst = await staffMember('data_analyst');
    expect(await textOf(analyst.sender, '/campaign new Spring')).toBe('A data analyst cannot use /campaign.');
    expect(await textOf(analyst.sender, `/customer ${inStore.memberCode}`)).toBe('A data analyst cannot use /customer.');
    const service = await staffMember('customer_service');
    expect(await textOf(service.sender, '/stats')).toBe('A customer service cannot use /stats.');
    expect(await textOf(service.sender, `/customer ${inStore.memberCode}`)).toContain('Layla Haddad');

    const refused = await auditRows(marketing.id);
    expect(refused.map((r) => [r.action, r.result, r.details])).toEqual([
      ['staff.join', 'ok', expect.anything()],
      ['staff.points.adjust', 'denied', { reason: 'role', role: 'marketing_manager' }],
      ['staff.tier.set', 'denied', { reason: 'role', role: 'marketing_manager' }],
    ]);
    expect((await auditRows(analyst.id)).map((r) => [r.action, r.result])).toEqual([
      ['staff.join', 'ok'],
      ['staff.campaign.create', 'denied'],
      ['staff.customer.view', 'denied'],
    ]);
  });

  it('adjusts points only after /confirm, once, and refuses to overdraw', async () => {
    const admin = await staffMember('admin', { name: 'Aisha' });
    const before = (await account(handle.db, inStore.accountId)).pointsBalance;
    const asked = await textOf(admin.sender, `/points add ${inStore.memberCode} 500 goodwill for the late delivery`);
    expect(asked).toBe(
      `Add 500 points to Layla Haddad (member ${inStore.memberCode}): balance ${before.toLocaleString('en-GB')} → ${(before + 500).toLocaleString('en-GB')}.\nReason: goodwill for the late delivery\nReply /confirm within 10 minutes to do it, or /cancel.`,
    );
    expect((await account(handle.db, inStore.accountId)).pointsBalance).toBe(before);
    const [first, second] = await Promise.all([textOf(admin.sender, '/confirm'), textOf(admin.sender, '/confirm')]);
    expect([first, second].sort()).toEqual([`Done: 500 points added to member ${inStore.memberCode}. New balance: ${(before + 500).toLocaleString('en-GB')}.`, 'Nothing is waiting for your confirmation (requests expire after 10 minutes).'].sort());
    expect((await account(handle.db, inStore.accountId)).pointsBalance).toBe(before + 500);
    expect((await ledger(handle.db, inStore.accountId)).filter((e) => e.kind === 'adjust')).toHaveLength(1);

    // More than the balance: refused at once, nothing waits.
    expect(await textOf(admin.sender, `/points deduct ${inStore.memberCode} 999999 mistake`)).toBe(`Layla Haddad has ${(before + 500).toLocaleString('en-GB')} points: 999,999 cannot be deducted.`);
    expect(await textOf(admin.sender, '/confirm')).toMatch(/^Nothing is waiting/);

    // Cancelled and expired requests do nothing.
    await send(admin.sender, `/points deduct ${inStore.memberCode} 100 typo`);
    expect(await textOf(admin.sender, '/cancel')).toBe('Cancelled; nothing was changed.');
    expect(await textOf(admin.sender, '/confirm')).toMatch(/^Nothing is waiting/);
    await send(admin.sender, `/points deduct ${inStore.memberCode} 100 typo`);
    clock.advance(11 * 60_000);
    expect(await textOf(admin.sender, '/confirm')).toMatch(/^Nothing is waiting/);
    expect((await account(handle.db, inStore.accountId)).pointsBalance).toBe(before + 500);

    // Tier: set with a floor, after /confirm.
    expect(await textOf(admin.sender, `/tier set ${inStore.memberCode} gold VIP event`)).toMatch(/^Set the tier of Layla Haddad .* to gold \(now bronze\)/);
    expect(await textOf(admin.sender, '/confirm')).toBe(`Done: member ${inStore.memberCode} has the tier floor gold and is now gold.`);
    expect(await account(handle.db, inStore.accountId)).toMatchObject({ tierCode: 'gold', tierFloor: 'gold' });

    const actions = (await auditRows(admin.id)).map((r) => `${r.action}:${r.result}`);
    expect(actions).toEqual(
      expect.arrayContaining(['staff.points.adjust:confirmation_requested', 'staff.confirm:ok', 'points.adjust:ok', 'staff.confirm:nothing_pending', 'staff.points.adjust:insufficient_points', 'staff.cancel:ok', 'tier.set_floor:ok']),
    );
  });

  it('words argument errors clearly', async () => {
    const admin = await staffMember('admin');
    expect(await textOf(admin.sender, '/customer')).toBe('Usage: /customer <phone | member code | name>, e.g. /customer 0501234567.');
    expect(await textOf(admin.sender, '/points')).toMatch(/^Usage: \/points add\|deduct <customer> <n> <reason>/);
    expect(await textOf(admin.sender, `/points add ${inStore.memberCode} lots thanks`)).toBe('The number of points must be a whole number from 1 to 1,000,000.');
    expect(await textOf(admin.sender, `/points add ${inStore.memberCode} 0 thanks`)).toBe('The number of points must be a whole number from 1 to 1,000,000.');
    expect(await textOf(admin.sender, `/points add ${inStore.memberCode} 10`)).toBe('Say why: /points add|deduct <customer> <n> <reason>.');
    expect(await textOf(admin.sender, '/points add 0000000000 10 thanks')).toBe('No customer found.');
    expect(await textOf(admin.sender, `/tier set ${inStore.memberCode} unobtanium`)).toBe('There is no tier "unobtanium". Tiers: bronze, silver, gold.');
    expect(await textOf(admin.sender, '/lang fr')).toBe('Usage: /lang en, /lang ar or /lang zh.');
    expect(await textOf(admin.sender, '/frobnicate')).toBe('I do not know /frobnicate. /help lists your commands.');
    expect(await textOf(admin.sender, 'just chatting')).toBe('');
  });

  it('ignores revoked staff entirely', async () => {
    const admin = await staffMember('admin');
    expect(await textOf(admin.sender, '/help')).toContain('/points');
    expect(await revokeStaff(deps, { brandId: brand.brandId, staffId: admin.id, by: 'test' })).toMatchObject({ status: 'revoked' });
    for (const text of ['/help', `/customer ${inStore.memberCode}`, '/confirm', '/lang ar']) expect(await send(admin.sender, text)).toEqual([]);
    // A new invite makes them staff again, with the new role.
    const again = await createInvite(deps, { brandId: brand.brandId, name: 'Back', role: 'data_analyst', storeIds: [], createdBy: 'test' });
    if (again.status !== 'created') throw new Error(again.status);
    expect(await textOf(admin.sender, `/join ${again.code}`)).toContain('Your role: data analyst');
    expect(await textOf(admin.sender, '/help')).not.toContain('/points');
  });

  it('lists only the commands of the role in /help, in Arabic after /lang ar', async () => {
    const service = await staffMember('customer_service', { name: 'Huda' });
    const help = await textOf(service.sender, '/help');
    expect(help).toContain('/customer');
    expect(help).not.toMatch(/\/points|\/segment|\/campaign|\/stats/);
    const manager = await staffMember('store_manager', { name: 'Karim', storeIds: [brand.storeId] });
    const managerHelp = await textOf(manager.sender, '/help');
    expect(managerHelp).toMatch(/\/segment[\s\S]*\/campaign[\s\S]*\/stats/);
    expect(managerHelp).not.toMatch(/\/points|approve/);

    const switched = await send(service.sender, '/lang ar');
    expect(switched.map((r) => r.dir)).toEqual(['rtl']);
    expect(switched[0]!.text).toBe('سأرد عليك بالعربية.');
    const arabic = await send(service.sender, '/help');
    expect(arabic[0]!.dir).toBe('rtl');
    expect(arabic[0]!.text).toMatch(/[\u0600-\u06FF]/);
    expect(arabic[0]!.text).toContain('/customer');
    expect(arabic[0]!.text).not.toContain('/points');
    const [row] = await handle.db.select().from(schema.staffMembers).where(eq(schema.staffMembers.id, service.id));
    expect(row!.language).toBe('ar');
  });

  it('reads the console command box as the staff member linked to the agent', async () => {
    const [agent] = await handle.db.insert(schema.agents).values({ brandId: brand.brandId, name: 'Console Sara', login: `sara-${randomUUID().slice(0, 6)}` }).returning();
    const staff = await staffMember('marketing_manager', { name: 'Sara' });
    const consoleMsg = { channel: 'console' as const, workspaceId: 'console' };
    // An agent who is not staff gets the agents' help only.
    expect(await textOf(agent!.id, '/help', consoleMsg)).toMatch(/^This is the team workspace/);
    await handle.db.update(schema.agents).set({ active: false }).where(eq(schema.agents.id, agent!.id));
    expect(await send(agent!.id, '/queue', consoleMsg)).toEqual([]);
    await handle.db.update(schema.staffMembers).set({ agentId: agent!.id }).where(eq(schema.staffMembers.id, staff.id));
    expect(await textOf(agent!.id, '/help', consoleMsg)).toContain('Sara · marketing manager');
  });
});
