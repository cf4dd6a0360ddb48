import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_API_ERRORS, startFakeTelegramApi, type FakeTelegramApi } from '../../../test/fakes/telegram-bot-api.js';
import { eventually } from '../../../test/helpers/eventually.js';
import { createTelegramChannel, type TelegramChannel } from './telegram.channel.js';
import {
  callbackUpdate,
  captureLogger,
  customer,
  MemorySink,
  messageUpdate,
  reply,
  silentLogger,
  textUpdate,
} from './telegram.test-support.js';

const menu = reply('Hi Lina! What would you like to do?', {
  buttons: [
    { label: 'Balance', payload: 'menu:balance' },
    { label: 'Rewards', payload: 'menu:rewards' },
  ],
});

describe('Telegram channel with long polling', () => {
  let fake: FakeTelegramApi;
  let sink: MemorySink;
  const channels: TelegramChannel[] = [];

  const start = async (options: { log?: ReturnType<typeof captureLogger>['log'] } = {}): Promise<TelegramChannel> => {
    const channel = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink, log: options.log ?? silentLogger });
    channels.push(channel);
    await channel.startPolling();
    return channel;
  };

  beforeEach(async () => {
    fake = await startFakeTelegramApi({ longPollCapMs: 200 });
    sink = new MemorySink(() => [menu]);
  });
  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.stop()));
    await fake.close();
  });

  it('takes a queued update to the sink and sends the reply with its inline keyboard', async () => {
    await start();
    fake.queueUpdate(textUpdate(1001, 'hello'));

    const [sent] = await fake.waitForCalls('sendMessage', 1);
    expect(sent?.params).toEqual({
      chat_id: '4242',
      text: 'Hi Lina! What would you like to do?',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Balance', callback_data: 'menu:balance' },
            { text: 'Rewards', callback_data: 'menu:rewards' },
          ],
        ],
      },
    });
    expect(sink.processed).toMatchObject([{ platformMessageId: 'upd:1001', text: 'hello', chatId: '4242' }]);
    await eventually(() => expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { platformMessageId: '1' } }]));
    // getMe happened once at start, and polling asked only for what we handle.
    expect(fake.callsTo('getMe')).toHaveLength(1);
    expect(fake.callsTo('deleteWebhook')[0]?.params).toEqual({ drop_pending_updates: false });
    expect(fake.callsTo('getUpdates')[0]?.params.allowed_updates).toEqual(['message', 'callback_query']);
  });

  it('confirms handled updates, so a restart does not fetch them again', async () => {
    const channel = await start();
    fake.queueUpdate(textUpdate(1002, 'hello'));
    await eventually(() => expect(sink.deliveries).toHaveLength(1));
    await channel.stop();
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it('processes an update Telegram delivers twice only once (redelivery after a restart)', async () => {
    const first = await start();
    const update = textUpdate(1003, 'hello');
    fake.queueUpdate(update);
    await eventually(() => expect(sink.deliveries).toHaveLength(1));
    await first.stop();

    // A fresh process with no offset in memory gets the same update again.
    const second = await start();
    fake.queueUpdate(update);
    await eventually(() => expect(sink.received).toHaveLength(2));
    await second.stop();

    expect(sink.processed).toHaveLength(1);
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
    expect(sink.deliveries).toHaveLength(1);
  });

  it('answers a button press, clears the pressed keyboard and passes the payload on', async () => {
    sink.answerWith(() => [reply('You have 120 points.')]);
    await start();
    fake.queueUpdate(callbackUpdate(1004, 'cbq-1', 'menu:balance', 55));

    const [answer] = await fake.waitForCalls('answerCallbackQuery', 1);
    expect(answer?.params).toEqual({ callback_query_id: 'cbq-1' });
    const [edit] = await fake.waitForCalls('editMessageReplyMarkup', 1);
    expect(edit?.params).toEqual({ chat_id: 4242, message_id: 55, reply_markup: { inline_keyboard: [] } });
    const [sent] = await fake.waitForCalls('sendMessage', 1);
    expect(sent?.params).toEqual({ chat_id: '4242', text: 'You have 120 points.' });
    expect(sink.processed).toMatchObject([{ platformMessageId: 'cbq:cbq-1', payload: 'menu:balance' }]);
  });

  it('answers a duplicate button press too, without a second turn', async () => {
    const channel = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink, log: silentLogger, botInfo: fake.botInfo });
    await channel.handleUpdate(callbackUpdate(1005, 'cbq-2', 'menu:rewards'));
    // The keyboard is already gone; Telegram says so, and that must not matter.
    fake.failNext('editMessageReplyMarkup', { error_code: 400, description: 'Bad Request: message is not modified' });
    await channel.handleUpdate(callbackUpdate(1005, 'cbq-2', 'menu:rewards'));

    expect(fake.callsTo('answerCallbackQuery')).toHaveLength(2);
    expect(fake.callsTo('editMessageReplyMarkup')).toHaveLength(2);
    expect(sink.processed).toHaveLength(1);
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
    // No getMe: botInfo was given.
    expect(fake.callsTo('getMe')).toHaveLength(0);
  });

  it('ignores group messages but still answers a button pressed in a group', async () => {
    const channel = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink, log: silentLogger, botInfo: fake.botInfo });
    const groupPress = callbackUpdate(1006, 'cbq-3', 'x');
    if (groupPress.callback_query?.message) groupPress.callback_query.message.chat = { id: -100, type: 'group', title: 'Staff' };
    await channel.handleUpdate({
      update_id: 1007,
      message: { message_id: 1, date: 1, chat: { id: -100, type: 'group', title: 'Staff' }, from: customer, text: 'hi all' },
    });
    await channel.handleUpdate(groupPress);

    expect(sink.received).toEqual([]);
    expect(fake.callsTo('answerCallbackQuery')).toHaveLength(1);
    // Team chats are not ours to tidy yet: the group's keyboard stays.
    expect(fake.callsTo('editMessageReplyMarkup')).toHaveLength(0);
    expect(fake.callsTo('sendMessage')).toHaveLength(0);
  });

  it('sends a photo reply with its caption', async () => {
    sink.answerWith(() => [reply('Your free coffee', { image: { url: 'https://cdn.example.com/c.jpg', alt: 'coffee' } })]);
    await start();
    fake.queueUpdate(textUpdate(1008, 'rewards'));
    const [photo] = await fake.waitForCalls('sendPhoto', 1);
    expect(photo?.params).toEqual({ chat_id: '4242', photo: 'https://cdn.example.com/c.jpg', caption: 'Your free coffee' });
  });

  it('draws a QR image and uploads it as a PNG photo (multipart), with its caption and buttons', async () => {
    sink.answerWith(() => [
      reply('Your voucher: K7Q4-X9MD-2P', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR code' }, buttons: [{ label: 'Menu', payload: 'intent:help' }] }),
    ]);
    await start();
    fake.queueUpdate(textUpdate(1010, 'yes'));
    const [photo] = await fake.waitForCalls('sendPhoto', 1);
    expect(photo?.params).toMatchObject({
      chat_id: 4242,
      caption: 'Your voucher: K7Q4-X9MD-2P',
      photo: expect.stringMatching(/^attach:\/\/\w+$/) as unknown,
      reply_markup: { inline_keyboard: [[{ text: 'Menu', callback_data: 'intent:help' }]] },
    });
    // grammy sends the file as a multipart part named in `attach://<name>`: a real PNG, not an empty part.
    const part = photo?.params[String(photo.params.photo).slice('attach://'.length)];
    expect(part).toMatchObject({ filename: 'qr-K7Q4-X9MD-2P.png' });
    expect((part as { size: number }).size).toBeGreaterThan(300);
    await eventually(() => expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { platformMessageId: '1' } }]));
  });

  it('records a failed reply with its code and still delivers the next one', async () => {
    sink.answerWith(() => [reply('first'), reply('second')]);
    await start();
    fake.failNext('sendMessage', BOT_API_ERRORS.tooManyRequests(3));
    fake.queueUpdate(textUpdate(1009, 'hi'));

    await eventually(() =>
      expect(sink.deliveries).toEqual([
        { outboundId: 'out-1', outcome: { error: 'RATE_LIMITED' } },
        { outboundId: 'out-2', outcome: { platformMessageId: '1' } },
      ]),
    );
    expect(fake.callsTo('sendMessage').map((c) => c.params.text)).toEqual(['first', 'second']);
  });

  it('stops calling Telegram for the rest of a turn once the customer has blocked the bot', async () => {
    sink.answerWith(() => [reply('first'), reply('second'), reply('third')]);
    await start();
    fake.failNext('sendMessage', BOT_API_ERRORS.blockedByUser);
    fake.queueUpdate(textUpdate(1010, 'hi'));

    await eventually(() => expect(sink.deliveries).toHaveLength(3));
    expect(sink.deliveries.map((d) => d.outcome)).toEqual([
      { error: 'BLOCKED_BY_USER' },
      { error: 'BLOCKED_BY_USER' },
      { error: 'BLOCKED_BY_USER' },
    ]);
    expect(fake.callsTo('sendMessage')).toHaveLength(1);
  });

  it('records INVALID_RECIPIENT when the chat does not exist', async () => {
    await start();
    fake.failNext('sendMessage', BOT_API_ERRORS.chatNotFound);
    fake.queueUpdate(textUpdate(1011, 'hi'));
    await eventually(() => expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { error: 'INVALID_RECIPIENT' } }]));
  });

  it('records a reply it cannot render as UNKNOWN without sending it, and sends the rest', async () => {
    sink.answerWith(() => [reply('bad', { buttons: [{ label: 'x', payload: 'p'.repeat(65) }] }), reply('good')]);
    await start();
    fake.queueUpdate(textUpdate(1012, 'hi'));
    await eventually(() =>
      expect(sink.deliveries).toEqual([
        { outboundId: 'out-1', outcome: { error: 'UNKNOWN' } },
        { outboundId: 'out-2', outcome: { platformMessageId: '1' } },
      ]),
    );
    expect(fake.callsTo('sendMessage').map((c) => c.params.text)).toEqual(['good']);
  });

  it('keeps polling after the sink throws on one update', async () => {
    const logs = captureLogger();
    sink.answerWith((msg) => {
      if (msg.text === 'boom') throw new Error('database unavailable');
      return [reply('ok')];
    });
    await start({ log: logs.log });
    fake.queueUpdate(textUpdate(1013, 'boom'));
    fake.queueUpdate(textUpdate(1014, 'fine'));

    const [sent] = await fake.waitForCalls('sendMessage', 1);
    expect(sent?.params.text).toBe('ok');
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ msg: 'telegram update failed', updateId: 1013, reason: 'Error: database unavailable' }),
    );
  });

  it('logs delivery failures with ids and codes, never message text or phone numbers', async () => {
    const logs = captureLogger();
    sink.answerWith(() => [reply('Secret offer for +971501234567 only')]);
    await start({ log: logs.log });
    fake.failNext('sendMessage', BOT_API_ERRORS.blockedByUser);
    fake.queueUpdate(messageUpdate(1015, { contact: { phone_number: '971501234567', first_name: 'Lina', user_id: customer.id } }));

    await eventually(() => expect(sink.deliveries).toHaveLength(1));
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'telegram delivery failed', outboundId: 'out-1', code: 'BLOCKED_BY_USER' }),
    );
    expect(logs.text()).not.toContain('Secret offer');
    expect(logs.text()).not.toContain('501234567');
  });

  it('fails startPolling with an AUTH ChannelError when the token is wrong', async () => {
    const channel = createTelegramChannel({ token: '1:revoked', apiRoot: fake.url, sink, log: silentLogger });
    await expect(channel.startPolling()).rejects.toMatchObject({ name: 'ChannelError', code: 'AUTH' });
    await channel.stop();
  });

  it('logs and clears a polling loop that another instance took over, so it can be started again', async () => {
    const logs = captureLogger();
    const channel = await start({ log: logs.log });
    await fake.waitForCalls('getUpdates', 1);
    fake.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
    fake.queueUpdate(textUpdate(1016, 'wake the poll'));
    await eventually(() =>
      expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'telegram polling stopped', code: 'UNKNOWN' })),
    );
    await channel.startPolling();
    fake.queueUpdate(textUpdate(1017, 'after restart'));
    await eventually(() => expect(sink.processed.map((m) => m.text)).toEqual(['wake the poll', 'after restart']));
  });

  it('stop() is harmless when not polling, and polling can be stopped promptly', async () => {
    const idle = createTelegramChannel({ token: fake.token, apiRoot: fake.url, sink, log: silentLogger });
    await idle.stop();

    const channel = await start();
    await fake.waitForCalls('getUpdates', 1);
    const began = Date.now();
    await channel.stop();
    expect(Date.now() - began).toBeLessThan(1000);
    expect(channel.bot.isRunning()).toBe(false);
  });
});
