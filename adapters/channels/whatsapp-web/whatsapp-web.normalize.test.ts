import { describe, expect, it } from 'vitest';
import { isCustomerMessage, phoneOf, toInboundMessage, toStoredMessage } from './whatsapp-web.normalize.js';
import { vcard, wwebMessage } from './whatsapp-web.test-support.js';

const WA = '971501234567@c.us';
const normalize = (m: ReturnType<typeof wwebMessage>, resolve?: (chatId: string, text: string) => string | undefined) =>
  toInboundMessage(toStoredMessage(m), resolve);

describe('WhatsApp Web normalize', () => {
  it('turns a text into an InboundMessage keyed by the wa id, with the number as verified phone', () => {
    const m = wwebMessage(WA, { body: 'my points', timestamp: 1_700_000_000 });
    expect(normalize(m)).toEqual({
      channel: 'whatsapp',
      externalUserId: WA,
      chatId: WA,
      platformMessageId: m.id._serialized,
      verifiedPhone: '+971501234567',
      displayName: 'Karim',
      text: 'my points',
      timestamp: new Date(1_700_000_000_000),
    });
  });

  it('maps a typed option back to its payload', () => {
    const msg = normalize(wwebMessage(WA, { body: '١' }), (chat, text) => (chat === WA && text === '١' ? 'intent:enroll' : undefined));
    expect(msg).toMatchObject({ payload: 'intent:enroll' });
    expect(msg?.text).toBeUndefined();
  });

  it('maps media types, keeps captions, and never passes a location thumbnail as text', () => {
    expect(normalize(wwebMessage(WA, { type: 'image', hasMedia: true, body: 'my receipt' }))).toMatchObject({ media: 'photo', text: 'my receipt' });
    expect(normalize(wwebMessage(WA, { type: 'ptt', hasMedia: true, body: '' }))).toMatchObject({ media: 'voice' });
    expect(normalize(wwebMessage(WA, { type: 'audio', hasMedia: true, body: '' }))).toMatchObject({ media: 'audio' });
    expect(normalize(wwebMessage(WA, { type: 'video', hasMedia: true, body: '' }))).toMatchObject({ media: 'video' });
    expect(normalize(wwebMessage(WA, { type: 'document', hasMedia: true, body: '' }))).toMatchObject({ media: 'file' });
    expect(normalize(wwebMessage(WA, { type: 'sticker', hasMedia: true, body: '' }))).toMatchObject({ media: 'sticker' });
    const location = normalize(wwebMessage(WA, { type: 'location', body: '/9j/4AAQSkZJRgABAQ', location: { latitude: 25.2, longitude: 55.3 } }));
    expect(location).toMatchObject({ media: 'location' });
    expect(location?.text).toBeUndefined();
    expect(normalize(wwebMessage(WA, { type: 'poll_creation', body: 'Lunch?' }))).toMatchObject({ media: 'other' });
    expect(normalize(wwebMessage(WA, { type: 'revoked', body: '' }))).toBeNull();
  });

  it('passes the sender’s own vCard as a verified contact, anyone else’s as media', () => {
    const own = normalize(wwebMessage(WA, { type: 'vcard', body: vcard('Karim', '971501234567'), vCards: [vcard('Karim', '971501234567')] }));
    expect(own).toMatchObject({ contact: { phone: '+971501234567', verified: true } });
    const other = normalize(wwebMessage(WA, { type: 'vcard', body: vcard('Aunt', '971509999999'), vCards: [vcard('Aunt', '971509999999')] }));
    expect(other).toMatchObject({ media: 'other' });
    expect(other?.contact).toBeUndefined();
  });

  it('has no verified phone for hidden-number (@lid) senders', () => {
    const msg = normalize(wwebMessage('123456789012345@lid', { body: 'hi' }));
    expect(msg).toMatchObject({ externalUserId: '123456789012345@lid', text: 'hi' });
    expect(msg?.verifiedPhone).toBeUndefined();
    expect(phoneOf('971501234567@c.us')).toBe('+971501234567');
    expect(phoneOf('120363025246125486@g.us')).toBeUndefined();
  });

  it('ignores our own messages, status updates, groups, broadcasts and notifications', () => {
    expect(isCustomerMessage(wwebMessage(WA))).toBe(true);
    expect(isCustomerMessage(wwebMessage(WA, { fromMe: true }))).toBe(false);
    expect(isCustomerMessage(wwebMessage('status@broadcast', { isStatus: true }))).toBe(false);
    expect(isCustomerMessage(wwebMessage('120363025246125486@g.us', { author: WA }))).toBe(false);
    expect(isCustomerMessage(wwebMessage(WA, { broadcast: true }))).toBe(false);
    expect(isCustomerMessage(wwebMessage(WA, { type: 'e2e_notification', body: '' }))).toBe(false);
    expect(isCustomerMessage(wwebMessage('120363111111111111@newsletter'))).toBe(false);
  });

  it('stores plain JSON without the location thumbnail', () => {
    const stored = toStoredMessage(wwebMessage(WA, { type: 'location', body: '/9j/4AAQ', location: { latitude: 1, longitude: 2 } }));
    expect(stored.body).toBe('');
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });
});
