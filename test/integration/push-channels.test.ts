// The real app with LINE, WhatsApp (Cloud API), WeChat and Telegram against their fakes on 127.0.0.1: messages sent
// outside a turn (an agent's reply, a CSAT question) through each running channel's `push`, posts in the staff team
// chats through `postToTeam`, and the web chat's history ids the page polls with. The customer-service windows count
// from the customer's last message as stored in the database, so time is moved with the app's clock.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInstance } from '../../adapters/channels/channel-module.js';
import { lineChannelModule } from '../../adapters/channels/line/index.js';
import { lineUserId } from '../../adapters/channels/line/line.test-support.js';
import { wechatChannelModule } from '../../adapters/channels/wechat/index.js';
import { signedQuery, TEST_TOKEN, textXml } from '../../adapters/channels/wechat/wechat.test-support.js';
import { whatsappChannelModule } from '../../adapters/channels/whatsapp/index.js';
import { signBody } from '../../adapters/channels/whatsapp/whatsapp.signature.js';
import { waMessage, webhookBody } from '../../adapters/channels/whatsapp/whatsapp.test-support.js';
import { recordOutbound, type Reply } from '../../core/conversation/index.js';
import { ManualClock, silentLog } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { startFakeLineApi, type FakeLineApi } from '../fakes/line-api.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-bot-api.js';
import { startFakeWechatApi, type FakeWechatApi } from '../fakes/wechat-api.js';
import { startFakeWhatsAppGraph, type FakeWhatsAppGraph } from '../fakes/whatsapp-graph.js';
import { startTestApp, WebChatClient, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

const LINE_SECRET = 'a3f1c0de5b7e4d2a9c8b6f1e0d3c2b1a';
const LINE_STAFF = `C${'7'.repeat(32)}`;
const WA_SECRET = 'wa-app-secret-0123456789';
const TG_STAFF = ['-1001111111111', '-1002222222222'];
const HOUR = 3600_000;
const csat: Reply = {
  text: 'How did we do? Tap 1 (poor) to 5 (great).',
  dir: 'ltr',
  buttons: ['1', '2', '3', '4', '5'].map((n) => ({ label: n, payload: `csat:77:${n}` })),
};
const agentText: Reply = { text: 'Hi, Sam from the store here: the oud is back in stock.', dir: 'ltr' };

describe.each(testDbKinds)('pushes and team posts on %s', (kind) => {
  let line: FakeLineApi;
  let graph: FakeWhatsAppGraph;
  let wechat: FakeWechatApi;
  let telegram: FakeTelegramApi;
  let clock: ManualClock;
  let t: TestApp;

  beforeAll(async () => {
    [line, graph, wechat, telegram] = await Promise.all([
      startFakeLineApi(),
      startFakeWhatsAppGraph({ approvedTemplates: ['reopen_chat/en_US'] }),
      startFakeWechatApi(),
      startFakeTelegramApi({ longPollCapMs: 200 }),
    ]);
    clock = new ManualClock(new Date());
    t = await startTestApp(
      kind,
      {
        LINE_CHANNEL_SECRET: LINE_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: line.token,
        LINE_API_BASE_URL: line.url,
        LINE_STAFF_GROUP_IDS: LINE_STAFF,
        WHATSAPP_APP_SECRET: WA_SECRET,
        WHATSAPP_VERIFY_TOKEN: 'wa-verify-token',
        WHATSAPP_ACCESS_TOKEN: graph.accessToken,
        WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
        WHATSAPP_GRAPH_API_URL: graph.url,
        WHATSAPP_TEMPLATES: JSON.stringify({ en: { name: 'reopen_chat', language: 'en_US' } }),
        WECHAT_TOKEN: TEST_TOKEN,
        WECHAT_APP_ID: wechat.appId,
        WECHAT_APP_SECRET: wechat.appSecret,
        WECHAT_API_BASE_URL: wechat.url,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.url,
        TELEGRAM_STAFF_CHAT_IDS: TG_STAFF.join(','),
      },
      { channels: [lineChannelModule, whatsappChannelModule, wechatChannelModule], clock },
    );
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([line?.close(), graph?.close(), wechat?.close(), telegram?.close()]);
  });

  const channel = (name: string): ChannelInstance => {
    const found = t.app.channels.find((c) => c.name === name);
    if (!found?.push) throw new Error(`channel ${name} has no push`);
    return found;
  };
  /** A WhatsApp customer writes to the bot (opening the 24-hour window) and the turn is processed. */
  const whatsappSays = async (waId: string, text: string) => {
    const body = JSON.stringify(webhookBody({ messages: [waMessage(waId, 'text', { text: { body: text } }, { at: clock.now() })], name: 'Karim' }));
    const res = await fetch(`${t.app.url}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, WA_SECRET) }, body });
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
  };
  const wechatSays = async (openid: string, text: string) => {
    const res = await fetch(`${t.app.url}/wechat/webhook?${signedQuery({ timestamp: Math.floor(clock.now().getTime() / 1000) })}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: textXml(openid, String(BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000))), text, Math.floor(clock.now().getTime() / 1000)),
    });
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
  };

  it('LINE: pushes a CSAT question with quick replies, and posts in the staff group with LINE’s message ids', async () => {
    const user = lineUserId();
    const result = await channel('line').push!(user, csat);
    expect(result).toMatchObject({ status: 'sent', platformMessageId: expect.stringMatching(/^\d+$/) as unknown });
    const [sent] = line.messagesTo(user) as Array<{ text: string; quickReply: { items: Array<{ action: { data: string } }> } }>;
    expect(sent?.text).toBe(csat.text);
    expect(sent?.quickReply.items.map((i) => i.action.data)).toEqual(csat.buttons!.map((b) => b.payload));

    const posts = await channel('line').postToTeam!('#1 Karim asks for a person');
    expect(posts).toEqual([{ channel: 'line', workspaceId: LINE_STAFF, messageId: expect.stringMatching(/^\d+$/) as unknown }]);
    expect(line.messagesTo(LINE_STAFF)).toEqual([{ type: 'text', text: '#1 Karim asks for a person' }]);
  });

  it('Telegram: pushes with an inline keyboard, posts in every staff chat and replies in a thread', async () => {
    const result = await t.app.telegram!.push('5151', csat);
    expect(result).toMatchObject({ status: 'sent' });
    const toCustomer = telegram.callsTo('sendMessage').find((c) => String(c.params.chat_id) === '5151');
    expect(toCustomer?.params.reply_markup).toMatchObject({ inline_keyboard: expect.arrayContaining([expect.arrayContaining([{ text: '1', callback_data: 'csat:77:1' }])]) as unknown });

    const posts = await t.app.telegram!.postToTeam('#2 waiting for an agent');
    expect(posts.map((p) => p.workspaceId)).toEqual(TG_STAFF);
    const reply = await t.app.telegram!.postToTeam('#2 taken by Sam', { replyTo: posts[1]! });
    expect(reply).toEqual([{ channel: 'telegram', workspaceId: TG_STAFF[1], messageId: expect.stringMatching(/^\d+$/) as unknown }]);
    const threaded = telegram.callsTo('sendMessage').at(-1);
    expect(threaded?.params).toMatchObject({ chat_id: TG_STAFF[1], reply_parameters: { message_id: Number(posts[1]!.messageId), allow_sending_without_reply: true } });
  });

  it('WhatsApp: inside the 24-hour window of the stored last message, pushes the reply itself', async () => {
    const waId = '971500000901';
    await whatsappSays(waId, 'hello');
    const before = graph.messagesTo(waId).length;
    const result = await channel('whatsapp').push!(waId, csat);
    const sent = graph.messagesTo(waId).slice(before);
    expect(sent.map((c) => c.body.type)).toEqual(['interactive']);
    expect(result).toEqual({ status: 'sent', platformMessageId: sent[0]!.wamid });
  });

  it('WhatsApp: to someone who never wrote, sends the re-engagement template and never the free text', async () => {
    const waId = '971500000902';
    expect(await channel('whatsapp').push!(waId, agentText)).toEqual({ status: 'window_closed', template: true });
    expect(graph.messagesTo(waId).map((c) => c.body.type)).toEqual(['template']);
  });

  it('WhatsApp: a blocked customer is failed BLOCKED_BY_USER and marked unreachable', async () => {
    const waId = '971500000903';
    await whatsappSays(waId, 'hello');
    graph.block(waId);
    expect(await channel('whatsapp').push!(waId, agentText)).toEqual({ status: 'failed', code: 'BLOCKED_BY_USER' });
    const [identity] = await t.app.db.db
      .select({ unreachableAt: schema.channelIdentities.unreachableAt })
      .from(schema.channelIdentities)
      .where(and(eq(schema.channelIdentities.channel, 'whatsapp'), eq(schema.channelIdentities.externalId, waId)));
    expect(identity?.unreachableAt).toBeInstanceOf(Date);
  });

  it('WeChat: pushes numbered options, and the customer’s typed number reaches the bot as the button’s payload', async () => {
    const openid = `oWx${randomUUID().replaceAll('-', '').slice(0, 25)}`;
    await wechatSays(openid, 'hello');
    const before = wechat.sentTo(openid).length;
    expect(await channel('wechat').push!(openid, csat)).toEqual({ status: 'sent' });
    expect(wechat.sentTo(openid).slice(before).map((s) => s.content)).toEqual([`${csat.text}\n\n1 · 2 · 3 · 4 · 5`]);
    await wechatSays(openid, '4');
    const inbound = await t.app.db.db
      .select({ body: schema.messages.body })
      .from(schema.messages)
      .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
      .where(and(eq(schema.conversations.chatId, openid), eq(schema.messages.direction, 'in')));
    expect(inbound.map((m) => m.body.payload)).toContain('csat:77:4');
  });

  it('web chat: replies and history items carry the stored message id, and a message stored outside a turn shows up in the history', async () => {
    const web = new WebChatClient(() => t.app);
    const res = await web.post({ text: 'hello' });
    const replies = (res.body as { replies: Array<{ id?: string }> }).replies;
    expect(replies.length).toBeGreaterThan(0);
    const history = async () =>
      ((await (await fetch(`${t.app.url}/api/webchat/history?sessionId=${web.sessionId}`)).json()) as { messages: Array<{ id: string; direction: string; text: string; buttons?: unknown }> }).messages;
    const first = await history();
    expect(first.every((m) => typeof m.id === 'string' && m.id.length > 0)).toBe(true);
    expect(first.filter((m) => m.direction === 'out').map((m) => m.id)).toEqual(replies.map((r) => r.id));

    const [conversation] = await t.app.db.db.select({ id: schema.conversations.id }).from(schema.conversations).where(eq(schema.conversations.chatId, web.sessionId));
    const [inbound] = await t.app.db.db.select({ id: schema.messages.id }).from(schema.messages).where(and(eq(schema.messages.conversationId, conversation!.id), eq(schema.messages.direction, 'in')));
    clock.advance(1000);
    const [pushed] = await recordOutbound({ db: t.app.db.db, clock, log: silentLog }, { brandId: t.config.BRAND_ID, conversationId: conversation!.id, channel: 'web', inReplyTo: inbound!.id, replies: [csat] });
    const second = await history();
    expect(second.slice(0, first.length).map((m) => m.id)).toEqual(first.map((m) => m.id));
    expect(second.at(-1)).toMatchObject({ id: pushed!.id, direction: 'out', text: csat.text, buttons: csat.buttons });
  });

  // Last: moves the app's clock a day on, which closes every window opened above.
  it('after a day, WhatsApp sends the template instead and WeChat (after 48 hours) sends nothing', async () => {
    const waId = '971500000904';
    await whatsappSays(waId, 'hello');
    const openid = `oWx${randomUUID().replaceAll('-', '').slice(0, 25)}`;
    await wechatSays(openid, 'hello');
    clock.advance(25 * HOUR);
    const before = graph.messagesTo(waId).length;
    expect(await channel('whatsapp').push!(waId, csat)).toEqual({ status: 'window_closed', template: true });
    expect(graph.messagesTo(waId).slice(before).map((c) => c.body.type)).toEqual(['template']);

    clock.advance(24 * HOUR);
    const sentBefore = wechat.sentTo(openid).length;
    expect(await channel('wechat').push!(openid, csat)).toEqual({ status: 'window_closed', template: false });
    expect(wechat.sentTo(openid)).toHaveLength(sentBefore);
  });
});
