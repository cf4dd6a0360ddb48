import type { InboundMessage, MediaKind, StaffMessage } from '../../../core/conversation/message.js';
import { lineMessageContent, linePostbackContent, lineSource, type LineEvent } from './line.events.js';

/** The button payload a follow (the customer added the bot as a friend, or unblocked it) stands for: a greeting. */
export const LINE_FOLLOW_PAYLOAD = 'start';

/** What the channel should do with an event that is not a customer message. */
export type LineNonMessage =
  | { kind: 'unfollow'; userId: string }
  | { kind: 'group'; chatType: 'group' | 'room'; chatId: string; userId: string | undefined }
  | { kind: 'standby' }
  | { kind: 'ignored'; eventType: string };

/** The outcome of normalizing one event: a message for the bot, or the reason there is none. */
export type LineNormalized = { kind: 'message'; message: InboundMessage } | LineNonMessage;

/**
 * Turns one LINE webhook event into the bot's `InboundMessage`. Only 1:1 chats with users are customer conversations
 * (groups and rooms are team chats, handled later); only `message`, `postback` and `follow` events say something to
 * the bot. The dedupe key is `webhookEventId`, which LINE keeps on redelivery for every event type.
 */
export function normalizeLineEvent(event: LineEvent): LineNormalized {
  const source = lineSource.safeParse(event.source);
  if (!source.success) return { kind: 'ignored', eventType: event.type };
  if (source.data.type === 'group') return { kind: 'group', chatType: 'group', chatId: source.data.groupId, userId: source.data.userId };
  if (source.data.type === 'room') return { kind: 'group', chatType: 'room', chatId: source.data.roomId, userId: source.data.userId };
  const userId = source.data.userId;
  if (event.type === 'unfollow') return { kind: 'unfollow', userId };
  if (event.mode === 'standby') return { kind: 'standby' };

  const base: InboundMessage = {
    channel: 'line',
    externalUserId: userId,
    chatId: userId,
    platformMessageId: `evt:${event.webhookEventId}`,
    timestamp: new Date(event.timestamp),
  };
  switch (event.type) {
    case 'follow':
      return { kind: 'message', message: { ...base, payload: LINE_FOLLOW_PAYLOAD } };
    case 'postback': {
      const postback = linePostbackContent.safeParse(event.postback);
      if (!postback.success || postback.data.data === '') return { kind: 'ignored', eventType: event.type };
      return { kind: 'message', message: { ...base, payload: postback.data.data } };
    }
    case 'message': {
      const content = lineMessageContent.safeParse(event.message);
      if (!content.success) return { kind: 'ignored', eventType: event.type };
      if (content.data.type === 'text') {
        const text = content.data.text ?? '';
        return { kind: 'message', message: text.trim() === '' ? { ...base, media: 'other' } : { ...base, text } };
      }
      return { kind: 'message', message: { ...base, media: mediaKind(content.data.type) } };
    }
    default:
      return { kind: 'ignored', eventType: event.type };
  }
}

// LINE's "audio" is what the microphone button records, so it is a voice message to the customer.
const MEDIA: Readonly<Record<string, MediaKind>> = {
  image: 'photo',
  video: 'video',
  audio: 'voice',
  file: 'file',
  sticker: 'sticker',
  location: 'location',
};

function mediaKind(type: string): MediaKind {
  return MEDIA[type] ?? 'other';
}

/**
 * A text message in a group as a team-workspace message (the caller checks the group is a staff workspace). Its
 * `platformMessageId` is LINE's message id (the same on a redelivery), the id other messages quote, so a thread can
 * name it; a quote (`quotedMessageId`, e.g. of the bot's handoff alert) becomes `replyToMessageId`.
 */
export function toLineStaffMessage(event: LineEvent, groupId: string, userId: string | undefined): StaffMessage | null {
  if (event.type !== 'message') return null;
  const content = lineMessageContent.safeParse(event.message);
  if (!content.success || content.data.type !== 'text') return null;
  return {
    channel: 'line',
    workspaceId: groupId,
    senderId: userId ?? 'unknown',
    ...(content.data.text !== undefined ? { text: content.data.text } : {}),
    ...(content.data.quotedMessageId !== undefined ? { replyToMessageId: content.data.quotedMessageId } : {}),
    platformMessageId: content.data.id,
    timestamp: new Date(event.timestamp),
  };
}

/**
 * A 1:1 text `/join <code>` as a `StaffMessage` whose workspace is that chat: a staff member joins with their invite
 * code by writing to the bot directly. Null for anything else, which stays a customer message.
 */
export function toLinePrivateStaffJoin(event: LineEvent): StaffMessage | null {
  const source = lineSource.safeParse(event.source);
  if (!source.success || source.data.type !== 'user' || event.type !== 'message' || event.mode === 'standby') return null;
  const content = lineMessageContent.safeParse(event.message);
  if (!content.success || content.data.type !== 'text' || content.data.text === undefined) return null;
  if (!/^\/join(?:\s+\S[\s\S]*)?$/i.test(content.data.text.trim())) return null;
  return {
    channel: 'line',
    workspaceId: source.data.userId,
    senderId: source.data.userId,
    text: content.data.text,
    platformMessageId: content.data.id,
    timestamp: new Date(event.timestamp),
  };
}
