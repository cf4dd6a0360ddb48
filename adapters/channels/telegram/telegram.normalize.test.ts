import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { toInboundMessage } from './telegram.normalize.js';
import { callbackUpdate, customer, messageUpdate, textUpdate } from './telegram.test-support.js';

describe('toInboundMessage', () => {
  it('normalizes a private text message, keyed by update id so redeliveries dedupe', () => {
    expect(toInboundMessage(textUpdate(901, 'كم رصيدي؟'))).toEqual({
      channel: 'telegram',
      externalUserId: '4242',
      chatId: '4242',
      platformMessageId: 'upd:901',
      text: 'كم رصيدي؟',
      displayName: 'Lina Haddad',
      languageHint: 'ar',
      timestamp: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('omits displayName parts and languageHint the platform did not give', () => {
    const msg = toInboundMessage(messageUpdate(1, { text: 'hi' }, { id: 7, is_bot: false, first_name: 'Bo' }));
    expect(msg?.displayName).toBe('Bo');
    expect(msg).not.toHaveProperty('languageHint');
  });

  it('turns a button press into a payload keyed by the callback query id', () => {
    const receivedAt = new Date('2026-02-03T04:05:06Z');
    expect(toInboundMessage(callbackUpdate(902, 'q-123', 'menu:balance'), receivedAt)).toEqual({
      channel: 'telegram',
      externalUserId: '4242',
      chatId: '4242',
      platformMessageId: 'cbq:q-123',
      payload: 'menu:balance',
      displayName: 'Lina Haddad',
      languageHint: 'ar',
      timestamp: receivedAt,
    });
  });

  it('marks the sender’s own shared contact as verified and adds the missing +', () => {
    const update = messageUpdate(903, {
      contact: { phone_number: '971501234567', first_name: 'Lina', user_id: customer.id },
    });
    expect(toInboundMessage(update)?.contact).toEqual({ phone: '+971501234567', verified: true });
  });

  it('does not verify someone else’s contact card, nor one without a user id', () => {
    const someoneElse = messageUpdate(904, { contact: { phone_number: '+44 7700 900123', first_name: 'Sam', user_id: 99 } });
    const typedIn = messageUpdate(905, { contact: { phone_number: '+852 9123 4567', first_name: 'Kit' } });
    expect(toInboundMessage(someoneElse)?.contact).toEqual({ phone: '+447700900123', verified: false });
    expect(toInboundMessage(typedIn)?.contact).toEqual({ phone: '+85291234567', verified: false });
  });

  it.each([
    ['photo', { photo: [{ file_id: 'p', file_unique_id: 'pu', width: 10, height: 10 }] }, 'photo'],
    ['sticker', { sticker: { file_id: 's', file_unique_id: 'su', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }, 'sticker'],
    ['voice', { voice: { file_id: 'v', file_unique_id: 'vu', duration: 3 } }, 'voice'],
    ['audio', { audio: { file_id: 'a', file_unique_id: 'au', duration: 3 } }, 'audio'],
    ['video', { video: { file_id: 'v', file_unique_id: 'vu', width: 1, height: 1, duration: 3 } }, 'video'],
    ['video_note', { video_note: { file_id: 'n', file_unique_id: 'nu', length: 1, duration: 3 } }, 'video'],
    [
      'animation (which also carries document)',
      {
        animation: { file_id: 'g', file_unique_id: 'gu', width: 1, height: 1, duration: 1 },
        document: { file_id: 'g', file_unique_id: 'gu' },
      },
      'video',
    ],
    ['document', { document: { file_id: 'd', file_unique_id: 'du', file_name: 'receipt.pdf' } }, 'file'],
    ['location', { location: { latitude: 25.2, longitude: 55.3 } }, 'location'],
    ['dice', { dice: { emoji: '🎲', value: 3 } }, 'other'],
  ] as const)('classifies %s as media', (_name, fields, kind) => {
    const msg = toInboundMessage(messageUpdate(906, fields as Parameters<typeof messageUpdate>[1]));
    expect(msg?.media).toBe(kind);
    expect(msg?.platformMessageId).toBe('upd:906');
    expect(msg).not.toHaveProperty('text');
  });

  it('keeps a caption as the text that came with the media', () => {
    const update = messageUpdate(907, {
      photo: [{ file_id: 'p', file_unique_id: 'pu', width: 10, height: 10 }],
      caption: 'my receipt',
    });
    expect(toInboundMessage(update)).toMatchObject({ media: 'photo', text: 'my receipt' });
  });

  it('ignores group, supergroup and channel messages for now', () => {
    const group: Update = {
      update_id: 908,
      message: { message_id: 1, date: 1, chat: { id: -100, type: 'group', title: 'Staff' }, from: customer, text: 'hi' },
    };
    const supergroup: Update = {
      update_id: 909,
      message: { message_id: 1, date: 1, chat: { id: -1001, type: 'supergroup', title: 'Staff' }, from: customer, text: 'hi' },
    };
    const channelPost: Update = {
      update_id: 910,
      channel_post: { message_id: 1, date: 1, chat: { id: -1002, type: 'channel', title: 'News' }, text: 'hi' },
    };
    expect(toInboundMessage(group)).toBeNull();
    expect(toInboundMessage(supergroup)).toBeNull();
    expect(toInboundMessage(channelPost)).toBeNull();
  });

  it('ignores button presses outside private chats and ones without data', () => {
    const inGroup = callbackUpdate(911, 'q-1', 'x');
    if (inGroup.callback_query?.message) inGroup.callback_query.message.chat = { id: -5, type: 'group', title: 'G' };
    const inline: Update = { update_id: 912, callback_query: { id: 'q-2', from: customer, chat_instance: 'c', inline_message_id: 'im', data: 'x' } };
    const game: Update = { update_id: 913, callback_query: { ...callbackUpdate(913, 'q-3', 'x').callback_query!, data: undefined, game_short_name: 'g' } };
    expect(toInboundMessage(inGroup)).toBeNull();
    expect(toInboundMessage(inline)).toBeNull();
    expect(toInboundMessage(game)).toBeNull();
  });

  it('ignores edited messages, service messages and other update types', () => {
    const edited: Update = {
      update_id: 914,
      edited_message: {
        message_id: 1,
        date: 1,
        edit_date: 2,
        chat: { id: customer.id, type: 'private', first_name: 'Lina' },
        from: customer,
        text: 'changed my mind',
      },
    };
    const pinned = messageUpdate(915, { pinned_message: { message_id: 3, date: 0, chat: { id: customer.id, type: 'private', first_name: 'Lina' } } });
    const poll: Update = { update_id: 916, poll_answer: { poll_id: 'p', option_ids: [0], option_persistent_ids: ['0'], user: customer } };
    expect(toInboundMessage(edited)).toBeNull();
    expect(toInboundMessage(pinned)).toBeNull();
    expect(toInboundMessage(poll)).toBeNull();
  });
});
