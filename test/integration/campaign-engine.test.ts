// The campaign engine against a real database: expansion, the variant split and holdout, every send rule and its
// skip reason, quiet hours, retries, pause/resume/cancel, a revoked creator, and a crashed worker's in-doubt sends
// pushed again through the real LINE client to a fake LINE API that dedupes by X-Line-Retry-Key. Where no platform
// behaviour is involved, the CustomerPusher port is a recording function.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  approveCampaign,
  campaignStats,
  createCampaign,
  createCampaignEngine,
  getCampaign,
  pauseCampaign,
  registerCampaignJobs,
  requestApproval,
  resumeCampaign,
  cancelCampaign,
  setAudience,
  setChannel,
  setHoldout,
  setVariant,
  setWhatsappTemplate,
  launchAutomationCampaign,
  startCampaign,
  testSend,
  SWEEP_JOB,
  type CampaignDeps,
  type CampaignReportTo,
} from '../../core/campaigns/index.js';
import { linePusher, reachOn, RecordingPusher } from '../../core/campaigns/campaigns.test-support.js';
import { recordConsent } from '../../core/consent/index.js';
import { requestHandoff } from '../../core/handoff/index.js';
import { saveSegment } from '../../core/segments/index.js';
import { InProcessJobQueue, ManualClock, silentLog, type CoreDeps, type JobQueue } from '../../core/shared/index.js';
import { rowsOf, schema } from '../../db/index.js';
import { startFakeLineApi, type FakeLineApi } from '../fakes/line-api.js';
import { eventually } from '../helpers/eventually.js';
import { createBrand, createMember, createStore, uniq } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';
import { lineUserId } from '../../adapters/channels/line/line.test-support.js';
import type { CustomerPusher, TeamChat } from '../../core/conversation/index.js';

const NOON_DUBAI = new Date('2026-03-10T08:00:00Z');
const MINUTE = 60_000;

describe.each(testDbKinds)('campaign engine on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let clock: ManualClock;
  let deps: CoreDeps;
  let brandId: string;
  let storeId: string;
  let queues: JobQueue[];
  let posts: string[];
  let teamChat: TeamChat;

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(NOON_DUBAI);
    deps = { db: handle.db, clock, log: silentLog };
    ({ brandId, storeId } = await createBrand(handle.db));
    queues = [];
    posts = [];
    teamChat = {
      post: (text) => {
        posts.push(text);
        return Promise.resolve([{ channel: 'telegram', workspaceId: '-100', messageId: String(posts.length) }]);
      },
    };
  });
  afterEach(async () => {
    for (const q of queues) await q.close();
    await handle.cleanup();
  });

  /** A running worker (in-process queue) with the campaign jobs. */
  async function worker(pusher: CustomerPusher, extra: Partial<CampaignDeps> = {}): Promise<JobQueue> {
    const queue = new InProcessJobQueue({ log: silentLog });
    queues.push(queue);
    registerCampaignJobs(queue, { ...deps, pusher, teamChat, linkBaseUrl: 'https://crm.example', ...extra });
    await queue.start();
    return queue;
  }

  async function setBrandCampaignSettings(settings: Record<string, unknown>) {
    await handle.db.update(schema.brands).set({ settings: sql`${schema.brands.settings} || ${JSON.stringify({ campaigns: settings })}::jsonb` }).where(eq(schema.brands.id, brandId));
  }

  /** A campaign approved by someone else, to a segment of every member (or `expression`). */
  async function approved(opts: {
    texts?: Record<string, Partial<Record<'en' | 'ar' | 'zh', string>>>;
    weights?: Record<string, number>;
    holdout?: number;
    channel?: string;
    expression?: string;
    createdBy?: string;
    approver?: string;
    template?: string;
    reportTo?: CampaignReportTo;
  } = {}): Promise<number> {
    const seg = await saveSegment(deps, { brandId, storeIds: [], name: uniq('seg'), expression: opts.expression ?? 'visits >= 0', createdBy: 'maker' });
    if (seg.status !== 'created') throw new Error(`segment: ${seg.status}`);
    const created = await createCampaign(deps, { brandId, name: 'Oud is back', createdBy: opts.createdBy ?? 'maker', storeIds: [], reportTo: opts.reportTo ?? { channel: 'telegram', workspaceId: '-100' } });
    if (created.status !== 'created') throw new Error('create');
    const id = created.campaign.id;
    for (const [key, texts] of Object.entries(opts.texts ?? { A: { en: 'Hi {first_name}, the oud is back.' } })) {
      for (const [language, text] of Object.entries(texts)) {
        expect((await setVariant(deps, { brandId, campaignId: id, key, language, text, ...(opts.weights?.[key] ? { weight: opts.weights[key] } : {}) })).status).toBe('updated');
      }
    }
    expect((await setAudience(deps, { brandId, campaignId: id, segmentName: seg.segment.name })).status).toBe('updated');
    if (opts.channel) expect((await setChannel(deps, { brandId, campaignId: id, channel: opts.channel })).status).toBe('updated');
    if (opts.holdout) expect((await setHoldout(deps, { brandId, campaignId: id, percent: opts.holdout })).status).toBe('updated');
    if (opts.template) expect((await setWhatsappTemplate(deps, { brandId, campaignId: id, template: opts.template })).status).toBe('updated');
    expect((await requestApproval(deps, { brandId, campaignId: id, staffId: opts.createdBy ?? 'maker' })).status).toBe('requested');
    expect((await approveCampaign(deps, { brandId, campaignId: id, approverId: opts.approver ?? 'boss', approverRole: 'admin' })).status).toBe('approved');
    return id;
  }

  async function sends(campaignId: number) {
    return handle.db.select().from(schema.campaignSends).where(eq(schema.campaignSends.campaignId, campaignId));
  }
  async function sendOf(campaignId: number, customerId: string) {
    const [row] = await handle.db.select().from(schema.campaignSends).where(and(eq(schema.campaignSends.campaignId, campaignId), eq(schema.campaignSends.customerId, customerId)));
    return row!;
  }
  async function waitForStatus(campaignId: number, status: string) {
    await eventually(async () => expect((await getCampaign(deps, { brandId, campaignId }))?.status).toBe(status), { timeoutMs: 10_000 });
  }
  /** Members made straight in SQL (customers + accounts; the triggers fill member_facts), for volume. */
  async function bulkMembers(n: number): Promise<void> {
    await handle.db.execute(sql`
      with c as (
        insert into customers (brand_id, name) select ${brandId}, 'Member ' || i from generate_series(1, ${n}::int) i returning id
      )
      insert into loyalty_accounts (brand_id, customer_id, member_code, tier_code, enrolled_via)
      select ${brandId}, id, 'B' || substr(md5(id::text), 1, 10), 'bronze', 'web' from c`);
    // Reachable on LINE with marketing consent (the triggers bring both into member_facts).
    await handle.db.execute(sql`
      insert into channel_identities (brand_id, customer_id, channel, external_id)
      select ${brandId}, c.id, 'line', 'U' || md5(c.id::text) from customers c where c.brand_id = ${brandId} and c.name like 'Member %'`);
    await handle.db.execute(sql`
      insert into consent_records (customer_id, purpose, channel, granted, wording_version, source)
      select c.id, 'marketing', 'line', true, 'm-1', 'test' from customers c where c.brand_id = ${brandId} and c.name like 'Member %'`);
  }

  it('expands the audience exactly once, splits variants stably by weight and keeps a holdout', async () => {
    await bulkMembers(2000);
    const id = await approved({ texts: { A: { en: 'a' }, B: { en: 'b' } }, weights: { A: 3, B: 1 }, holdout: 20 });
    expect((await startCampaign(deps, { brandId, campaignId: id, staffId: 'maker' })).status).toBe('started');
    const idle = new InProcessJobQueue({ log: silentLog });
    queues.push(idle);
    const engine = createCampaignEngine(idle, { ...deps, pusher: new RecordingPusher().push });
    await engine.expand(id);
    const first = await sends(id);
    expect(first).toHaveLength(2000);
    expect(new Set(first.map((r) => r.customerId)).size).toBe(2000);
    const count = (key: string) => first.filter((r) => r.variantKey === key).length;
    expect(count('holdout')).toBeGreaterThan(2000 * 0.2 - 90);
    expect(count('holdout')).toBeLessThan(2000 * 0.2 + 90);
    expect(count('A') / (count('A') + count('B'))).toBeGreaterThan(0.7);
    expect(count('A') / (count('A') + count('B'))).toBeLessThan(0.8);
    expect(first.filter((r) => r.variantKey === 'holdout').every((r) => r.status === 'holdout')).toBe(true);
    expect(Math.max(...first.map((r) => r.batchNo))).toBe(1);
    expect((await getCampaign(deps, { brandId, campaignId: id }))?.status).toBe('sending');

    // A second expansion (a crash before expanded_at was written): nothing is added, everybody keeps their variant.
    await handle.db.update(schema.campaigns).set({ expandedAt: null, settings: {} }).where(eq(schema.campaigns.id, id));
    await engine.expand(id);
    const second = await sends(id);
    expect(second).toHaveLength(2000);
    // Stable: delete and expand again from scratch, the same split comes out.
    const before = new Map(first.map((r) => [r.customerId, r.variantKey]));
    await handle.db.delete(schema.campaignSends).where(eq(schema.campaignSends.campaignId, id));
    await handle.db.update(schema.campaigns).set({ expandedAt: null, settings: {} }).where(eq(schema.campaigns.id, id));
    await engine.expand(id);
    const third = await sends(id);
    expect(third.every((r) => before.get(r.customerId) === r.variantKey)).toBe(true);
  });

  it('sends through LINE once per member in their language, with variables and tracked links, and reports to the team', async () => {
    const line: FakeLineApi = await startFakeLineApi();
    try {
      const sam = await createMember(deps, brandId, { name: 'Sam Lee', tierCode: 'gold' });
      const layla = await createMember(deps, brandId, { name: 'Layla Haddad' });
      await handle.db.update(schema.customers).set({ language: 'ar' }).where(eq(schema.customers.id, layla.customerId));
      const samChat = lineUserId();
      const laylaChat = lineUserId();
      await reachOn(deps, { brandId, customerId: sam.customerId, channel: 'line', externalId: samChat });
      await reachOn(deps, { brandId, customerId: layla.customerId, channel: 'line', externalId: laylaChat });
      const id = await approved({
        texts: { A: { en: 'Hi {first_name} ({tier}, {points} pts, {member_code}): https://shop.example/oud.', ar: 'مرحبا {first_name} https://shop.example/oud' } },
      });
      const queue = await worker(linePusher(deps, { brandId, apiBaseUrl: line.url, token: line.token }));
      expect((await startCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: 'maker' })).status).toBe('started');
      await waitForStatus(id, 'completed');
      const samText = (line.messagesTo(samChat) as Array<{ text: string }>).map((m) => m.text);
      const laylaText = (line.messagesTo(laylaChat) as Array<{ text: string }>).map((m) => m.text);
      expect(samText).toHaveLength(1);
      expect(samText[0]).toMatch(new RegExp(`^Hi Sam \\(gold, 0 pts, ${sam.memberCode}\\): https://crm\\.example/l/[A-Za-z0-9_-]{22}\\.\\d+\\.$`));
      expect(laylaText).toHaveLength(1);
      expect(laylaText[0]).toMatch(/^مرحبا Layla https:\/\/crm\.example\/l\//);
      // Every push carried a retry key derived from the send, so a re-push would be deduplicated.
      expect(line.callsTo('push').every((c) => c.retryKey !== undefined)).toBe(true);
      const samSend = await sendOf(id, sam.customerId);
      expect(samSend).toMatchObject({ status: 'sent', channel: 'line', attempts: 1 });
      expect(samSend.platformMessageId).toMatch(/^\d+$/);
      const stats = await campaignStats(deps, { brandId, campaignId: id });
      expect(stats?.byVariant.find((v) => v.key === 'A')).toMatchObject({ recipients: 2, sent: 2 });
      expect(posts[0]).toContain('started: 2 recipients');
      expect(posts.at(-1)).toContain('completed');
      expect(posts.at(-1)).toContain('Sent 2, skipped 0, failed 0');
    } finally {
      await line.close();
    }
  });

  it('applies every send rule at send time and records why each recipient was skipped', async () => {
    await setBrandCampaignSettings({ maxPerWeek: 1 });
    const pusher = new RecordingPusher();
    const member = async (name: string) => createMember(deps, brandId, { name });
    const ok = await member('Okay Person');
    const okChat = await reachOn(deps, { brandId, customerId: ok.customerId, channel: 'line' });
    const noConsent = await member('No Consent');
    await reachOn(deps, { brandId, customerId: noConsent.customerId, channel: 'line', consent: false });
    const stopped = await member('Said Stop');
    await reachOn(deps, { brandId, customerId: stopped.customerId, channel: 'line' });
    clock.advance(1000);
    await recordConsent(deps, { customerId: stopped.customerId, purpose: 'marketing', channel: 'line', granted: false, wordingVersion: 'm-1', source: 'stop' });
    const agent = await member('With Agent');
    const agentChat = await reachOn(deps, { brandId, customerId: agent.customerId, channel: 'line' });
    await requestHandoff(deps, { brandId, conversationId: agentChat.conversationId, customerId: agent.customerId, reason: 'asked' });
    const capped = await member('Capped Person');
    await reachOn(deps, { brandId, customerId: capped.customerId, channel: 'line' });
    const [other] = await handle.db.insert(schema.campaigns).values({ brandId, name: 'earlier', status: 'completed', createdBy: 'x' }).returning();
    await handle.db.insert(schema.campaignSends).values({ campaignId: other!.id, customerId: capped.customerId, batchNo: 0, variantKey: 'A', status: 'sent', sentAt: new Date(NOON_DUBAI.getTime() - 3 * 86_400_000) });
    const blocked = await member('Blocked Before');
    await reachOn(deps, { brandId, customerId: blocked.customerId, channel: 'line', unreachable: true });
    const blocks = await member('Blocks Now');
    const blocksChat = await reachOn(deps, { brandId, customerId: blocks.customerId, channel: 'line' });
    pusher.answer(blocksChat.chatId, { status: 'failed', code: 'BLOCKED_BY_USER' });
    const wa = await member('Whats App');
    const waChat = await reachOn(deps, { brandId, customerId: wa.customerId, channel: 'whatsapp' });
    pusher.answer(waChat.chatId, (opts) => ({ status: 'window_closed', template: opts?.template ?? true }));
    const nowhere = await member('No Chat');
    await recordConsent(deps, { customerId: nowhere.customerId, purpose: 'marketing', channel: 'telegram', granted: true, wordingVersion: 'm-1', source: 'test' });
    const flaky = await member('Flaky Line');
    const flakyChat = await reachOn(deps, { brandId, customerId: flaky.customerId, channel: 'line' });
    pusher.answer(flakyChat.chatId, { status: 'failed', code: 'TEMPORARY' }, { status: 'sent', platformMessageId: 'later' });
    const invalid = await member('Invalid Recipient');
    const invalidChat = await reachOn(deps, { brandId, customerId: invalid.customerId, channel: 'line' });
    pusher.answer(invalidChat.chatId, { status: 'failed', code: 'INVALID_RECIPIENT' });
    // Two consented channels: the one they wrote on last is preferred.
    const both = await member('Both Channels');
    await reachOn(deps, { brandId, customerId: both.customerId, channel: 'line', inboundAt: new Date(NOON_DUBAI.getTime() - 5 * 86_400_000) });
    const bothTelegram = await reachOn(deps, { brandId, customerId: both.customerId, channel: 'telegram', inboundAt: new Date(NOON_DUBAI.getTime() - 86_400_000) });

    const id = await approved();
    const queue = await worker(pusher.push);
    await startCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: 'maker' });
    await eventually(
      async () => {
        const rows = await sends(id);
        expect(rows).toHaveLength(12);
        expect(rows.filter((r) => r.status === 'sending' || (r.status === 'pending' && r.notBefore === null))).toHaveLength(0);
      },
      { timeoutMs: 10_000 },
    );

    const expectSend = async (customerId: string, fields: Record<string, unknown>) => expect(await sendOf(id, customerId)).toMatchObject(fields);
    await expectSend(ok.customerId, { status: 'sent', channel: 'line' });
    await expectSend(noConsent.customerId, { status: 'skipped', skipReason: 'no_consent' });
    await expectSend(stopped.customerId, { status: 'skipped', skipReason: 'unsubscribed' });
    await expectSend(agent.customerId, { status: 'skipped', skipReason: 'with_agent' });
    await expectSend(capped.customerId, { status: 'skipped', skipReason: 'frequency_cap' });
    await expectSend(blocked.customerId, { status: 'skipped', skipReason: 'blocked' });
    await expectSend(blocks.customerId, { status: 'skipped', skipReason: 'blocked', attempts: 1 });
    await expectSend(wa.customerId, { status: 'skipped', skipReason: 'window_closed' });
    expect(pusher.to(waChat.chatId)[0]?.opts).toMatchObject({ template: false });
    await expectSend(nowhere.customerId, { status: 'skipped', skipReason: 'unreachable' });
    await expectSend(invalid.customerId, { status: 'failed', error: 'INVALID_RECIPIENT', attempts: 1 });
    await expectSend(both.customerId, { status: 'sent', channel: 'telegram' });
    expect(pusher.to(bothTelegram.chatId)).toHaveLength(1);
    expect(pusher.to(okChat.chatId)[0]?.opts?.idempotencyKey).toBe((await sendOf(id, ok.customerId)).id);
    // Nothing was pushed to those skipped before the push.
    expect(pusher.pushes.map((p) => p.chatId)).not.toContain(agentChat.chatId);
    // The temporary failure is retried after a back-off, then sent.
    const flakyRow = await sendOf(id, flaky.customerId);
    expect(flakyRow).toMatchObject({ status: 'pending', error: 'TEMPORARY', attempts: 1 });
    expect((await getCampaign(deps, { brandId, campaignId: id }))?.status).toBe('sending');
    clock.advance(5 * MINUTE);
    await queue.enqueue(SWEEP_JOB, {});
    await waitForStatus(id, 'completed');
    await expectSend(flaky.customerId, { status: 'sent', attempts: 2, platformMessageId: 'later' });
    expect(pusher.to(flakyChat.chatId).map((p) => p.opts?.idempotencyKey)).toEqual([flakyRow.id, flakyRow.id]);
    const stats = await campaignStats(deps, { brandId, campaignId: id });
    expect(stats?.skipped).toEqual({ no_consent: 1, unsubscribed: 1, with_agent: 1, frequency_cap: 1, blocked: 2, window_closed: 1, unreachable: 1 });
    expect(stats?.failed).toBe(1);
  });

  it('holds recipients in their quiet hours (their store’s time zone) and sends in their morning', async () => {
    const tokyo = await createStore(handle.db, brandId, { timezone: 'Asia/Tokyo' });
    clock.set(new Date('2026-03-10T19:00:00Z')); // 23:00 in Dubai, 04:00 in Tokyo
    const pusher = new RecordingPusher();
    const dubai = await createMember(deps, brandId, { name: 'Dubai Person' });
    const dubaiChat = await reachOn(deps, { brandId, customerId: dubai.customerId, channel: 'line' });
    const tokyoMember = await createMember(deps, brandId, { name: 'Tokyo Person' });
    const tokyoChat = await reachOn(deps, { brandId, customerId: tokyoMember.customerId, channel: 'line' });
    await handle.db.update(schema.memberFacts).set({ homeStoreId: tokyo }).where(eq(schema.memberFacts.customerId, tokyoMember.customerId));
    const id = await approved();
    const queue = await worker(pusher.push);
    await startCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: 'maker' });
    await eventually(async () => expect((await sends(id)).map((r) => r.status)).toEqual(['held', 'held']));
    expect((await sendOf(id, dubai.customerId)).notBefore).toEqual(new Date('2026-03-11T05:00:00Z'));
    expect((await sendOf(id, tokyoMember.customerId)).notBefore).toEqual(new Date('2026-03-11T00:00:00Z'));
    expect(pusher.pushes).toHaveLength(0);

    clock.set(new Date('2026-03-11T00:30:00Z')); // 09:30 in Tokyo, 04:30 in Dubai
    await queue.enqueue(SWEEP_JOB, {});
    await eventually(async () => expect((await sendOf(id, tokyoMember.customerId)).status).toBe('sent'));
    expect((await sendOf(id, dubai.customerId)).status).toBe('held');
    expect(pusher.to(dubaiChat.chatId)).toHaveLength(0);

    clock.set(new Date('2026-03-11T05:01:00Z'));
    await queue.enqueue(SWEEP_JOB, {});
    await waitForStatus(id, 'completed');
    expect(pusher.to(dubaiChat.chatId)).toHaveLength(1);
    expect(pusher.to(tokyoChat.chatId)).toHaveLength(1);
  });

  it('re-pushes a crashed worker’s in-doubt sends with the same key, and LINE delivers each once', async () => {
    const line = await startFakeLineApi();
    try {
      const chats: string[] = [];
      for (let i = 0; i < 6; i++) {
        const m = await createMember(deps, brandId, { name: `Member ${i}` });
        const chat = lineUserId();
        chats.push(chat);
        await reachOn(deps, { brandId, customerId: m.customerId, channel: 'line', externalId: chat });
      }
      const id = await approved();
      await startCampaign(deps, { brandId, campaignId: id, staffId: 'maker' });
      const pusher = linePusher(deps, { brandId, apiBaseUrl: line.url, token: line.token });
      // The first worker: expands, claims every row, pushes half of them, and dies before recording anything.
      const dead = new InProcessJobQueue({ log: silentLog });
      queues.push(dead);
      await createCampaignEngine(dead, { ...deps, pusher }).expand(id);
      await handle.db.execute(sql`update campaign_sends set status = 'sending', not_before = ${new Date(clock.now().getTime() + 2 * MINUTE).toISOString()}::timestamptz where campaign_id = ${id}`);
      const claimed = await handle.db
        .select({ id: schema.campaignSends.id, chatId: schema.channelIdentities.externalId })
        .from(schema.campaignSends)
        .innerJoin(schema.channelIdentities, eq(schema.channelIdentities.customerId, schema.campaignSends.customerId))
        .where(and(eq(schema.campaignSends.campaignId, id), eq(schema.channelIdentities.channel, 'line')));
      for (const row of claimed.slice(0, 3)) {
        expect((await pusher({ channel: 'line', chatId: row.chatId }, { text: 'Hi, the oud is back.', dir: 'ltr' }, { idempotencyKey: row.id })).status).toBe('sent');
      }
      // A new worker after the claims expired: the sweep finds the stalled campaign and its batches run again.
      clock.advance(3 * MINUTE);
      const queue = await worker(pusher);
      await queue.enqueue(SWEEP_JOB, {});
      await waitForStatus(id, 'completed');
      for (const chat of chats) expect(line.messagesTo(chat)).toHaveLength(1);
      expect(line.callsTo('push').filter((c) => c.status === 409)).toHaveLength(3);
      expect((await sends(id)).every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await line.close();
    }
  });

  it('pauses between chunks, resumes where it stopped, and cancels leaving the rest unsent', async () => {
    const pusher = new RecordingPusher();
    for (let i = 0; i < 6; i++) {
      const m = await createMember(deps, brandId, { name: `Member ${i}` });
      await reachOn(deps, { brandId, customerId: m.customerId, channel: 'line' });
    }
    const id = await approved();
    const queue = await worker(pusher.push, { sendChunk: 2 });
    pusher.close();
    await startCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: 'maker' });
    await eventually(() => expect(pusher.pushes).toHaveLength(2));
    expect((await pauseCampaign(deps, { brandId, campaignId: id, staffId: 'maker' })).status).toBe('paused');
    pusher.open();
    await eventually(async () => expect((await sends(id)).filter((r) => r.status === 'sent')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pusher.pushes).toHaveLength(2);
    expect((await sends(id)).filter((r) => r.status === 'pending')).toHaveLength(4);
    expect((await pauseCampaign(deps, { brandId, campaignId: id, staffId: 'maker' })).status).toBe('wrong_status');

    expect((await resumeCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: 'maker' })).status).toBe('resumed');
    await waitForStatus(id, 'completed');
    expect(pusher.pushes).toHaveLength(6);
    expect(new Set(pusher.pushes.map((p) => p.chatId)).size).toBe(6);

    // Cancel: a second campaign to the same six.
    await setBrandCampaignSettings({ maxPerWeek: 10 });
    const second = await approved();
    pusher.close();
    await startCampaign({ ...deps, queue }, { brandId, campaignId: second, staffId: 'maker' });
    await eventually(() => expect(pusher.pushes).toHaveLength(8));
    expect((await cancelCampaign(deps, { brandId, campaignId: second, staffId: 'maker' })).status).toBe('cancelled');
    pusher.open();
    await eventually(async () => expect((await sends(second)).filter((r) => r.status === 'sent')).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pusher.pushes).toHaveLength(8);
    expect((await sends(second)).filter((r) => r.status === 'skipped' && r.skipReason === 'cancelled')).toHaveLength(4);
    expect((await getCampaign(deps, { brandId, campaignId: second }))?.status).toBe('cancelled');
    expect((await resumeCampaign({ ...deps, queue }, { brandId, campaignId: second, staffId: 'maker' })).status).toBe('wrong_status');
  });

  it('pauses a campaign whose creator lost their access, and only an active admin resumes it', async () => {
    const staff = async (name: string, role: string) =>
      (await handle.db.insert(schema.staffMembers).values({ brandId, name, role, createdBy: 'test' }).returning())[0]!.id;
    const mona = await staff('Mona', 'marketing_manager');
    const admin = await staff('Adel', 'admin');
    const otherManager = await staff('Omar', 'marketing_manager');
    const pusher = new RecordingPusher();
    for (let i = 0; i < 3; i++) {
      const m = await createMember(deps, brandId, { name: `Member ${i}` });
      await reachOn(deps, { brandId, customerId: m.customerId, channel: 'line' });
    }
    const id = await approved({ createdBy: mona, approver: admin });
    await startCampaign(deps, { brandId, campaignId: id, staffId: mona });
    await handle.db.update(schema.staffMembers).set({ revokedAt: clock.now() }).where(eq(schema.staffMembers.id, mona));
    const queue = await worker(pusher.push);
    await queue.enqueue(SWEEP_JOB, {});
    await waitForStatus(id, 'paused');
    expect(pusher.pushes).toHaveLength(0);
    expect(posts.some((p) => p.includes("paused: Mona's access was revoked; an admin must resume it"))).toBe(true);
    expect(await getCampaign(deps, { brandId, campaignId: id })).toMatchObject({ pausedReason: 'access_revoked', revokedName: 'Mona' });
    expect((await resumeCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: otherManager })).status).toBe('admin_required');
    expect((await resumeCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: mona })).status).toBe('admin_required');
    expect((await resumeCampaign({ ...deps, queue }, { brandId, campaignId: id, staffId: admin })).status).toBe('resumed');
    await waitForStatus(id, 'completed');
    expect(pusher.pushes).toHaveLength(3);
  });

  it('refuses self-approval, incomplete drafts, unknown variables, foreign segments and audiences nobody can receive', async () => {
    const member = await createMember(deps, brandId, { name: 'No Consent' });
    await reachOn(deps, { brandId, customerId: member.customerId, channel: 'line', consent: false });
    const seg = await saveSegment(deps, { brandId, storeIds: [], name: 'Everyone', expression: 'visits >= 0', createdBy: 'maker' });
    expect(seg.status).toBe('created');
    expect(await createCampaign(deps, { brandId, name: '  ', createdBy: 'maker', storeIds: [] })).toMatchObject({ status: 'bad_name' });
    const created = await createCampaign(deps, { brandId, name: 'Spring', createdBy: 'maker', storeIds: [] });
    if (created.status !== 'created') throw new Error('create');
    const campaignId = created.campaign.id;
    expect(await requestApproval(deps, { brandId, campaignId, staffId: 'maker' })).toEqual({ status: 'incomplete', missing: ['audience', 'variant'] });
    expect(await setVariant(deps, { brandId, campaignId, key: 'A', language: 'en', text: 'Hi {nmae}' })).toEqual({ status: 'unknown_variable', variable: 'nmae' });
    expect(await setVariant(deps, { brandId, campaignId, key: 'AA', language: 'en', text: 'x' })).toMatchObject({ status: 'bad_key' });
    expect(await setVariant(deps, { brandId, campaignId, key: 'A', language: 'fr', text: 'x' })).toMatchObject({ status: 'bad_language' });
    await setVariant(deps, { brandId, campaignId, key: 'A', language: 'en', text: 'Hi {name}' });
    await setVariant(deps, { brandId, campaignId, key: 'A', language: 'ar', text: 'مرحبا {name}' });
    await setVariant(deps, { brandId, campaignId, key: 'b', language: 'en', text: 'Hello {name}', weight: 2 });
    expect((await getCampaign(deps, { brandId, campaignId }))?.variants.map((v) => [v.key, v.weight, v.languages])).toEqual([
      ['A', 1, ['en', 'ar']],
      ['B', 2, ['en']],
    ]);
    expect(await setAudience(deps, { brandId, campaignId, segmentName: 'nobody' })).toEqual({ status: 'unknown_segment', segmentName: 'nobody' });
    expect((await setAudience(deps, { brandId, campaignId, segmentName: 'everyone' })).status).toBe('updated');
    expect(await requestApproval(deps, { brandId, campaignId, staffId: 'maker' })).toEqual({ status: 'incomplete', missing: ['text:B:ar'] });
    await setVariant(deps, { brandId, campaignId, key: 'B', language: 'ar', text: 'أهلا {name}' });
    expect(await requestApproval(deps, { brandId, campaignId, staffId: 'maker' })).toEqual({ status: 'no_eligible_recipients', audience: 1 });
    await recordConsent(deps, { customerId: member.customerId, purpose: 'marketing', channel: 'line', granted: true, wordingVersion: 'm-1', source: 'test' });
    expect(await requestApproval(deps, { brandId, campaignId, staffId: 'maker' })).toMatchObject({ status: 'requested', audience: 1, eligible: 1 });
    expect((await setHoldout(deps, { brandId, campaignId, percent: 10 })).status).toBe('wrong_status');
    expect(await approveCampaign(deps, { brandId, campaignId, approverId: 'maker', approverRole: 'admin' })).toEqual({ status: 'self_approval' });
    expect((await approveCampaign(deps, { brandId, campaignId, approverId: 'boss', approverRole: 'admin' })).status).toBe('approved');
    expect((await approveCampaign(deps, { brandId, campaignId, approverId: 'boss2', approverRole: 'admin' })).status).toBe('wrong_status');

    // A store manager's campaign may not use another store's segment.
    const otherStore = await createStore(handle.db, brandId);
    await saveSegment(deps, { brandId, storeIds: [otherStore], name: 'Other store', expression: 'visits >= 0', createdBy: 'x' });
    const scoped = await createCampaign(deps, { brandId, name: 'Local', createdBy: 'sm', storeIds: [storeId] });
    if (scoped.status !== 'created') throw new Error('create');
    expect(await setAudience(deps, { brandId, campaignId: scoped.campaign.id, segmentName: 'Other store' })).toEqual({ status: 'out_of_scope', segmentName: 'Other store' });
    expect((await setAudience(deps, { brandId, campaignId: scoped.campaign.id, segmentName: 'Everyone' })).status).toBe('updated');
    expect((await getCampaign(deps, { brandId, campaignId: scoped.campaign.id }))?.storeIds).toEqual([storeId]);
  });

  it('computes conversions, incremental revenue and significance against the holdout, and counts receipts', async () => {
    await bulkMembers(400);
    const id = await approved({ holdout: 50 });
    await startCampaign(deps, { brandId, campaignId: id, staffId: 'maker' });
    const idle = new InProcessJobQueue({ log: silentLog });
    queues.push(idle);
    await createCampaignEngine(idle, { ...deps, pusher: new RecordingPusher().push }).expand(id);
    const rows = await sends(id);
    const variant = rows.filter((r) => r.variantKey === 'A');
    const holdout = rows.filter((r) => r.variantKey === 'holdout');
    const sentAt = new Date(NOON_DUBAI.getTime() + MINUTE);
    // Every variant member was sent to, every holdout member would have been; 25% vs 10% of 100 each buy 100.00.
    const vGroup = variant.slice(0, 100);
    const hGroup = holdout.slice(0, 100);
    await handle.db.execute(sql`update campaign_sends set status = 'skipped', skip_reason = 'no_consent' where campaign_id = ${id}`);
    for (const r of vGroup) await handle.db.update(schema.campaignSends).set({ status: 'sent', sentAt, channel: 'line', skipReason: null, platformMessageId: `wamid-${r.id}` }).where(eq(schema.campaignSends.id, r.id));
    for (const r of hGroup) await handle.db.update(schema.campaignSends).set({ status: 'holdout', channel: 'line', skipReason: null }).where(eq(schema.campaignSends.id, r.id));
    const buy = async (customerId: string, at: Date, totalMinor: number, refundedMinor = 0) =>
      handle.db.execute(sql`
        insert into pos_transactions (brand_id, store_id, external_id, content_hash, customer_id, account_id, occurred_at, currency, total_minor, refunded_minor, lines)
        select ${brandId}, ${storeId}, ${randomUUID()}, 'h', ${customerId}, a.id, ${at.toISOString()}::timestamptz, 'AED', ${totalMinor}, ${refundedMinor}, '[]'::jsonb
        from loyalty_accounts a where a.customer_id = ${customerId}`);
    const inWindow = new Date(sentAt.getTime() + 2 * 86_400_000);
    for (const r of vGroup.slice(0, 25)) await buy(r.customerId, inWindow, 10_000);
    for (const r of hGroup.slice(0, 10)) await buy(r.customerId, inWindow, 10_000);
    // Outside the 7-day window, or before the send: not a conversion. A partial refund lowers the revenue.
    await buy(vGroup[30]!.customerId, new Date(sentAt.getTime() + 8 * 86_400_000), 5_000);
    await buy(vGroup[31]!.customerId, new Date(sentAt.getTime() - 86_400_000), 5_000);
    await buy(vGroup[0]!.customerId, inWindow, 4_000, 2_000);

    const { recordDeliveryStatus } = await import('../../core/conversation/index.js');
    expect(await recordDeliveryStatus(deps, { brandId, channel: 'line', platformMessageId: `wamid-${vGroup[0]!.id}`, status: 'read' })).toBe(true);
    expect(await recordDeliveryStatus(deps, { brandId, channel: 'line', platformMessageId: `wamid-${vGroup[1]!.id}`, status: 'delivered' })).toBe(true);
    expect(await recordDeliveryStatus(deps, { brandId, channel: 'line', platformMessageId: `wamid-${vGroup[0]!.id}`, status: 'delivered' })).toBe(true);
    expect(await recordDeliveryStatus(deps, { brandId, channel: 'whatsapp', platformMessageId: `wamid-${vGroup[2]!.id}`, status: 'read' })).toBe(false);
    expect((await sendOf(id, vGroup[0]!.customerId)).status).toBe('read');

    const stats = (await campaignStats(deps, { brandId, campaignId: id }))!;
    const a = stats.byVariant.find((v) => v.key === 'A')!;
    const h = stats.byVariant.find((v) => v.key === 'holdout')!;
    expect(a).toMatchObject({ recipients: variant.length, sent: 100, delivered: 2, read: 1, base: 100, converted: 25, revenueMinor: 25 * 10_000 + 2_000, conversionRate: 0.25 });
    expect(h).toMatchObject({ recipients: holdout.length, sent: 0, base: 100, converted: 10, revenueMinor: 100_000, conversionRate: 0.1 });
    // At the holdout's 1,000 per member, 100 sent would have made 100,000 without the message.
    expect(a.incrementalRevenueMinor).toBe(252_000 - 100_000);
    expect(stats.incrementalRevenueMinor).toBe(152_000);
    // 25/100 vs 10/100: pooled 0.175, z = 0.15 / sqrt(0.175·0.825·0.02) ≈ 2.7915, p ≈ 0.0052.
    expect(stats.significance?.z).toBeCloseTo(2.7915, 3);
    expect(stats.significance?.pValue).toBeCloseTo(0.0052, 3);
    expect(a.significance).toEqual(stats.significance);
    expect(stats.skipped.no_consent).toBe(rows.length - 200);
    const total = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from campaign_sends where campaign_id = ${id}`))[0]!.n;
    expect(stats.total).toBe(total);
  });

  it('launches an automation campaign once per key, without approval, and stores web-chat sends in the conversation', async () => {
    const pusher = new RecordingPusher();
    const gold = await createMember(deps, brandId, { name: 'Gold Member', tierCode: 'gold' });
    const web = await reachOn(deps, { brandId, customerId: gold.customerId, channel: 'web' });
    const bronze = await createMember(deps, brandId, { name: 'Bronze Member' });
    await reachOn(deps, { brandId, customerId: bronze.customerId, channel: 'web' });
    const queue = await worker(pusher.push);
    const input = {
      brandId,
      automationKey: 'tier_upgrade:2026-03-10',
      name: 'Welcome to gold',
      variants: [{ key: 'A', content: { en: 'Congratulations {first_name}, you are {tier} now.' } }],
      audience: sql`"member_facts"."tier_code" = 'gold'`,
    };
    const first = await launchAutomationCampaign({ ...deps, queue }, input);
    expect(first.status).toBe('launched');
    expect(await launchAutomationCampaign({ ...deps, queue }, input)).toEqual({ status: 'exists', campaignId: first.campaignId });
    await waitForStatus(first.campaignId, 'completed');
    expect(pusher.pushes.map((p) => [p.channel, p.chatId, p.reply.text])).toEqual([['web', web.chatId, 'Congratulations Gold, you are gold now.']]);
    const stored = await handle.db.select().from(schema.messages).where(and(eq(schema.messages.conversationId, web.conversationId), eq(schema.messages.direction, 'out')));
    expect(stored.map((m) => m.text)).toEqual(['Congratulations Gold, you are gold now.']);
    expect(await getCampaign(deps, { brandId, campaignId: first.campaignId })).toMatchObject({ kind: 'automation', status: 'completed', approvedBy: 'automation' });
  });

  it('test-sends every variant, marked [TEST], to the staff member’s own chat', async () => {
    const pusher = new RecordingPusher();
    const created = await createCampaign(deps, { brandId, name: 'Eid', createdBy: 'maker', storeIds: [] });
    if (created.status !== 'created') throw new Error('create');
    const campaignId = created.campaign.id;
    await setVariant(deps, { brandId, campaignId, key: 'A', language: 'en', text: 'Eid Mubarak {first_name}' });
    await setVariant(deps, { brandId, campaignId, key: 'A', language: 'ar', text: 'عيد مبارك {first_name}' });
    await setVariant(deps, { brandId, campaignId, key: 'B', language: 'en', text: 'Happy Eid, {name} ({points} points)' });
    const result = await testSend({ ...deps, pusher: pusher.push }, { brandId, campaignId, channel: 'telegram', chatId: '777', language: 'ar' });
    expect(result).toEqual({ status: 'sent', results: [{ variant: 'A', language: 'ar', result: 'sent' }, { variant: 'B', language: 'en', result: 'sent' }] });
    expect(pusher.pushes.map((p) => [p.chatId, p.reply.dir, p.reply.text])).toEqual([
      ['777', 'rtl', '[TEST] Eid · A\nعيد مبارك Sam'],
      ['777', 'ltr', '[TEST] Eid · B\nHappy Eid, Sam Sample (1250 points)'],
    ]);
    expect(await handle.db.select().from(schema.campaignSends)).toHaveLength(0);
  });
});
