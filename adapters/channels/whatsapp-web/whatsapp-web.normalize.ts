// From a whatsapp-web.js message to what the inbox stores and then to the bot's `InboundMessage`.
import { z } from 'zod';
import type { InboundMessage, MediaKind } from '../../../core/conversation/message.js';
import type { WwebMessageLike } from './whatsapp-web.client.js';

/** What the inbox stores for one message: the fields we read, as plain JSON (the live `Message` holds its client). */
export const storedMessage = z.object({
  id: z.string().min(1),
  from: z.string().min(1),
  type: z.string(),
  body: z.string(),
  timestamp: z.number(),
  hasMedia: z.boolean(),
  location: z.boolean(),
  vCards: z.array(z.string()),
  notifyName: z.string().optional(),
});

/** One stored WhatsApp Web message. */
export type StoredMessage = z.infer<typeof storedMessage>;

const PERSON = /^(\d{6,20})@c\.us$/;
const HIDDEN_NUMBER = /^\d{1,40}@lid$/;

// Media types: the bot cannot read any of them yet, but answers politely.
const MEDIA: Record<string, MediaKind> = { image: 'photo', sticker: 'sticker', ptt: 'voice', audio: 'audio', video: 'video', document: 'file', location: 'location', album: 'photo' };
// Not something the customer said: notifications, reactions, revokes, protocol and call records, undecrypted stubs.
const IGNORED = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'broadcast_notification',
  'protocol',
  'call_log',
  'ciphertext',
  'revoked',
  'reaction',
  'debug',
]);

/**
 * Whether a message is for the customer bot at all: not our own, not a status (story) update or broadcast, not a group
 * or newsletter, not a system notice. Decided before anything is stored, so ignored messages leave no trace.
 */
export function isCustomerMessage(m: WwebMessageLike): boolean {
  if (m.fromMe === true || m.id.fromMe === true) return false;
  if (m.isStatus === true || m.broadcast === true || m.from === 'status@broadcast') return false;
  if (!PERSON.test(m.from) && !HIDDEN_NUMBER.test(m.from)) return false; // groups (@g.us), newsletters, broadcasts
  if (m.author !== undefined && m.author !== '' && m.author !== m.from) return false;
  return !IGNORED.has(m.type);
}

/** The JSON the inbox stores for a message (only what normalizing needs). */
export function toStoredMessage(m: WwebMessageLike): StoredMessage {
  const notifyName = typeof m._data?.notifyName === 'string' ? m._data.notifyName.trim() : '';
  return {
    id: m.id._serialized,
    from: m.from,
    type: m.type,
    // A location's body is a JPEG thumbnail, not words: never store or pass it on.
    body: m.type === 'location' ? '' : (m.body ?? ''),
    timestamp: m.timestamp,
    hasMedia: m.hasMedia === true,
    location: m.type === 'location' && m.location !== undefined,
    vCards: Array.isArray(m.vCards) ? m.vCards.filter((v): v is string => typeof v === 'string') : [],
    ...(notifyName !== '' ? { notifyName } : {}),
  };
}

/** The sender's phone in E.164 when WhatsApp shows it (`<number>@c.us`); hidden-number (`@lid`) senders have none. */
export function phoneOf(waId: string): string | undefined {
  const m = PERSON.exec(waId);
  return m && /^[1-9]\d{7,14}$/.test(m[1]!) ? `+${m[1]!}` : undefined;
}

/**
 * Turns a stored message into the bot's `InboundMessage`, or null when the bot should not react to it.
 * `externalUserId` and `chatId` are the wa id (`971501234567@c.us`), where replies go; `verifiedPhone` is its number.
 * `resolveOption` maps a typed option number or label back to the payload of a button we rendered as text.
 */
export function toInboundMessage(m: StoredMessage, resolveOption: (chatId: string, text: string) => string | undefined = () => undefined): InboundMessage | null {
  if (IGNORED.has(m.type)) return null;
  const phone = phoneOf(m.from);
  const base: InboundMessage = {
    channel: 'whatsapp',
    externalUserId: m.from,
    chatId: m.from,
    platformMessageId: m.id,
    // WhatsApp identifies people by their number: a customer known by it (a member, a till customer) is recognised.
    ...(phone ? { verifiedPhone: phone } : {}),
    ...(m.notifyName ? { displayName: m.notifyName } : {}),
    timestamp: new Date(m.timestamp * 1000),
  };
  const text = m.body.trim() === '' ? undefined : m.body;
  switch (m.type) {
    case 'chat': {
      if (text === undefined) return { ...base, media: 'other' };
      const payload = resolveOption(m.from, text);
      return payload !== undefined ? { ...base, payload } : { ...base, text };
    }
    case 'vcard':
    case 'multi_vcard':
      return fromCards(base, m);
    default: {
      const media = MEDIA[m.type] ?? 'other';
      // A caption is what the customer typed alongside the media, so the bot sees both; other bodies are not words.
      const caption = m.hasMedia && media !== 'location' && text !== undefined ? { text } : {};
      return { ...base, ...caption, media };
    }
  }
}

/**
 * A shared contact card is whatever the customer picked from their address book, not proof of their number. Only a
 * card holding the sender's own WhatsApp number (its `waid`, or a TEL with the same digits) is passed on, as
 * verified: WhatsApp verified that number for this sender. Anyone else's card is media the bot does not use.
 */
function fromCards(base: InboundMessage, m: StoredMessage): InboundMessage {
  const own = PERSON.exec(m.from)?.[1];
  const cards = m.vCards.length > 0 ? m.vCards : m.type === 'vcard' ? [m.body] : [];
  const numbers = cards.flatMap((card) => [
    ...[...card.matchAll(/waid=(\d+)/gi)].map((x) => x[1]!),
    ...[...card.matchAll(/^(?:item\d+\.)?TEL[^:\n]*:([^\n]+)$/gim)].map((x) => x[1]!.replace(/\D/g, '')),
  ]);
  return own !== undefined && numbers.includes(own) && base.verifiedPhone ? { ...base, contact: { phone: base.verifiedPhone, verified: true } } : { ...base, media: 'other' };
}
