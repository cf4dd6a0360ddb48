// The agents' desk and the team-chat agent commands against a real database. The customer's platform and the team
// chat are the outside world here: an in-memory pusher and team chat record what would have gone out (the channel
// adapters' own tests cover the platforms; the browser and Telegram end-to-end tests cover the whole path).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentDesk, type AgentDesk } from '../../bots/agent/index.js';
import { createStaffBot } from '../../bots/staff/index.js';
import { lockConversation, recordInbound, type ChannelName, type PushResult, type Reply, type StaffMessage, type TeamPost } from '../../core/conversation/index.js';
import { resolveCustomer } from '../../core/customers/index.js';
import { assignPersonalShopper, MAX_VIPS_PER_SHOPPER, requestHandoff } from '../../core/handoff/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createTicket } from '../../core/tickets/index.js';
import { schema } from '../../db/index.js';
import { createBrand, createMember } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

interface Pushed {
  channel: ChannelName;
  chatId: string;
  reply: Reply;
}

describe.each(testDbKinds)('agent desk on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let pushed: Pushed[];
  let pushResult: PushResult;
  let posts: Array<{ text: string; replyTo?: TeamPost }>;
  let desk: AgentDesk;
  let postSeq: number;
  let pushOptions: Array<{ template?: boolean } | undefined>;

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db, { tiers: [{ code: 'bronze', minPoints: 0 }, { code: 'gold', minPoints: 5000 }, { code: 'platinum', minPoints: 15000 }] })).brandId;
    pushed = [];
    pushOptions = [];
    posts = [];
    postSeq = 100;
    pushResult = { status: 'sent', platformMessageId: 'p1' };
    desk = createAgentDesk({
      ...deps,
      brandId,
      pusher: (target, reply, opts) => {
        pushed.push({ ...target, reply });
        pushOptions.push(opts);
        return Promise.resolve(pushResult);
      },
      teamChat: {
        post: (text, opts) => {
          posts.push({ text, ...(opts?.replyTo ? { replyTo: opts.replyTo } : {}) });
          postSeq += 1;
          return Promise.resolve([{ channel: 'telegram', workspaceId: '-100', messageId: String(postSeq) }]);
        },
      },
      csatQuestion: (lang, ticketId) => ({ text: `rate ${ticketId} (${lang})`, dir: 'ltr', buttons: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), payload: `csat:${ticketId}:${n}` })) }),
    });
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  async function agent(name: string, opts: { telegram?: string; onDuty?: boolean; shopper?: boolean; languages?: string[] } = {}) {
    const [row] = await handle.db
      .insert(schema.agents)
      .values({
        brandId,
        name,
        login: name.toLowerCase(),
        onDuty: opts.onDuty ?? false,
        telegramUserId: opts.telegram ?? null,
        isPersonalShopper: opts.shopper ?? false,
        languages: opts.languages ?? ['en', 'ar'],
      })
      .returning();
    return row!.id;
  }

  /** A customer who wrote `text` on `channel` and asked for a person; the handoff's id. */
  async function customerAsking(opts: { name?: string; language?: string; text?: string; customerId?: string; channel?: ChannelName } = {}) {
    const chatId = randomUUID();
    const channel = opts.channel ?? 'telegram';
    const customerId = opts.customerId ?? (await resolveCustomer(deps, { brandId, channel, externalId: chatId, displayName: opts.name ?? 'Layla' })).customer.id;
    if (opts.customerId) await handle.db.insert(schema.channelIdentities).values({ brandId, customerId, channel, externalId: chatId });
    const conversation = await handle.db.transaction(async (tx) => {
      const txDeps = { ...deps, db: tx };
      const conv = await lockConversation(txDeps, { brandId, channel, chatId, customerId });
      await tx.update(schema.conversations).set({ language: opts.language ?? 'en' }).where(eq(schema.conversations.id, conv.id));
      await recordInbound(txDeps, { brandId, conversationId: conv.id, msg: { channel, externalUserId: chatId, chatId, platformMessageId: randomUUID(), text: opts.text ?? 'I want a human', timestamp: clock.now() } });
      return conv;
    });
    const result = await requestHandoff(deps, { brandId, conversationId: conversation.id, customerId, reason: 'asked' });
    await desk.handoffRequested(result.handoff.id);
    return { handoffId: result.handoff.id, conversationId: conversation.id, chatId, customerId, result };
  }

  async function customerWrites(conversationId: string, chatId: string, text: string) {
    const inbound = await handle.db.transaction((tx) =>
      recordInbound({ ...deps, db: tx }, { brandId, conversationId, msg: { channel: 'telegram', externalUserId: chatId, chatId, platformMessageId: randomUUID(), text, timestamp: clock.now() } }),
    );
    await desk.customerWrote({ conversationId, messageId: inbound.id });
  }

  it('alerts the team with the summary, relays the customer in the thread, and one of two agents takes it', async () => {
    const member = await createMember(deps, brandId, { name: 'Layla <b>', tierCode: 'gold' });
    const sara = await agent('Sara');
    const omar = await agent('Omar');
    const { handoffId, conversationId, chatId } = await customerAsking({ customerId: member.customerId, text: 'my points are wrong' });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain(`Handoff #${handoffId}`);
    expect(posts[0]!.text).toContain('Layla <b>');
    expect(posts[0]!.text).toContain(`member ${member.memberCode}`);
    expect(posts[0]!.text).toContain('› my points are wrong');
    expect(posts[0]!.text).toContain(`/take ${handoffId}`);

    await customerWrites(conversationId, chatId, 'hello?');
    expect(posts[1]).toMatchObject({ text: `#${handoffId} Layla <b>: hello?`, replyTo: { workspaceId: '-100', messageId: '101' } });
    // Both the alert and the relayed message are the handoff's thread.
    expect(await desk.handoffForTeamMessage({ channel: 'telegram', workspaceId: '-100', messageId: '102' })).toBe(handoffId);

    const [a, b] = await Promise.all([desk.take({ agentId: sara, handoffId }), desk.take({ agentId: omar, handoffId })]);
    const winner = a.status === 'taken' ? 'Sara' : 'Omar';
    expect([a.status, b.status].sort()).toEqual(['taken', 'taken_by_other']);
    expect(a.status === 'taken' ? b : a).toMatchObject({ status: 'taken_by_other', agentName: winner });
    // The customer is told once who joined.
    expect(pushed.map((p) => p.reply.text)).toEqual([`${winner} from our team has joined the chat.`]);
  });

  it('sends a reply once per client reference, and nothing after a hand back or from another agent', async () => {
    const sara = await agent('Sara');
    const omar = await agent('Omar');
    const { handoffId, conversationId, chatId } = await customerAsking({ language: 'ar' });
    expect(await desk.reply({ agentId: sara, handoffId, text: 'hi' })).toEqual({ status: 'not_taken' });
    await desk.take({ agentId: sara, handoffId });
    clock.advance(1000);
    pushed = [];
    const ref = randomUUID();
    const first = await desk.reply({ agentId: sara, handoffId, text: 'مرحبا، كيف أساعدك؟', clientRef: ref });
    const again = await desk.reply({ agentId: sara, handoffId, text: 'مرحبا، كيف أساعدك؟', clientRef: ref });
    expect(first.status).toBe('sent');
    expect(again).toEqual({ status: 'duplicate', messageId: (first as { messageId: string }).messageId });
    expect(pushed).toEqual([{ channel: 'telegram', chatId, reply: { text: 'مرحبا، كيف أساعدك؟', dir: 'rtl' } }]);
    expect(await desk.reply({ agentId: omar, handoffId, text: 'me too' })).toEqual({ status: 'taken_by_other', agentName: 'Sara' });

    const view = await desk.conversation({ agentId: omar, handoffId });
    expect(view.status).toBe('ok');
    const messages = view.status === 'ok' ? view.view.messages : [];
    expect(messages.at(-1)).toMatchObject({ direction: 'out', author: { type: 'agent', name: 'Sara' }, text: 'مرحبا، كيف أساعدك؟', status: 'sent' });

    expect(await desk.handBack({ agentId: omar, handoffId })).toEqual({ status: 'taken_by_other', agentName: 'Sara' });
    expect(await desk.handBack({ agentId: sara, handoffId })).toEqual({ status: 'handed_back' });
    const [conv] = await handle.db.select().from(schema.conversations).where(eq(schema.conversations.id, conversationId));
    expect(conv!.mode).toBe('bot');
    // Told in the conversation's language that the bot is back.
    expect(pushed.at(-1)!.reply).toMatchObject({ dir: 'rtl' });
    expect(pushed.at(-1)!.reply.text).toContain('المساعد الآلي');
    pushed = [];
    expect(await desk.reply({ agentId: sara, handoffId, text: 'one more thing', clientRef: randomUUID() })).toEqual({ status: 'closed' });
    expect(await desk.handBack({ agentId: sara, handoffId })).toEqual({ status: 'closed' });
    expect(pushed).toEqual([]);
  });

  it('never claims a message arrived through a closed WhatsApp window, and tells the agent why', async () => {
    const sara = await agent('Sara');
    const { handoffId } = await customerAsking({ channel: 'whatsapp' });
    await desk.take({ agentId: sara, handoffId });
    pushResult = { status: 'window_closed', template: true };
    const result = await desk.reply({ agentId: sara, handoffId, text: 'are you there?' });
    expect(result).toMatchObject({ status: 'undelivered', push: { status: 'window_closed', template: true } });
    const [row] = await handle.db.select().from(schema.messages).where(eq(schema.messages.id, (result as { messageId: string }).messageId));
    expect(row).toMatchObject({ status: 'failed', error: 'WINDOW_CLOSED:TEMPLATE_SENT' });
  });

  it('resolves: the ticket is resolved, the bot is back and the customer is asked to rate', async () => {
    const sara = await agent('Sara');
    const { handoffId, conversationId } = await customerAsking();
    await desk.take({ agentId: sara, handoffId });
    const resolved = await desk.resolve({ agentId: sara, handoffId });
    expect(resolved.status).toBe('resolved');
    const ticketId = (resolved as { ticketId: number }).ticketId;
    const [ticket] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, ticketId));
    expect(ticket).toMatchObject({ status: 'resolved', conversationId, category: 'other', source: 'chat' });
    const [conv] = await handle.db.select().from(schema.conversations).where(eq(schema.conversations.id, conversationId));
    expect(conv).toMatchObject({ mode: 'bot', state: { csat: { ticketId } } });
    expect(pushed.at(-1)!.reply.buttons?.map((b) => b.payload)).toEqual([1, 2, 3, 4, 5].map((n) => `csat:${ticketId}:${n}`));
    expect(await desk.resolve({ agentId: sara, handoffId })).toEqual({ status: 'closed' });
  });

  it('resolves only the tickets of this handoff, never last week\'s; asks for a rating only when it can arrive', async () => {
    const sara = await agent('Sara');
    const { handoffId, conversationId, customerId } = await customerAsking();
    // A detractor ticket from five days ago in the same chat is another matter.
    clock.advance(-5 * 86_400_000);
    const old = await createTicket(deps, { brandId, customerId, conversationId, category: 'product', description: 'broken bottle', source: 'nps', actor: { type: 'system', id: 't' } });
    clock.advance(5 * 86_400_000);
    await desk.take({ agentId: sara, handoffId });
    pushResult = { status: 'window_closed', template: false };
    const resolved = await desk.resolve({ agentId: sara, handoffId });
    expect(resolved.status).toBe('resolved');
    const [oldNow] = await handle.db.select().from(schema.tickets).where(eq(schema.tickets.id, old.id));
    expect(oldNow!.status).toBe('open');
    expect((resolved as { ticketId: number }).ticketId).not.toBe(old.id);
    // The notices went out without a paid template; the rating question did not arrive, so no rating is awaited.
    expect(pushOptions.slice(-2)).toEqual([{ template: false }, { template: false }]);
    const [conv] = await handle.db.select().from(schema.conversations).where(eq(schema.conversations.id, conversationId));
    expect((conv!.state as { csat?: unknown }).csat).toBeUndefined();
  });

  it('keeps an agent to their cap when taking', async () => {
    const [row] = await handle.db.insert(schema.agents).values({ brandId, name: 'Solo', login: 'solo', maxConversations: 1 }).returning();
    const first = await customerAsking();
    const second = await customerAsking();
    expect((await desk.take({ agentId: row!.id, handoffId: first.handoffId })).status).toBe('taken');
    expect(await desk.take({ agentId: row!.id, handoffId: second.handoffId })).toEqual({ status: 'full' });
  });

  it('hands back conversations an agent left idle, telling the customer; a busy one stays', async () => {
    const sara = await agent('Sara');
    const idle = await customerAsking({ language: 'zh' });
    const busy = await customerAsking();
    await desk.take({ agentId: sara, handoffId: idle.handoffId });
    await desk.take({ agentId: sara, handoffId: busy.handoffId });
    clock.advance(25 * 60_000);
    await desk.reply({ agentId: sara, handoffId: busy.handoffId, text: 'still checking' });
    clock.advance(10 * 60_000);
    // The customer writing to an agent who walked away does not keep the conversation from timing out.
    await customerWrites(idle.conversationId, idle.chatId, 'hello??');
    pushed = [];
    expect(await desk.sweepIdle()).toBe(1);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ chatId: idle.chatId });
    expect(pushed[0]!.reply.text).toContain('智能助理');
    expect((await desk.queue()).map((q) => q.handoffId)).toEqual([busy.handoffId]);
  });

  it('fills canned responses and keeps notes private', async () => {
    const member = await createMember(deps, brandId, { name: 'Noor' });
    await handle.db.update(schema.loyaltyAccounts).set({ pointsBalance: 420 }).where(eq(schema.loyaltyAccounts.id, member.accountId));
    await handle.db.insert(schema.cannedResponses).values([
      { brandId, name: 'points', language: 'en', text: 'Hi {name}, you have {points} points ({tier}).' },
      { brandId, name: 'points', language: 'ar', text: 'مرحبا {name}، لديك {points} نقطة.' },
    ]);
    const sara = await agent('Sara');
    const { handoffId } = await customerAsking({ customerId: member.customerId });
    expect(await desk.canned({ agentId: sara, handoffId, name: 'POINTS' })).toEqual({ status: 'ok', text: 'Hi Noor, you have 420 points (bronze).' });
    expect(await desk.canned({ agentId: sara, handoffId, name: 'nope' })).toEqual({ status: 'unknown_canned', names: ['points'] });
    pushed = [];
    expect((await desk.note({ agentId: sara, handoffId, text: '<script>alert(1)</script> VIP, be kind' })).status).toBe('added');
    expect(pushed).toEqual([]);
    const view = await desk.conversation({ agentId: sara, handoffId });
    expect(view.status === 'ok' && view.view.notes.map((n) => [n.agentName, n.text])).toEqual([['Sara', '<script>alert(1)</script> VIP, be kind']]);
  });

  describe('in the team chat', () => {
    const staffMessage = (over: Partial<StaffMessage>): StaffMessage => ({
      channel: 'telegram',
      workspaceId: '-100',
      senderId: '555',
      platformMessageId: `upd:${randomUUID()}`,
      timestamp: new Date(),
      ...over,
    });

    it('takes by command, relays thread replies once, and refuses strangers and late replies', async () => {
      const sara = await agent('Sara', { telegram: '555' });
      await agent('Omar', { telegram: '777' });
      const staff = createStaffBot({ log: silentLog, agents: { ...deps, brandId, desk } });
      const { handoffId, chatId } = await customerAsking();
      const alertId = '101';

      const stranger = await staff.handle(staffMessage({ senderId: '999', text: '/take', replyToMessageId: alertId }));
      expect(stranger[0]!.text).toContain('not registered as an agent');

      expect((await staff.handle(staffMessage({ text: `/take ${handoffId}` })))[0]!.text).toContain(`#${handoffId} is yours, Sara`);
      pushed = [];
      const reply = staffMessage({ text: 'Let me check your points.', replyToMessageId: alertId });
      expect(await staff.handle(reply)).toEqual([]);
      // Telegram delivered the same update twice: sent once.
      expect(await staff.handle(reply)).toEqual([]);
      expect(pushed).toEqual([{ channel: 'telegram', chatId, reply: { text: 'Let me check your points.', dir: 'ltr' } }]);

      const omarTries = await staff.handle(staffMessage({ senderId: '777', text: 'I can help', replyToMessageId: alertId }));
      expect(omarTries[0]!.text).toBe(`#${handoffId} is with Sara; nothing was sent.`);
      expect((await staff.handle(staffMessage({ text: '/note checked the ledger', replyToMessageId: alertId })))[0]!.text).toBe(`Note added to #${handoffId}.`);
      expect((await staff.handle(staffMessage({ text: '/done' })))[0]!.text).toBe(`#${handoffId} is back with the bot.`);
      pushed = [];
      const late = await staff.handle(staffMessage({ text: 'one more thing', replyToMessageId: alertId }));
      expect(late[0]!.text).toBe(`#${handoffId} was already handed back to the bot; nothing was sent.`);
      expect(pushed).toEqual([]);
      // Chatter that is not a command nor a thread reply is not answered.
      expect(await staff.handle(staffMessage({ text: 'lunch?' }))).toEqual([]);
      const [agentRow] = await handle.db.select().from(schema.agents).where(eq(schema.agents.id, sara));
      expect(agentRow!.onDuty).toBe(false);
      expect((await staff.handle(staffMessage({ text: '/duty on' })))[0]!.text).toContain('on duty');
      const audited = await handle.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.actorId, sara), eq(schema.auditLog.action, 'conversation.agent_replied')));
      expect(audited).toHaveLength(1);
    });

    it('answering a waiting conversation in its thread takes it', async () => {
      await agent('Sara', { telegram: '555' });
      const staff = createStaffBot({ log: silentLog, agents: { ...deps, brandId, desk } });
      const { handoffId } = await customerAsking();
      expect(await staff.handle(staffMessage({ text: 'Hello!', replyToMessageId: '101' }))).toEqual([]);
      expect((await desk.queue()).find((q) => q.handoffId === handoffId)).toMatchObject({ status: 'assigned', agentName: 'Sara' });
      expect(pushed.map((p) => p.reply.text)).toEqual(['Sara from our team has joined the chat.', 'Hello!']);
    });
  });

  describe('VIP personal shoppers', () => {
    it('matches a shopper by language, caps them at 15 VIPs, transfers, and routes the VIP to them while on duty', async () => {
      const arabic = await agent('Huda', { shopper: true, languages: ['ar'], onDuty: true });
      const english = await agent('Emma', { shopper: true, languages: ['en'] });
      await agent('Team', { onDuty: true });
      const vip = await createMember(deps, brandId, { tierCode: 'platinum' });
      await handle.db.update(schema.customers).set({ language: 'ar' }).where(eq(schema.customers.id, vip.customerId));
      const regular = await createMember(deps, brandId, { tierCode: 'gold' });
      const actor = { type: 'staff' as const, id: 'admin' };
      expect(await assignPersonalShopper(deps, { brandId, customerId: regular.customerId, actor })).toEqual({ status: 'not_vip', tier: 'gold' });
      expect(await assignPersonalShopper(deps, { brandId, customerId: vip.customerId, actor })).toEqual({ status: 'assigned', agentId: arabic, transferredFrom: null });

      const viaShopper = await customerAsking({ customerId: vip.customerId });
      expect(viaShopper.result).toMatchObject({ status: 'assigned', agentId: arabic, personalShopper: true });
      await desk.handBack({ agentId: arabic, handoffId: viaShopper.handoffId });
      // Off duty: the team gets the request.
      await handle.db.update(schema.agents).set({ onDuty: false }).where(eq(schema.agents.id, arabic));
      const viaTeam = await customerAsking({ customerId: vip.customerId });
      expect(viaTeam.result).toMatchObject({ status: 'assigned', personalShopper: false });
      expect(viaTeam.result.status === 'assigned' && viaTeam.result.agentId).not.toBe(arabic);

      expect(await assignPersonalShopper(deps, { brandId, customerId: vip.customerId, agentId: english, actor })).toEqual({ status: 'assigned', agentId: english, transferredFrom: arabic });
      for (let i = 1; i < MAX_VIPS_PER_SHOPPER; i++) {
        const other = await createMember(deps, brandId, { tierCode: 'platinum' });
        expect((await assignPersonalShopper(deps, { brandId, customerId: other.customerId, agentId: english, actor })).status).toBe('assigned');
      }
      const sixteenth = await createMember(deps, brandId, { tierCode: 'platinum' });
      expect(await assignPersonalShopper(deps, { brandId, customerId: sixteenth.customerId, agentId: english, actor })).toEqual({ status: 'shopper_full', agentId: english });
      const transfers = await handle.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'personal_shopper.transferred'));
      expect(transfers).toHaveLength(1);
    });
  });
});
