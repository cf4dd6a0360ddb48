// Sends outside a turn (push), staff team-chat posts and thread replies, with the real grammY client against the fake
// Bot API; and replies in staff chats read as threads.
import type { Message, Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_API_ERRORS, startFakeTelegramApi, type FakeTelegramApi } from '../../../test/fakes/telegram-bot-api.js';
import { createTelegramChannel, type TelegramChannel } from './telegram.channel.js';
import { toStaffMessage } from './telegram.normalize.js';
import { captureLogger, customer, MemorySink, reply } from './telegram.test-support.js';

const STAFF_A = '-1001234567890';
const STAFF_B = '-1009876543210';
const nps = reply('How likely are you to recommend us? 0 = not at all, 10 = very likely', {
  buttons: Array.from({ length: 11 }, (_, n) => ({ label: String(n), payload: `nps:${n}` })),
});

describe('Telegram push and team posts against the fake Bot API', () => {
  let fake: FakeTelegramApi;
  let channel: TelegramChannel;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    fake = await startFakeTelegramApi();
    logs = captureLogger();
    channel = createTelegramChannel({
      token: fake.token,
      apiRoot: fake.url,
      sink: new MemorySink(),
      staffSink: { handle: () => Promise.resolve([]) },
      staffChats: [STAFF_A, STAFF_B],
      log: logs.log,
      botInfo: fake.botInfo,
    });
  });
  afterEach(() => fake.close());

  it('pushes a reply with its buttons as an inline keyboard and returns the message id', async () => {
    const result = await channel.push('4242', nps);
    const [sent] = fake.callsTo('sendMessage');
    expect(sent?.params.chat_id).toBe('4242');
    expect(sent?.params.text).toBe(nps.text);
    const keyboard = (sent?.params.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard;
    expect(keyboard.flat().map((b) => b.callback_data)).toEqual(nps.buttons!.map((b) => b.payload));
    expect(result).toEqual({ status: 'sent', platformMessageId: '1' });
  });

  it('uploads a QR image as a photo, as turn replies do', async () => {
    const result = await channel.push('4242', reply('Your voucher: K7Q4-X9MD-2P', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR code' } }));
    const [photo] = fake.callsTo('sendPhoto');
    expect(photo?.params).toMatchObject({ chat_id: 4242, caption: 'Your voucher: K7Q4-X9MD-2P', photo: expect.stringMatching(/^attach:\/\//) as unknown });
    expect(result).toMatchObject({ status: 'sent' });
  });

  it('returns failed BLOCKED_BY_USER for a customer who blocked the bot, logging no text', async () => {
    fake.failChat('4242', BOT_API_ERRORS.blockedByUser);
    const result = await channel.push('4242', reply('Agent: call me on +971501234567'));
    expect(result).toEqual({ status: 'failed', code: 'BLOCKED_BY_USER' });
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'telegram delivery failed', code: 'BLOCKED_BY_USER' }));
    expect(logs.text()).not.toMatch(/501234567|call me/);
  });

  it('returns failed UNKNOWN for a reply Telegram would reject, without calling it', async () => {
    expect(await channel.push('4242', reply('bad', { buttons: [{ label: 'x', payload: 'p'.repeat(65) }] }))).toEqual({ status: 'failed', code: 'UNKNOWN' });
    expect(fake.callsTo('sendMessage')).toHaveLength(0);
  });

  it('posts plain text in every staff chat and returns the posts', async () => {
    const posts = await channel.postToTeam('#12 Lina asks for a person');
    expect(fake.callsTo('sendMessage').map((c) => c.params)).toEqual([
      { chat_id: STAFF_A, text: '#12 Lina asks for a person' },
      { chat_id: STAFF_B, text: '#12 Lina asks for a person' },
    ]);
    expect(posts).toEqual([
      { channel: 'telegram', workspaceId: STAFF_A, messageId: '1' },
      { channel: 'telegram', workspaceId: STAFF_B, messageId: '2' },
    ]);
  });

  it('replies to a given message in its chat only, sending even if that message is gone', async () => {
    const [alert] = await channel.postToTeam('#12 waiting');
    fake.clearCalls();
    const posts = await channel.postToTeam('#12 taken by Sam', { replyTo: alert! });
    const [call] = fake.callsTo('sendMessage');
    expect(call?.params).toEqual({ chat_id: STAFF_A, text: '#12 taken by Sam', reply_parameters: { message_id: Number(alert!.messageId), allow_sending_without_reply: true } });
    expect(posts).toEqual([{ channel: 'telegram', workspaceId: STAFF_A, messageId: '3' }]);

    // A deleted message: Telegram refuses unless allowed to send without it, which we always are.
    const gone = await channel.postToTeam('#12 still here', { replyTo: { channel: 'telegram', workspaceId: STAFF_B, messageId: '999' } });
    expect(gone).toEqual([{ channel: 'telegram', workspaceId: STAFF_B, messageId: '4' }]);
    // Threads of another channel or of a chat that is not a staff chat get nothing.
    expect(await channel.postToTeam('x', { replyTo: { channel: 'line', workspaceId: STAFF_A, messageId: '1' } })).toEqual([]);
    expect(await channel.postToTeam('x', { replyTo: { channel: 'telegram', workspaceId: '-100555', messageId: '1' } })).toEqual([]);
    expect(fake.callsTo('sendMessage')).toHaveLength(2);
  });

  it('skips a staff chat whose post fails, logging its code only, and posts in the others', async () => {
    fake.failChat(STAFF_A, BOT_API_ERRORS.kickedFromGroup);
    const posts = await channel.postToTeam('#13 secret customer words');
    expect(posts.map((p) => p.workspaceId)).toEqual([STAFF_B]);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'telegram team post failed', workspaceId: STAFF_A, code: 'BLOCKED_BY_USER' }));
    expect(logs.text()).not.toContain('secret customer words');
  });

  it('posts nothing without staff chats', async () => {
    const alone = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink: new MemorySink(), log: logs.log, botInfo: fake.botInfo });
    expect(await alone.postToTeam('hello')).toEqual([]);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('toStaffMessage threads', () => {
  const staff = new Set([STAFF_A]);
  const groupMessage = (fields: Partial<Message>): Update => ({
    update_id: 77,
    message: { message_id: 50, date: 1_767_225_600, chat: { id: Number(STAFF_A), type: 'supergroup', title: 'Team' }, from: customer, text: 'On it', ...fields } as NonNullable<Update['message']>,
  });
  const botMessage = (id: number) => ({ message_id: id, date: 1, chat: { id: Number(STAFF_A), type: 'supergroup' as const, title: 'Team' }, text: '#12 waiting' });

  it('reads a reply to a message as replyToMessageId', () => {
    expect(toStaffMessage(groupMessage({ reply_to_message: botMessage(41) as Message['reply_to_message'] }), staff)).toMatchObject({ workspaceId: STAFF_A, replyToMessageId: '41', platformMessageId: 'upd:77' });
  });

  it('has none for a plain message', () => {
    expect(toStaffMessage(groupMessage({}), staff)).not.toHaveProperty('replyToMessageId');
  });

  it('ignores the implicit reply to a forum topic’s creation message, but keeps a real reply inside a topic', () => {
    const implicit = groupMessage({ is_topic_message: true, message_thread_id: 30, reply_to_message: botMessage(30) as Message['reply_to_message'] });
    expect(toStaffMessage(implicit, staff)).toMatchObject({ threadId: '30' });
    expect(toStaffMessage(implicit, staff)).not.toHaveProperty('replyToMessageId');
    const real = groupMessage({ is_topic_message: true, message_thread_id: 30, reply_to_message: botMessage(41) as Message['reply_to_message'] });
    expect(toStaffMessage(real, staff)).toMatchObject({ threadId: '30', replyToMessageId: '41' });
  });
});
