// The real app with the WhatsApp channel, against a fake Graph API on 127.0.0.1: signed webhook deliveries shaped
// like Meta's examples drive a customer through enrollment, balance and a reward redemption; forged, replayed,
// oversized and unknown deliveries change nothing; statuses and the 24-hour window are stored on the outbound message.
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappChannelModule } from '../../adapters/channels/whatsapp/index.js';
import { signBody } from '../../adapters/channels/whatsapp/whatsapp.signature.js';
import { waMessage, waStatus, webhookBody } from '../../adapters/channels/whatsapp/whatsapp.test-support.js';
import { postLedgerEntry } from '../../core/loyalty/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { startFakeWhatsAppGraph, type FakeWhatsAppGraph, type GraphCall } from '../fakes/whatsapp-graph.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

const APP_SECRET = 'wa-app-secret-0123456789';
const VERIFY_TOKEN = 'wa-verify-token';
const VOUCHER = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}/;

type Interactive = { type: string; body: { text: string }; action: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> } };
const textOf = (c: GraphCall): string => {
  const b = c.body as { type: string; text?: { body: string }; interactive?: Interactive };
  return b.type === 'text' ? b.text!.body : b.type === 'interactive' ? b.interactive!.body.text : '';
};
const idsOf = (c: GraphCall | undefined): string[] => {
  const i = (c?.body as { interactive?: Interactive } | undefined)?.interactive;
  return [...(i?.action.buttons?.map((b) => b.reply.id) ?? []), ...(i?.action.sections?.flatMap((s) => s.rows.map((r) => r.id)) ?? [])];
};

describe.each(testDbKinds)('WhatsApp on %s', (kind) => {
  let graph: FakeWhatsAppGraph;
  let t: TestApp;
  let nextUser = 971500000100;

  beforeAll(async () => {
    graph = await startFakeWhatsAppGraph({ approvedTemplates: ['reopen_chat/en_US'] });
    t = await startTestApp(
      kind,
      {
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_ACCESS_TOKEN: graph.accessToken,
        WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
        WHATSAPP_GRAPH_API_URL: graph.url,
        WHATSAPP_TEMPLATES: JSON.stringify({ en: { name: 'reopen_chat', language: 'en_US' } }),
      },
      { channels: [whatsappChannelModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
  });

  const webhook = () => `${t.app.url}/whatsapp/webhook`;
  const post = (body: string, signature: string | null = signBody(body, APP_SECRET)) =>
    fetch(webhook(), { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body });
  const tableCounts = async () => ({
    events: (await t.app.db.db.select({ n: count() }).from(schema.inboundEvents))[0]!.n,
    messages: (await t.app.db.db.select({ n: count() }).from(schema.messages))[0]!.n,
  });

  /** Posts one signed message and waits for `n` more messages from the bot to this customer. */
  async function exchange(from: string, type: string, content: Record<string, unknown>, n = 1, at?: Date): Promise<GraphCall[]> {
    const before = graph.messagesTo(from).length;
    const res = await post(JSON.stringify(webhookBody({ messages: [waMessage(from, type, content, at ? { at } : {})], name: 'Karim' })));
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
    return (await graph.waitForMessages(from, before + n)).slice(before);
  }
  const say = (from: string, text: string, n = 1) => exchange(from, 'text', { text: { body: text } }, n);
  const pressButton = (from: string, id: string, n = 1) => exchange(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id, title: id } } }, n);
  const pickRow = (from: string, id: string, n = 1) => exchange(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id, title: id } } }, n);

  it('answers Meta’s verification handshake only with the right token', async () => {
    const ok = await fetch(`${webhook()}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${webhook()}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444`)).status).toBe(403);
    expect((await fetch(`${webhook()}?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
  });

  it('greets, enrolls with buttons and a list, shows the balance, and redeems a reward for a voucher', async () => {
    const wa = String(nextUser++);
    const greeting = await say(wa, 'hi');
    expect(idsOf(greeting.at(-1))).toContain('intent:enroll');
    expect(graph.readReceipts().length).toBeGreaterThan(0);

    const intro = await pickRow(wa, 'intent:enroll', 2);
    expect(intro.map(textOf).join('\n')).toMatch(/full name/);
    expect(textOf((await say(wa, 'Karim Nasser'))[0]!)).toMatch(/date of birth/);
    // WhatsApp vouches for the sender's number, so the sign-up does not ask for it.
    const terms = await say(wa, '1990-03-12');
    expect(terms.map(textOf).join('\n')).not.toMatch(/mobile number/);
    expect(textOf(terms.at(-1)!)).toMatch(/terms/);
    const marketing = await pressButton(wa, 'form:yes');
    expect(idsOf(marketing[0])).toEqual(['form:yes', 'form:no']);
    expect((await pressButton(wa, 'form:no', 2)).map(textOf).join('\n')).toMatch(/Welcome to the club, Karim Nasser/);
    expect(textOf((await say(wa, 'my points'))[0]!)).toMatch(/You have 0 points/);

    const [identity] = await t.app.db.db.select().from(schema.channelIdentities).where(and(eq(schema.channelIdentities.channel, 'whatsapp'), eq(schema.channelIdentities.externalId, wa)));
    const [account] = await t.app.db.db.select().from(schema.loyaltyAccounts).where(eq(schema.loyaltyAccounts.customerId, identity!.customerId));
    const deps = { db: t.app.db.db, clock: systemClock, log: silentLog };
    expect((await postLedgerEntry(deps, { accountId: account!.id, kind: 'earn', points: 1000, idempotencyKey: `wa-test-${wa}` })).status).toBe('posted');

    const [list] = await say(wa, 'rewards');
    expect(textOf(list!)).toMatch(/You have 1,000 points/);
    const [drink] = await t.app.db.db.select().from(schema.rewards).where(and(eq(schema.rewards.brandId, 'demo'), eq(schema.rewards.code, 'FREE-DRINK')));
    expect(idsOf(list)).toContain(`reward:${drink!.id}`);
    const pick = idsOf(list).length <= 3 ? pressButton : pickRow;
    const [confirm] = await pick(wa, `reward:${drink!.id}`);
    expect(textOf(confirm!)).toMatch(/Redeem “Free regular drink” for 500 points\?/);
    expect(idsOf(confirm)).toEqual(['form:yes', 'form:no']);
    const [voucher] = await pressButton(wa, 'form:yes');
    const text = textOf(voucher!);
    expect(text).toMatch(/Here is your voucher for Free regular drink/);
    const code = VOUCHER.exec(text)![0];
    expect((await t.app.db.db.select().from(schema.vouchers).where(eq(schema.vouchers.code, code)))[0]?.status).toBe('active');

    // Every reply of the conversation is stored as sent, with the wamid WhatsApp gave it.
    const out = await t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.channel, 'whatsapp'), eq(schema.messages.direction, 'out')));
    const sentIds = new Set(graph.messagesTo(wa).map((c) => c.wamid));
    const mine = out.filter((m) => m.platformMessageId !== null && sentIds.has(m.platformMessageId));
    expect(mine.length).toBeGreaterThanOrEqual(10);
    expect(mine.every((m) => m.status === 'sent')).toBe(true);
  });

  it('refuses a forged or missing signature with 401 and stores nothing', async () => {
    const before = await tableCounts();
    const body = JSON.stringify(webhookBody({ messages: [waMessage(String(nextUser++), 'text', { text: { body: 'hi' } })] }));
    expect((await post(body, signBody(body, 'not-the-secret'))).status).toBe(401);
    expect((await post(body, null)).status).toBe(401);
    expect((await post(`${body} `, signBody(body, APP_SECRET))).status).toBe(401);
    await t.app.inbox.drain();
    expect(await tableCounts()).toEqual(before);
  });

  it('processes a redelivered message once', async () => {
    const wa = String(nextUser++);
    const body = JSON.stringify(webhookBody({ messages: [waMessage(wa, 'text', { text: { body: 'hello' } })] }));
    expect((await post(body)).status).toBe(200);
    await t.app.inbox.drain();
    const sent = (await graph.waitForMessages(wa, 1)).length;
    const after = await tableCounts();
    expect((await post(body)).status).toBe(200);
    await t.app.inbox.drain();
    expect(await tableCounts()).toEqual(after);
    expect(graph.messagesTo(wa)).toHaveLength(sent);
  });

  it('ignores unknown event types and shapes: 200, nothing stored, nothing sent', async () => {
    const before = await tableCounts();
    const calls = graph.calls.length;
    const wa = String(nextUser++);
    for (const body of [
      webhookBody({ field: 'account_update' }),
      webhookBody({ messages: [waMessage(wa, 'reaction', { reaction: { message_id: 'wamid.X', emoji: '👍' } })] }),
      webhookBody({ messages: [waMessage(wa, 'text', { text: { body: 'for another number' } })], phoneNumberId: '999' }),
      { object: 'page', entry: [] },
    ]) {
      expect((await post(JSON.stringify(body))).status).toBe(200);
    }
    await t.app.inbox.drain();
    const after = await tableCounts();
    // The reaction is stored (deduped) but produces no message and no call.
    expect(after.messages).toBe(before.messages);
    expect(after.events - before.events).toBe(1);
    expect(graph.calls.length).toBe(calls);
  });

  it('refuses malformed and oversized bodies', async () => {
    const before = await tableCounts();
    const bad = await post('{"object": "whatsapp_business_account", "entry": [');
    expect(bad.status).toBe(400);
    expect((await post(JSON.stringify({ hello: 'world' }))).status).toBe(400);
    const huge = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(1024 * 1024) });
    expect((await post(huge)).status).toBe(413);
    expect(await tableCounts()).toEqual(before);
  });

  it('stores a failed delivery status (outside the window) on the outbound message', async () => {
    const wa = String(nextUser++);
    const [sent] = await say(wa, 'hello');
    const stored = async () => (await t.app.db.db.select().from(schema.messages).where(eq(schema.messages.platformMessageId, sent!.wamid!)))[0];
    expect((await stored())?.status).toBe('sent');
    const statuses = JSON.stringify(webhookBody({ statuses: [waStatus(sent!.wamid!, 'delivered', wa), waStatus(sent!.wamid!, 'failed', wa, 131047)] }));
    expect((await post(statuses)).status).toBe(200);
    expect((await post(statuses)).status).toBe(200); // a redelivery is deduped on status id + status
    await t.app.inbox.drain();
    expect(await stored()).toMatchObject({ status: 'failed', error: 'WINDOW_CLOSED' });
  });

  it('does not send free-form replies outside the 24-hour window: the approved template goes instead', async () => {
    const wa = String(nextUser++);
    const before = graph.messagesTo(wa).length;
    const late = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const body = JSON.stringify(webhookBody({ messages: [waMessage(wa, 'text', { text: { body: 'hello' } }, { at: late })] }));
    expect((await post(body)).status).toBe(200);
    await t.app.inbox.drain();
    const sent = graph.messagesTo(wa).slice(before);
    expect(sent.map((c) => c.body.type)).toEqual(['template']);
    expect(sent[0]?.body.template).toEqual({ name: 'reopen_chat', language: { code: 'en_US' } });
    const conversation = await t.app.db.db.select().from(schema.conversations).where(and(eq(schema.conversations.channel, 'whatsapp'), eq(schema.conversations.chatId, wa)));
    const out = await t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.conversationId, conversation[0]!.id), eq(schema.messages.direction, 'out')));
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((m) => m.status === 'failed' && m.error === 'WINDOW_CLOSED')).toBe(true);
  });
});
