// Segments, campaigns and stats from the team chat through the real staff bot, on every supported database: a marketing
// manager builds a segment, previews and exports it, builds an A/B campaign in English and Arabic, tests it on
// themselves, cannot approve it themselves, an admin approves it and it is sent; stats come with a PNG chart; a store
// manager sees only their stores.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffBot } from '../../bots/staff/index.js';
import type { CustomerPusher, Reply, StaffMessage, StaffSink } from '../../core/conversation/index.js';
import { recordConsent } from '../../core/consent/index.js';
import { recordTransaction } from '../../core/pos/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createInvite, type StaffRole } from '../../core/staff/index.js';
import { schema } from '../../db/index.js';
import { createBrand, createMember, createStore, purchase, type BrandFixture } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

describe.each(testDbKinds)('staff segments, campaigns and stats on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brand: BrandFixture;
  let otherStoreId: string;
  let bot: StaffSink;
  let pushed: Array<{ channel: string; chatId: string; text: string }>;
  let posted: string[];
  let nextSender = 2000;

  const send = (senderId: string, text: string, over: Partial<StaffMessage> = {}): Promise<Reply[]> =>
    bot.handle({ channel: 'telegram', workspaceId: '-100888', senderId, text, platformMessageId: `upd:${randomUUID()}`, timestamp: clock.now(), ...over });
  const textOf = async (senderId: string, text: string): Promise<string> => (await send(senderId, text)).map((r) => r.text).join('\n');

  async function staffMember(role: StaffRole, name: string, storeIds: string[] = []): Promise<string> {
    const invite = await createInvite(deps, { brandId: brand.brandId, name, role, storeIds, createdBy: 'test' });
    if (invite.status !== 'created') throw new Error(invite.status);
    const sender = String(nextSender++);
    expect(await textOf(sender, `/join ${invite.code}`)).toContain('Welcome');
    return sender;
  }

  beforeAll(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T08:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brand = await createBrand(handle.db);
    otherStoreId = await createStore(handle.db, brand.brandId);
    // Gold members in the first store, silver ones in the other; all with marketing consent on the web channel.
    for (let i = 0; i < 6; i++) {
      const m = await createMember(deps, brand.brandId, { name: `Member ${i}`, tierCode: i < 4 ? 'gold' : 'silver' });
      const store = i < 4 ? brand.storeId : otherStoreId;
      await recordTransaction(deps, purchase({ ...brand, storeId: store }, { memberCode: m.memberCode }, new Date(`2026-09-${10 + i}T10:00:00Z`), [5_000]));
      await recordConsent(deps, { customerId: m.customerId, purpose: 'marketing', channel: 'web', granted: true, wordingVersion: 'm-1', source: 'test' });
    }
    // Members since the summer, whatever day the test runs.
    await handle.db.update(schema.loyaltyAccounts).set({ enrolledAt: new Date('2026-08-01T00:00:00Z') }).where(eq(schema.loyaltyAccounts.brandId, brand.brandId));
    pushed = [];
    posted = [];
    const pusher: CustomerPusher = (target, reply) => {
      pushed.push({ channel: target.channel, chatId: target.chatId, text: reply.text });
      return Promise.resolve({ status: 'sent' });
    };
    bot = createStaffBot({
      log: silentLog,
      staff: {
        ...deps,
        brandId: brand.brandId,
        pusher,
        teamChat: {
          post: (text) => {
            posted.push(text);
            return Promise.resolve([]);
          },
        },
      },
    });
  });
  afterAll(async () => {
    await handle.cleanup();
  });

  it('builds, previews and exports a segment, pointing at errors', async () => {
    const mona = await staffMember('marketing_manager', 'Mona');
    expect(await textOf(mona, '/segment new lapsed-gold tier = gold and days_since_last_purchase > 60')).toBe('Segment lapsed-gold saved: 4 members now.');
    const bad = await textOf(mona, '/segment new broken tier = gold and frobs > 3');
    expect(bad).toMatch(/^That expression has a problem: .*\ntier = gold and frobs > 3\n {16}\^$/);
    const shown = await textOf(mona, '/segment show LAPSED-GOLD');
    expect(shown).toMatch(/^Segment lapsed-gold: 4 members\nRule: tier = gold and days_since_last_purchase > 60\nBy tier: gold 4\nBy home store: .* 4\nSample:\n/);
    expect(shown.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(4);
    expect(await textOf(mona, '/segment list')).toContain('• lapsed-gold: tier = gold');
    const [exported] = await send(mona, '/segment export lapsed-gold');
    expect(exported!.text).toBe('Segment lapsed-gold: 4 members in the attached CSV file.');
    expect(exported!.attachment?.mimeType).toBe('text/csv');
    expect(exported!.attachment?.fileName).toMatch(/^lapsed-gold-.*\.csv$/);
    const csv = new TextDecoder().decode(exported!.attachment!.data);
    expect(csv.split(/\r?\n/).filter(Boolean)).toHaveLength(5);
    expect(await textOf(mona, '/segment show nope')).toBe('There is no segment "nope". /segment list shows yours.');

    // A store manager of the other store sees none of it.
    const karim = await staffMember('store_manager', 'Karim', [otherStoreId]);
    expect(await textOf(karim, '/segment show lapsed-gold')).toBe('There is no segment "lapsed-gold". /segment list shows yours.');
    expect(await textOf(karim, '/segment new mine tier = silver')).toBe('Segment mine saved: 2 members now.');
    expect(await textOf(karim, '/segment new everyone tier = gold')).toBe('Segment everyone saved: 0 members now.');
  });

  it('runs an A/B campaign from draft to sending, approved by someone else', async () => {
    await textOf(await staffMember('marketing_manager', 'Setup'), '/segment new gold-all tier = gold');
    const mona = await staffMember('marketing_manager', 'Mona M');
    const aisha = await staffMember('admin', 'Aisha');
    const created = await textOf(mona, '/campaign new Winback Gold');
    const id = /#(\d+)/.exec(created)![1]!;
    expect(created).toMatch(/^Campaign #\d+ "Winback Gold" created as a draft/);
    expect(await textOf(mona, `/campaign submit ${id}`)).toMatch(/^Not ready for approval; missing: /);
    expect(await textOf(mona, `/campaign variant ${id} A en Hi {first_name}, we miss you!`)).toBe(`Campaign #${id}: variant A (en) saved.`);
    expect(await textOf(mona, `/campaign variant ${id} A ar مرحبا {first_name}، اشتقنا لك!`)).toBe(`Campaign #${id}: variant A (ar) saved.`);
    expect(await textOf(mona, `/campaign variant ${id} B en {first_name}, 2x points this week`)).toBe(`Campaign #${id}: variant B (en) saved.`);
    expect(await textOf(mona, `/campaign variant ${id} B ar {first_name}، نقاط مضاعفة هذا الأسبوع`)).toBe(`Campaign #${id}: variant B (ar) saved.`);
    expect(await textOf(mona, `/campaign variant ${id} C fr Bonjour`)).toBe('"fr" is not a language of the bot: use en, ar or zh.');
    expect(await textOf(mona, `/campaign variant ${id} C en Hi {nickname}`)).toMatch(/^Unknown variable \{nickname\}/);
    expect(await textOf(mona, `/campaign audience ${id} no-such-segment`)).toBe('There is no segment "no-such-segment". /segment list shows yours.');
    expect(await textOf(mona, `/campaign audience ${id} gold-all`)).toBe(`Campaign #${id}: audience is segment gold-all.`);
    expect(await textOf(mona, `/campaign channel ${id} pigeon`)).toMatch(/^"pigeon" is not a campaign channel/);
    expect(await textOf(mona, `/campaign channel ${id} preferred`)).toBe(`Campaign #${id}: channel is preferred.`);
    expect(await textOf(mona, `/campaign holdout ${id} 10`)).toBe(`Campaign #${id}: holdout 10%.`);
    expect(await textOf(mona, `/campaign schedule ${id} yesterday`)).toMatch(/^I cannot read that time/);
    expect(await textOf(mona, `/campaign schedule ${id} 2020-01-01 09:00`)).toBe('That time is in the past.');
    expect(await textOf(mona, `/campaign schedule ${id} now`)).toBe(`Campaign #${id}: goes out as soon as it is sent.`);
    const shown = await textOf(mona, `/campaign show ${id}`);
    expect(shown).toContain('Audience: gold-all · Channel: preferred · Holdout: 10%');
    expect(shown).toContain('  ar: مرحبا {first_name}، اشتقنا لك!');

    // A test to my own private chat (my sender id), in my language.
    expect(await textOf(mona, `/campaign test ${id}`)).toMatch(/^Test sent to your private chat:\n {2}A \(en\): sent\n {2}B \(en\): sent$/);
    expect(pushed.map((p) => [p.channel, p.chatId])).toEqual([
      ['telegram', mona],
      ['telegram', mona],
    ]);
    expect(pushed[0]!.text).toContain('Hi Sam, we miss you!');

    expect(await textOf(mona, `/campaign submit ${id}`)).toMatch(new RegExp(`^Campaign #${id} is waiting for approval: 4 members in the audience, 4 can receive it now\\.`));
    expect(posted).toEqual([expect.stringContaining(`Mona M asks for approval of campaign #${id} "Winback Gold"`)]);
    expect(await textOf(mona, `/campaign variant ${id} A en changed`)).toBe(`Campaign #${id} is waiting for approval: that cannot be done now.`);
    expect(await textOf(mona, `/campaign approve ${id}`)).toBe('You created this campaign: someone else must approve it.');
    const analyst = await staffMember('data_analyst', 'Dana');
    expect(await textOf(analyst, `/campaign approve ${id}`)).toBe('A data analyst cannot use /campaign.');
    expect(await textOf(aisha, `/campaign approve ${id}`)).toBe(`Campaign #${id} approved. /campaign send ${id} sends it.`);
    expect(await textOf(mona, `/campaign send ${id}`)).toMatch(new RegExp(`^Campaign #${id} is sending`));
    expect(await textOf(mona, `/campaign pause ${id}`)).toBe(`Campaign #${id} paused. /campaign resume ${id} continues it.`);
    expect(await textOf(mona, `/campaign resume ${id}`)).toBe(`Campaign #${id} resumed.`);
    expect(await textOf(analyst, `/campaign stats ${id}`)).toMatch(new RegExp(`^Campaign #${id} · sending · `));
    expect(await textOf(mona, '/campaign list')).toContain(`#${id} Winback Gold · sending · gold-all`);
    expect(await textOf(mona, '/campaign show 999999')).toBe('There is no campaign 999999.');

    const audited = await handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.target, `campaign:${id}`));
    expect(audited.map((r) => `${r.action}:${r.result}`)).toEqual(
      expect.arrayContaining(['staff.campaign.submit:ok', 'staff.campaign.approve:self_approval', 'staff.campaign.approve:ok', 'staff.campaign.send:ok', 'staff.campaign.pause:ok']),
    );
  });

  it('answers /stats with figures and a PNG chart, within the store scope', async () => {
    const aisha = await staffMember('admin', 'Aisha S');
    const [report] = await send(aisha, '/stats 30d');
    expect(report!.text).toMatch(/^📊 Last 30 days · /);
    expect(report!.text).toMatch(/Members: 6 · new 0 · active 0/);
    expect(report!.attachment).toMatchObject({ fileName: 'stats-30d.png', mimeType: 'image/png' });
    expect([...report!.attachment!.data.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const [month] = await send(aisha, '/stats 2026-09');
    expect(month!.text).toMatch(/^📊 2026-09 · .*\nMembers: 6 · new 0 · active 6\n[\s\S]*Sales: 6 transactions/);
    expect(await textOf(aisha, '/stats 2026-13')).toBe('"2026-13" is not a period: use today, 7d, 30d, month, ytd or a month such as 2026-10.');

    const karim = await staffMember('store_manager', 'Karim K', [otherStoreId]);
    const [own] = await send(karim, '/stats 2026-09');
    expect(own!.text).toMatch(/Members: 2 · new 0 · active 2/);
    const [firstStore] = await handle.db.select({ code: schema.stores.code }).from(schema.stores).where(eq(schema.stores.id, brand.storeId));
    expect(await textOf(karim, `/stats 2026-09 ${firstStore!.code}`)).toBe(`No store "${firstStore!.code}" among yours.`);
  });
});
