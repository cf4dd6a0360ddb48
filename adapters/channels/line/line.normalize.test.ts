import { describe, expect, it } from 'vitest';
import { lineEvent, type LineEvent } from './line.events.js';
import { normalizeLineEvent } from './line.normalize.js';
import { baseEvent, followEvent, messageEvent, postbackEvent, textEvent } from './line.test-support.js';

const USER = 'U4af4980629a1b2c3d4e5f60718293a4b';
const parse = (raw: Record<string, unknown>): LineEvent => lineEvent.parse(raw);
const messageOf = (raw: Record<string, unknown>) => {
  const result = normalizeLineEvent(parse(raw));
  if (result.kind !== 'message') throw new Error(`expected a message, got ${result.kind}`);
  return result.message;
};

describe('normalizeLineEvent', () => {
  it('turns a text message into an InboundMessage keyed on webhookEventId', () => {
    const raw = textEvent(USER, 'Hello, world! (love)', 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA');
    expect(messageOf(raw)).toEqual({
      channel: 'line',
      externalUserId: USER,
      chatId: USER,
      platformMessageId: `evt:${String(raw.webhookEventId)}`,
      text: 'Hello, world! (love)',
      timestamp: new Date(1_767_225_600_000),
    });
  });

  it('passes a postback data string on as the button payload', () => {
    expect(messageOf(postbackEvent(USER, 'reward:7f1c'))).toMatchObject({ payload: 'reward:7f1c' });
    expect(messageOf(postbackEvent(USER, 'reward:7f1c')).text).toBeUndefined();
  });

  it('greets on follow (the start payload)', () => {
    expect(messageOf(followEvent(USER))).toMatchObject({ payload: 'start', externalUserId: USER });
  });

  it.each([
    [{ type: 'image', contentProvider: { type: 'line' } }, 'photo'],
    [{ type: 'video', duration: 60000, contentProvider: { type: 'line' } }, 'video'],
    [{ type: 'audio', duration: 6000, contentProvider: { type: 'line' } }, 'voice'],
    [{ type: 'file', fileName: 'receipt.pdf', fileSize: 2138 }, 'file'],
    [{ type: 'sticker', packageId: '446', stickerId: '1988', stickerResourceType: 'STATIC' }, 'sticker'],
    [{ type: 'location', title: 'Dubai Mall', address: 'Dubai', latitude: 25.19, longitude: 55.27 }, 'location'],
    [{ type: 'hologram' }, 'other'],
  ])('marks %o as media %s, with no text', (message, media) => {
    const msg = messageOf(messageEvent(USER, message));
    expect(msg.media).toBe(media);
    expect(msg.text).toBeUndefined();
  });

  it('treats a blank text as media the bot cannot read, not as an empty message', () => {
    expect(messageOf(textEvent(USER, '   '))).toMatchObject({ media: 'other' });
  });

  it('sets groups and rooms apart from customer conversations, with the chat and sender ids', () => {
    const group = { ...textEvent(USER, 'hi'), source: { type: 'group', groupId: 'Ca56f94637c', userId: USER } };
    const room = { ...textEvent(USER, 'hi'), source: { type: 'room', roomId: 'Ra8dbf4673c', userId: USER } };
    expect(normalizeLineEvent(parse(group))).toEqual({ kind: 'group', chatType: 'group', chatId: 'Ca56f94637c', userId: USER });
    expect(normalizeLineEvent(parse(room))).toEqual({ kind: 'group', chatType: 'room', chatId: 'Ra8dbf4673c', userId: USER });
  });

  it('reports unfollow with the user id, so the channel can note the user is unreachable', () => {
    expect(normalizeLineEvent(parse(baseEvent(USER, 'unfollow')))).toEqual({ kind: 'unfollow', userId: USER });
  });

  it('stays silent in standby mode (another channel is answering)', () => {
    expect(normalizeLineEvent(parse({ ...textEvent(USER, 'hi'), mode: 'standby' }))).toEqual({ kind: 'standby' });
  });

  it.each([
    ['an unknown event type', baseEvent(USER, 'beacon', { beacon: { hwid: 'd41d8cd98f', type: 'enter' } })],
    ['a message without a message object', baseEvent(USER, 'message')],
    ['a postback without data', baseEvent(USER, 'postback', { postback: {} })],
    ['an event without a source', { ...baseEvent(USER, 'message'), source: undefined }],
    ['a source of unknown type', { ...textEvent(USER, 'hi'), source: { type: 'planet', planetId: 'x' } }],
  ])('ignores %s', (_name, raw) => {
    expect(normalizeLineEvent(parse(raw)).kind).toBe('ignored');
  });
});
