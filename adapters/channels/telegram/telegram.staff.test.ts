// Staff replies with files (a chart as a photo, a CSV as a document, uploaded as multipart to the fake Bot API, in the
// same forum topic as the text), and a private `/join <code>` going to the staff side instead of the customer bot.
import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, StaffMessage } from '../../../core/conversation/message.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../../test/fakes/telegram-bot-api.js';
import { createTelegramChannel, type TelegramChannel } from './telegram.channel.js';
import { toPrivateStaffJoin } from './telegram.normalize.js';
import { customer, MemorySink, messageUpdate, reply, silentLogger, textUpdate } from './telegram.test-support.js';

const STAFF = '-1001234567890';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const CSV = new TextEncoder().encode('member,tier\nM1,gold\nM2,silver\n');

/** The file grammy uploaded for `field`: it sends `attach://<name>` and the file as the multipart part `<name>`. */
function uploaded(params: Record<string, unknown> | undefined, field: string): unknown {
  const value = params?.[field];
  const ref = typeof value === 'string' ? value : '';
  expect(ref).toMatch(/^attach:\/\//);
  return params?.[ref.slice('attach://'.length)];
}

function topicMessage(updateId: number, text: string): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId * 10,
      message_thread_id: 30,
      is_topic_message: true,
      date: 1_767_225_600,
      chat: { id: Number(STAFF), type: 'supergroup', title: 'Team', is_forum: true },
      from: { id: 555, is_bot: false, first_name: 'Mona' },
      text,
    },
  };
}

describe('Telegram staff replies and private /join', () => {
  let fake: FakeTelegramApi;
  let channel: TelegramChannel;
  let sink: MemorySink;
  let staffSeen: StaffMessage[];
  let answer: Reply[];

  beforeEach(async () => {
    fake = await startFakeTelegramApi();
    sink = new MemorySink(() => [reply('customer side')]);
    staffSeen = [];
    answer = [];
    channel = createTelegramChannel({
      token: fake.token,
      apiRoot: fake.url,
      sink,
      staffSink: {
        handle: (msg) => {
          staffSeen.push(msg);
          return Promise.resolve(answer);
        },
      },
      staffChats: [STAFF],
      log: silentLogger,
      botInfo: fake.botInfo,
    });
  });
  afterEach(() => fake.close());

  it('sends the text, then a PNG as a photo, in the same topic', async () => {
    answer = [{ text: 'Stats, last 7 days\nNew members: 12', dir: 'ltr', attachment: { fileName: 'stats 7d.png', mimeType: 'image/png', data: PNG } }];
    await channel.handleUpdate(topicMessage(1, '/stats 7d'));
    const order = fake.calls.filter((c) => c.method.startsWith('send')).map((c) => c.method);
    expect(order).toEqual(['sendMessage', 'sendPhoto']);
    expect(fake.callsTo('sendMessage')[0]?.params).toMatchObject({ chat_id: STAFF, text: 'Stats, last 7 days\nNew members: 12', message_thread_id: 30 });
    // Uploaded as multipart: the fake saw a file part with its name and size, not a URL or file id.
    const photo = fake.callsTo('sendPhoto')[0]?.params;
    expect(photo).toMatchObject({ chat_id: Number(STAFF), message_thread_id: 30 });
    expect(uploaded(photo, 'photo')).toEqual({ filename: 'stats_7d.png', size: PNG.length });
  });

  it('sends a CSV as a document', async () => {
    answer = [{ text: 'Segment lapsed: 2 members', dir: 'ltr', attachment: { fileName: 'lapsed.csv', mimeType: 'text/csv', data: CSV } }];
    await channel.handleUpdate(topicMessage(2, '/segment export lapsed'));
    const doc = fake.callsTo('sendDocument')[0]?.params;
    expect(doc).toMatchObject({ chat_id: Number(STAFF), message_thread_id: 30 });
    expect(uploaded(doc, 'document')).toEqual({ filename: 'lapsed.csv', size: CSV.length });
    expect(fake.callsTo('sendPhoto')).toEqual([]);
  });

  it('sends a private /join to the staff side, in that private chat, and nothing to the customer bot', async () => {
    answer = [reply('Welcome to the team, Lina. Your role: store manager.')];
    await channel.handleUpdate(textUpdate(3, '/join K7Q-2MX9'));
    await channel.handleUpdate(textUpdate(4, `/join@${fake.botInfo.username} ZZ-TOP`));
    expect(staffSeen).toMatchObject([
      { channel: 'telegram', workspaceId: String(customer.id), senderId: String(customer.id), text: '/join K7Q-2MX9', platformMessageId: 'upd:3' },
      { workspaceId: String(customer.id), text: `/join@${fake.botInfo.username} ZZ-TOP` },
    ]);
    expect(staffSeen[0]).not.toHaveProperty('threadId');
    expect(sink.received).toEqual([]);
    expect(fake.callsTo('sendMessage').map((c) => [c.params.chat_id, c.params.text])).toEqual([
      [String(customer.id), 'Welcome to the team, Lina. Your role: store manager.'],
      [String(customer.id), 'Welcome to the team, Lina. Your role: store manager.'],
    ]);
  });

  it('keeps other private messages, and /join for another bot, on the customer side', async () => {
    await channel.handleUpdate(textUpdate(5, 'join the club please'));
    await channel.handleUpdate(textUpdate(6, '/join@some_other_bot ABC'));
    await channel.handleUpdate(textUpdate(7, '/joinus'));
    expect(staffSeen).toEqual([]);
    expect(sink.processed.map((m) => m.text)).toEqual(['join the club please', '/join@some_other_bot ABC', '/joinus']);
  });
});

describe('toPrivateStaffJoin', () => {
  it('takes /join with or without a code and with this bot name only, in private chats only', () => {
    expect(toPrivateStaffJoin(textUpdate(1, '/join'))).toMatchObject({ text: '/join' });
    expect(toPrivateStaffJoin(textUpdate(1, '  /JOIN abc  '), 'test_crm_bot')).toMatchObject({ text: '  /JOIN abc  ' });
    expect(toPrivateStaffJoin(textUpdate(1, '/join@Test_CRM_Bot abc'), 'test_crm_bot')).not.toBeNull();
    expect(toPrivateStaffJoin(textUpdate(1, '/join@other abc'), 'test_crm_bot')).toBeNull();
    expect(toPrivateStaffJoin(textUpdate(1, '/joined'))).toBeNull();
    expect(toPrivateStaffJoin(messageUpdate(1, { caption: '/join abc' }))).toBeNull();
    const group = messageUpdate(1, { text: '/join abc' });
    (group.message as { chat: unknown }).chat = { id: -5, type: 'group', title: 'Some group' };
    expect(toPrivateStaffJoin(group)).toBeNull();
  });
});
