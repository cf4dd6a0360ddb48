import type { Message, Update, User } from 'grammy/types';
import type { InboundMessage, MediaKind, StaffMessage } from '../../../core/conversation/message.js';

/**
 * Turns a Telegram update into the bot's `InboundMessage`, or null when the bot should not react to it:
 * anything outside private chats (team chats come later), edited messages, service messages and other update types.
 * `receivedAt` stamps callback queries, which carry no date of their own.
 */
export function toInboundMessage(update: Update, receivedAt: Date = new Date()): InboundMessage | null {
  if (update.message) return fromMessage(update.update_id, update.message);
  if (update.callback_query) {
    const query = update.callback_query;
    // Inline-mode queries have no message (and no chat to answer in); game buttons have no data.
    if (query.message?.chat.type !== 'private' || query.data === undefined) return null;
    return {
      ...person(query.from),
      chatId: String(query.message.chat.id),
      platformMessageId: `cbq:${query.id}`,
      payload: query.data,
      timestamp: receivedAt,
    };
  }
  return null;
}

function fromMessage(updateId: number, message: Message & { from: User }): InboundMessage | null {
  if (message.chat.type !== 'private') return null;
  const base: InboundMessage = {
    ...person(message.from),
    chatId: String(message.chat.id),
    // The update id, not message_id: it is what Telegram repeats when it redelivers.
    platformMessageId: `upd:${updateId}`,
    timestamp: new Date(message.date * 1000),
  };
  if (message.text !== undefined) return { ...base, text: message.text };
  // A caption is what the customer typed alongside media, so the bot sees both.
  const caption = message.caption !== undefined ? { text: message.caption } : {};
  if (message.contact) {
    const phone = normalizePhone(message.contact.phone_number);
    if (phone === null) return { ...base, media: 'other' };
    // Telegram sets user_id to the sender's own id only when they shared their own number via the contact button.
    const verified = message.contact.user_id !== undefined && message.contact.user_id === message.from.id;
    return { ...base, contact: { phone, verified } };
  }
  const media = mediaKind(message);
  if (media === null) return null;
  return { ...base, ...caption, media };
}

function person(from: User): Pick<InboundMessage, 'channel' | 'externalUserId' | 'displayName' | 'languageHint'> {
  const displayName = [from.first_name, from.last_name].filter((part) => part !== undefined && part.trim() !== '').join(' ');
  return {
    channel: 'telegram',
    externalUserId: String(from.id),
    ...(displayName !== '' ? { displayName } : {}),
    ...(from.language_code !== undefined ? { languageHint: from.language_code } : {}),
  };
}

/** Telegram sends numbers with or without '+', sometimes with spaces; we store E.164-style '+digits'. */
function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/\D/g, '');
  return digits === '' ? null : `+${digits}`;
}

// Checked in order: an animation message also carries `document`, and a venue also carries `location`.
function mediaKind(message: Message): MediaKind | null {
  if (message.photo || message.live_photo) return 'photo';
  if (message.sticker) return 'sticker';
  if (message.voice) return 'voice';
  if (message.audio) return 'audio';
  if (message.video || message.video_note || message.animation) return 'video';
  if (message.document) return 'file';
  if (message.location || message.venue) return 'location';
  if (message.poll || message.dice || message.game || message.story || message.paid_media || message.checklist) return 'other';
  // Service messages (pinned, payments, shared users, …) are not something the customer said.
  return null;
}

/**
 * A message in one of the configured staff groups (or a forum topic in one) as a `StaffMessage`; null for anything
 * else. Group messages outside `staffChats` are nobody's business here and are dropped by the caller.
 */
export function toStaffMessage(update: Update, staffChats: ReadonlySet<string>): StaffMessage | null {
  const message = update.message;
  if (!message || message.chat.type === 'private' || !staffChats.has(String(message.chat.id))) return null;
  const name = [message.from.first_name, message.from.last_name].filter((p) => p !== undefined && p.trim() !== '').join(' ');
  // In a forum topic every message "replies" to the topic's creation message (its id is the thread id): not a thread.
  const quoted = message.reply_to_message;
  const implicitTopicReply = message.is_topic_message === true && quoted?.message_id === message.message_thread_id;
  return {
    channel: 'telegram',
    workspaceId: String(message.chat.id),
    ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: String(message.message_thread_id) } : {}),
    senderId: String(message.from.id),
    ...(name !== '' ? { senderName: name } : {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(quoted && !implicitTopicReply ? { replyToMessageId: String(quoted.message_id) } : {}),
    platformMessageId: `upd:${update.update_id}`,
    timestamp: new Date(message.date * 1000),
  };
}

/**
 * A private message `/join <code>` (or `/join@<this bot> <code>`) as a `StaffMessage` whose workspace is the private
 * chat: a staff member joins with their invite code by writing to the bot directly. Null for anything else, which
 * stays a customer message (staff who chat privately otherwise are customers like everyone). `botUsername`, when
 * known, must match a `/join@name`: a command meant for another bot is not ours.
 */
export function toPrivateStaffJoin(update: Update, botUsername?: string): StaffMessage | null {
  const message = update.message;
  if (!message || message.chat.type !== 'private' || message.text === undefined) return null;
  const join = /^\/join(?:@(\w+))?(?:\s+\S[\s\S]*)?$/i.exec(message.text.trim());
  if (!join) return null;
  const addressedTo = join[1];
  if (addressedTo !== undefined && botUsername !== undefined && addressedTo.toLowerCase() !== botUsername.toLowerCase()) return null;
  const name = [message.from.first_name, message.from.last_name].filter((p) => p !== undefined && p.trim() !== '').join(' ');
  return {
    channel: 'telegram',
    workspaceId: String(message.chat.id),
    senderId: String(message.from.id),
    ...(name !== '' ? { senderName: name } : {}),
    text: message.text,
    platformMessageId: `upd:${update.update_id}`,
    timestamp: new Date(message.date * 1000),
  };
}
