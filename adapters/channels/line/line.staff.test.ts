// LINE staff replies with files (an image message at a link, a CSV as a link, a console notice without links; more
// than five messages split into reply + push) and a 1:1 `/join <code>` going to the staff side, against the fake API.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, ReplyAttachment, StaffMessage } from '../../../core/conversation/message.js';
import { startFakeLineApi, type FakeLineApi } from '../../../test/fakes/line-api.js';
import { createLineChannel, type LineChannelOptions } from './line.channel.js';
import { lineUserId, MemoryInbox, MemorySink, reply, signedHeaders, silentLogger, textEvent, webhookBody } from './line.test-support.js';

const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
const GROUP = `C${'a1'.repeat(16)}`;
const PNG: ReplyAttachment = { fileName: 'stats.png', mimeType: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) };
const CSV: ReplyAttachment = { fileName: 'lapsed.csv', mimeType: 'text/csv', data: new TextEncoder().encode('a,b\n1,2\n') };

describe('LINE staff replies with files, and a private /join', () => {
  let api: FakeLineApi;
  let app: FastifyInstance | undefined;
  let inbox: MemoryInbox;
  let sink: MemorySink;
  let staffSeen: StaffMessage[];
  let answer: Reply[];
  let linked: ReplyAttachment[];

  beforeEach(async () => {
    api = await startFakeLineApi();
    inbox = new MemoryInbox();
    sink = new MemorySink(() => [reply('customer side')]);
    staffSeen = [];
    answer = [];
    linked = [];
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await api.close();
  });

  const start = async (extra: Partial<LineChannelOptions> = {}) => {
    const channel = createLineChannel({
      config: { channelSecret: SECRET, accessToken: api.token, apiBaseUrl: api.url, staffGroupIds: [GROUP] },
      sink,
      inbox,
      log: silentLogger,
      staffSink: {
        handle: (msg) => {
          staffSeen.push(msg);
          return Promise.resolve(answer);
        },
      },
      ...extra,
    });
    app = Fastify({ logger: false });
    await app.register(channel.routes!);
    await app.ready();
  };
  const deliver = async (event: Record<string, unknown>) => {
    const body = webhookBody([event]);
    const res = await app!.inject({ method: 'POST', url: '/line/webhook', payload: body, headers: signedHeaders(SECRET, body) });
    expect(res.statusCode).toBe(200);
    await inbox.drain();
  };
  const groupText = (text: string) => {
    const staffer = lineUserId();
    return { ...textEvent(staffer, text, api.issueReplyToken(GROUP)), source: { type: 'group', groupId: GROUP, userId: staffer } };
  };
  const links = (url: string | null) => (file: ReplyAttachment) => {
    linked.push(file);
    return Promise.resolve(url);
  };

  it('sends a PNG as an image message at its HTTPS link, after the text', async () => {
    await start({ fileLinks: links('https://crm.example.com/files/tok123') });
    answer = [{ text: 'Stats, last 7 days', dir: 'ltr', attachment: PNG }];
    await deliver(groupText('/stats 7d'));
    expect(linked).toEqual([PNG]);
    expect(api.callsTo('reply')[0]?.body.messages).toEqual([
      { type: 'text', text: 'Stats, last 7 days' },
      { type: 'image', originalContentUrl: 'https://crm.example.com/files/tok123', previewImageUrl: 'https://crm.example.com/files/tok123' },
    ]);
    expect(staffSeen[0]).toMatchObject({ channel: 'line', workspaceId: GROUP, text: '/stats 7d' });
  });

  it('sends a CSV as a download link with its lifetime', async () => {
    await start({ fileLinks: links('https://crm.example.com/files/tok456') });
    answer = [{ text: 'Segment lapsed: 2 members', dir: 'ltr', attachment: CSV }];
    await deliver(groupText('/segment export lapsed'));
    expect(api.callsTo('reply')[0]?.body.messages).toEqual([
      { type: 'text', text: 'Segment lapsed: 2 members' },
      { type: 'text', text: 'lapsed.csv: https://crm.example.com/files/tok456\n(The link is valid for 60 minutes.)' },
    ]);
  });

  it('points to the console when there is no way to link the file', async () => {
    await start();
    answer = [{ text: 'Stats, last 7 days', dir: 'ltr', attachment: PNG }];
    await deliver(groupText('/stats 7d'));
    const texts = (api.callsTo('reply')[0]?.body.messages as Array<{ text: string }>).map((m) => m.text);
    expect(texts).toEqual(['Stats, last 7 days', "stats.png cannot be sent in LINE. Run the same command in the web console's command box to download it."]);

    // A link maker that has no link to give (no public address configured) gets the same notice.
    await app!.close();
    await start({ fileLinks: links(null) });
    await deliver(groupText('/stats 7d'));
    expect((api.callsTo('reply')[1]?.body.messages as Array<{ text: string }>)[1]?.text).toContain('web console');
  });

  it('sends more than five messages as a reply and then a push', async () => {
    await start({ fileLinks: links('https://crm.example.com/files/t') });
    answer = [...[1, 2, 3, 4, 5].map((n): Reply => ({ text: `part ${n}`, dir: 'ltr' })), { text: 'part 6', dir: 'ltr', attachment: PNG }];
    await deliver(groupText('/help'));
    expect((api.callsTo('reply')[0]?.body.messages as unknown[]).length).toBe(5);
    const push = api.callsTo('push')[0];
    expect(push?.body).toMatchObject({ to: GROUP, messages: [{ type: 'text', text: 'part 6' }, { type: 'image' }] });
  });

  it('sends a 1:1 /join to the staff side and answers in that chat; other 1:1 texts stay customer messages', async () => {
    await start();
    answer = [reply('Welcome to the team.')];
    const user = lineUserId();
    await deliver(textEvent(user, '/join K7Q-2MX9', api.issueReplyToken(user)));
    expect(staffSeen).toMatchObject([{ channel: 'line', workspaceId: user, senderId: user, text: '/join K7Q-2MX9' }]);
    expect(sink.received).toEqual([]);
    expect(api.messagesTo(user)).toEqual([{ type: 'text', text: 'Welcome to the team.' }]);

    await deliver(textEvent(user, '/joinme please', api.issueReplyToken(user)));
    await deliver(textEvent(user, 'how do I join?', api.issueReplyToken(user)));
    expect(staffSeen).toHaveLength(1);
    expect(sink.processed.map((m) => m.text)).toEqual(['/joinme please', 'how do I join?']);
  });
});
