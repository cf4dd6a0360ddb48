// One customer across channels: a one-time code from a channel where the customer is known links another channel to
// the same profile (membership, points, vouchers), merges are recorded and refused on a conflict; a platform-verified
// phone joins a new channel to the profile that has it.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../adapters/cli/admin.js';
import { pruneLinkCodes, resolveCustomer, reverseMerge } from '../../core/customers/index.js';
import { postLedgerEntry } from '../../core/loyalty/index.js';
import { silentLog, systemClock, type CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { accountOfChannelUser } from '../helpers/loyalty-fixtures.js';
import { testDbKinds } from '../helpers/test-db.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';

describe.each(testDbKinds)('one customer across channels on %s', (kind) => {
  let t: TestApp;
  const db = () => t.app.db.db;
  const deps = (): CoreDeps => ({ db: db(), clock: systemClock, log: silentLog });
  const client = (sessionId?: string) => new WebChatClient(() => t.app, sessionId);
  const customerOf = async (externalId: string) =>
    (await db().select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, externalId)))[0]!.customerId;
  const codeIn = (text: string) => /link (\d{8})/.exec(text)?.[1] ?? '';

  async function enroll(c: WebChatClient, name: string) {
    await c.say('join');
    await c.finishSignUp(name);
  }

  beforeAll(async () => {
    t = await startTestApp(kind);
    await client('demo-aisha').press('lang:en');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('links a new chat to a member with a one-time code: the same balance, one profile, the merge recorded', async () => {
    const code = codeIn(await client('demo-aisha').say('link'));
    expect(code).toMatch(/^\d{8}$/);
    const other = client();
    await other.say('hi'); // a profile of its own so far
    const before = await customerOf(other.sessionId);
    const linked = await other.say(`link ${code}`);
    expect(linked).toMatch(/Linked!/);
    expect(linked).toMatch(/You have 6,200 points/);
    const aisha = await customerOf('demo-aisha');
    expect(await customerOf(other.sessionId)).toBe(aisha);
    const [merge] = await db().select().from(schema.customerMerges).where(eq(schema.customerMerges.fromCustomerId, before));
    expect(merge).toMatchObject({ intoCustomerId: aisha, reason: 'link_code', pointsMoved: 0 });
    const [retired] = await db().select().from(schema.customers).where(eq(schema.customers.id, before));
    expect(retired?.mergedIntoId).toBe(aisha);
    // The code works once.
    expect(await client().say(`link ${code}`)).toMatch(/doesn't work/);
  });

  it('moves the points of a second membership with transfer entries, keeping their expiry', async () => {
    const first = client();
    await enroll(first, 'Hana Ali');
    const second = client();
    await enroll(second, 'Hana A.');
    const secondAccount = (await accountOfChannelUser(db(), second.sessionId))!;
    const expiresAt = new Date(Date.now() + 100 * 86_400_000);
    await postLedgerEntry(deps(), { accountId: secondAccount.id, kind: 'bonus', points: 120, idempotencyKey: `test:${second.sessionId}`, expiresAt });

    const code = codeIn(await first.say('link'));
    expect(await second.say(`link ${code}`)).toMatch(/Linked![\s\S]*You have 120 points/);
    const firstAccount = (await accountOfChannelUser(db(), first.sessionId))!;
    expect(firstAccount.pointsBalance).toBe(120);
    const [emptied] = await db().select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.id, secondAccount.id));
    expect(emptied?.pointsBalance).toBe(0);
    const lots = await db().select().from(schema.pointLots).where(and(eq(schema.pointLots.accountId, firstAccount.id)));
    expect(lots.map((l) => [l.remaining, l.expiresAt?.toISOString()])).toEqual([[120, expiresAt.toISOString()]]);
    const kinds = await db().select({ kind: schema.pointsLedger.kind, points: schema.pointsLedger.points }).from(schema.pointsLedger).where(eq(schema.pointsLedger.reference, `merge:${(await db().select().from(schema.customerMerges).where(eq(schema.customerMerges.intoCustomerId, firstAccount.customerId)))[0]!.id}`));
    expect(kinds.sort((a, b) => a.points - b.points)).toEqual([
      { kind: 'transfer_out', points: -120 },
      { kind: 'transfer_in', points: 120 },
    ]);
  });

  it('lets staff reverse a merge: the chat and the points that are left go back to the old profile', async () => {
    const first = client();
    await enroll(first, 'Yara One');
    const second = client();
    await enroll(second, 'Yara Two');
    const secondAccount = (await accountOfChannelUser(db(), second.sessionId))!;
    await postLedgerEntry(deps(), { accountId: secondAccount.id, kind: 'bonus', points: 90, idempotencyKey: `test:rev:${second.sessionId}`, expiresAt: null });
    const oldProfile = await customerOf(second.sessionId);
    const code = codeIn(await first.say('link'));
    await second.say(`link ${code}`);
    const [merge] = await db().select().from(schema.customerMerges).where(eq(schema.customerMerges.fromCustomerId, oldProfile));
    expect(merge?.pointsMoved).toBe(90);

    expect(await reverseMerge(deps(), { brandId: 'demo', mergeId: merge!.id, by: 'staff-1' })).toEqual({ status: 'reversed', pointsReturned: 90, pointsShort: 0 });
    expect(await customerOf(second.sessionId)).toBe(oldProfile);
    expect((await accountOfChannelUser(db(), second.sessionId))?.pointsBalance).toBe(90);
    expect((await accountOfChannelUser(db(), first.sessionId))?.pointsBalance).toBe(0);
    expect(await second.say('balance')).toMatch(/You have 90 points/);
    expect(await reverseMerge(deps(), { brandId: 'demo', mergeId: merge!.id, by: 'staff-1' })).toEqual({ status: 'already_reversed' });
    const audited = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, 'identity.merge_reversed'));
    expect(audited.map((r) => [r.actorType, r.actorId, r.target])).toEqual([['staff', 'staff-1', oldProfile]]);
  });

  it('shows staff the unified profile across channels, audited, and lets them reverse a merge from the admin command', async () => {
    const web = client();
    await enroll(web, 'Maha Saeed');
    const code = codeIn(await web.say('link'));
    const other = client();
    await other.say(`link ${code}`);
    await other.say('STOP');
    const account = (await accountOfChannelUser(db(), web.sessionId))!;
    const lines: string[] = [];
    const admin = (argv: string[]) => runAdminCommand(argv, { ...deps(), brandId: 'demo' }, (l) => lines.push(l));
    expect(await admin(['customer', 'show', '--member', account.memberCode, '--by', 'ops-1'])).toBe(0);
    const shown = lines.join('\n');
    expect(shown).toMatch(/Maha Saeed/);
    expect(shown).toMatch(new RegExp(`member ${account.memberCode} · 0 points`));
    expect(shown).toContain(`web ${web.sessionId}`);
    expect(shown).toContain(`web ${other.sessionId}`);
    expect(shown).toMatch(/marketing on web: refused/);
    expect(shown).toMatch(/preferred channel: web/);
    expect(shown).toMatch(/merges:\n {2}#(\d+) /);
    expect(shown).toMatch(/← STOP/);
    const viewed = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, 'customer.viewed'));
    expect(viewed.map((r) => [r.actorId, r.target, r.result])).toContainEqual(['admin-cli:ops-1', account.customerId, 'ok']);

    const mergeId = /merges:\n {2}#(\d+) /.exec(shown)![1]!;
    lines.length = 0;
    expect(await admin(['merge', 'reverse', mergeId, '--by', 'ops-1'])).toBe(0);
    expect(lines.join('\n')).toMatch(new RegExp(`merge #${mergeId} reversed`));
    expect(await customerOf(other.sessionId)).not.toBe(account.customerId);
    lines.length = 0;
    expect(await admin(['merge', 'reverse', mergeId, '--by', 'ops-1'])).toBe(1);
    expect(await admin(['customer', 'show', '--member', '0000000000'])).toBe(1);
  });

  it('refuses to merge two profiles with different verified phones, and tells staff', async () => {
    const a = client();
    const b = client();
    await a.say('hi');
    await b.say('hi');
    const [ida, idb] = [await customerOf(a.sessionId), await customerOf(b.sessionId)];
    await db().update(schema.customers).set({ phone: '+971501110001', phoneVerified: true }).where(eq(schema.customers.id, ida));
    await db().update(schema.customers).set({ phone: '+971501110002', phoneVerified: true }).where(eq(schema.customers.id, idb));
    const code = codeIn(await a.say('link'));
    expect(await b.say(`link ${code}`)).toMatch(/couldn't link these accounts automatically/);
    expect(await customerOf(b.sessionId)).toBe(idb);
    const flagged = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, 'identity.merge_conflict'));
    expect(flagged.map((r) => r.target)).toContain(ida);
  });

  it('never joins a WhatsApp number to a profile where the number was only typed in', async () => {
    const attacker = client();
    await enroll(attacker, 'Not The Owner');
    const phone = '+971501117777';
    await db().update(schema.customers).set({ phone, phoneVerified: false }).where(eq(schema.customers.id, await customerOf(attacker.sessionId)));
    const owner = await resolveCustomer(deps(), { brandId: 'demo', channel: 'whatsapp', externalId: '971501117777', verifiedPhone: phone });
    expect(owner.isNew).toBe(true);
    expect(owner.customer.id).not.toBe(await customerOf(attacker.sessionId));
    expect(owner.customer).toMatchObject({ phone, phoneVerified: true });
    const [typed] = await db().select().from(schema.customers).where(eq(schema.customers.id, await customerOf(attacker.sessionId)));
    expect(typed?.phoneVerified).toBe(false);
  });

  it('moves unused vouchers with the points when two memberships merge', async () => {
    const first = client();
    await enroll(first, 'Vera One');
    const second = client();
    await enroll(second, 'Vera Two');
    const secondAccount = (await accountOfChannelUser(db(), second.sessionId))!;
    await postLedgerEntry(deps(), { accountId: secondAccount.id, kind: 'bonus', points: 600, idempotencyKey: `test:v:${second.sessionId}`, expiresAt: null });
    await second.say('rewards');
    const [drink] = await db().select().from(schema.rewards).where(eq(schema.rewards.code, 'FREE-DRINK'));
    await second.press(`reward:${drink!.id}`);
    expect(await second.press('form:yes')).toMatch(/Here is your voucher/);
    const code = codeIn(await first.say('link'));
    await second.say(`link ${code}`);
    expect(await second.say('my vouchers')).toMatch(/Free regular drink/);
    expect(await first.say('my vouchers')).toMatch(/Free regular drink/);
  });

  it('prunes expired link codes, never live ones', async () => {
    const c = client();
    await c.say('link');
    const customerId = await customerOf(c.sessionId);
    await db().insert(schema.linkCodes).values({ brandId: 'demo', customerId, codeHash: `expired-${customerId}`, expiresAt: new Date(Date.now() - 60_000) });
    const mine = async () => (await db().select().from(schema.linkCodes).where(eq(schema.linkCodes.customerId, customerId))).length;
    expect(await mine()).toBe(2);
    expect(await pruneLinkCodes(deps(), new Date())).toBeGreaterThanOrEqual(1);
    expect(await mine()).toBe(1);
  });

  it('refuses wrong codes, and stops guessing after five tries an hour', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) expect(await c.say(`link ${10000000 + i}`)).toMatch(/doesn't work/);
    expect(await c.say('link 10000009')).toMatch(/Too many codes/);
  });

  it('joins a new channel identity with a platform-verified phone to the profile that has it', async () => {
    const aisha = await customerOf('demo-aisha');
    const { customer, isNew } = await resolveCustomer(deps(), { brandId: 'demo', channel: 'whatsapp', externalId: '971501234567', verifiedPhone: '+971501234567' });
    expect(isNew).toBe(false);
    expect(customer.id).toBe(aisha);
    // A junk or unknown phone starts a profile of its own (with the phone, verified, when nobody else has it).
    const stranger = await resolveCustomer(deps(), { brandId: 'demo', channel: 'whatsapp', externalId: '971509990000', verifiedPhone: '+971509990000' });
    expect(stranger.isNew).toBe(true);
    expect(stranger.customer).toMatchObject({ phone: '+971509990000', phoneVerified: true });
    const junk = await resolveCustomer(deps(), { brandId: 'demo', channel: 'whatsapp', externalId: '10000000000', verifiedPhone: '+10000000000' });
    expect(junk.customer.phone).toBeNull();
  });
});
