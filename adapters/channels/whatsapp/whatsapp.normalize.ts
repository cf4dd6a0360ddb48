import type { InboundMessage, MediaKind } from '../../../core/conversation/message.js';
import type { WebhookMessage } from './whatsapp.events.js';

// Media types Meta delivers with an id the bot could download; the bot cannot read any of them yet.
const MEDIA: Record<string, MediaKind> = { image: 'photo', sticker: 'sticker', video: 'video', document: 'file' };
// Neither something the customer said nor something to answer: a reaction to an old message, a number change
// notice, the "customer opened the chat" ping, message edits and revokes.
const IGNORED = new Set(['reaction', 'system', 'request_welcome', 'ephemeral', 'edit', 'revoke']);

/**
 * Turns one WhatsApp message into the bot's `InboundMessage`, or null when the bot should not react to it.
 * `externalUserId` and `chatId` are the sender's wa_id (WhatsApp chats are 1:1); the dedupe key is the wamid.
 * Types WhatsApp may add later, `unsupported` and `unknown` become media 'other', so the customer gets a polite answer.
 */
export function toInboundMessage(message: WebhookMessage, profileName?: string): InboundMessage | null {
  if (IGNORED.has(message.type)) return null;
  const name = profileName?.trim();
  const base: InboundMessage = {
    channel: 'whatsapp',
    externalUserId: message.from,
    chatId: message.from,
    platformMessageId: message.id,
    // WhatsApp identifies people by their number: a customer known by it (a member, a till customer) is recognised.
    ...(/^[1-9]\d{7,14}$/.test(message.from) ? { verifiedPhone: `+${message.from}` } : {}),
    ...(name ? { displayName: name } : {}),
    timestamp: new Date(Number(message.timestamp) * 1000),
  };
  const field = (key: string): Record<string, unknown> | undefined => {
    const value = message[key];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  };
  const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

  switch (message.type) {
    case 'text': {
      const body = str(field('text')?.body);
      return body !== undefined ? { ...base, text: body } : { ...base, media: 'other' };
    }
    case 'interactive': {
      const interactive = field('interactive');
      const reply = interactive?.button_reply ?? interactive?.list_reply;
      const id = typeof reply === 'object' && reply !== null ? str((reply as Record<string, unknown>).id) : undefined;
      // Flow replies (nfm_reply) and anything newer carry no payload of ours.
      return id !== undefined ? { ...base, payload: id } : { ...base, media: 'other' };
    }
    case 'button': {
      // A quick-reply button on a template message: its payload is the one we set when sending the template.
      const button = field('button');
      const payload = str(button?.payload) ?? str(button?.text);
      return payload !== undefined ? { ...base, payload } : { ...base, media: 'other' };
    }
    case 'location':
      return { ...base, media: 'location' };
    case 'contacts':
      return fromContacts(base, message.from, message.contacts);
    case 'audio':
      return { ...base, media: field('audio')?.voice === true ? 'voice' : 'audio' };
    default: {
      const media = MEDIA[message.type];
      if (media === undefined) return { ...base, media: 'other' };
      // A caption is what the customer typed alongside the media, so the bot sees both.
      const caption = str(field(message.type)?.caption);
      return { ...base, ...(caption !== undefined ? { text: caption } : {}), media };
    }
  }
}

/**
 * A shared contact card is whatever the customer picked from their address book, not proof of their number. Only a
 * card holding the sender's own WhatsApp number (its wa_id equals the sender's) is passed on, as verified: that
 * number is the one WhatsApp verified for this sender. Anyone else's card is media the bot does not use.
 */
function fromContacts(base: InboundMessage, from: string, contacts: unknown): InboundMessage {
  const cards = Array.isArray(contacts) ? (contacts as Array<{ phones?: Array<{ wa_id?: unknown; phone?: unknown }> }>) : [];
  const own = cards.some((card) => (Array.isArray(card.phones) ? card.phones : []).some((p) => p.wa_id === from || digits(p.phone) === from));
  return own ? { ...base, contact: { phone: `+${from}`, verified: true } } : { ...base, media: 'other' };
}

function digits(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\D/g, '') : '';
}
