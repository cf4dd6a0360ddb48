import { describe, expect, it } from 'vitest';
import { webhookMessage, type WebhookMessage } from './whatsapp.events.js';
import { toInboundMessage } from './whatsapp.normalize.js';
import { waMessage } from './whatsapp.test-support.js';

const FROM = '971501234567';
const at = new Date('2025-06-01T10:00:00Z');
const msg = (type: string, content: Record<string, unknown>): WebhookMessage => webhookMessage.parse(waMessage(FROM, type, content, { id: 'wamid.TEST1', at }));

describe('toInboundMessage', () => {
  it('maps a text message with the sender as user and chat, the wamid as dedupe key and the profile name', () => {
    expect(toInboundMessage(msg('text', { text: { body: 'Hi there' } }), 'Sheena')).toEqual({
      channel: 'whatsapp',
      externalUserId: FROM,
      chatId: FROM,
      platformMessageId: 'wamid.TEST1',
      // WhatsApp vouches for the number it identifies the sender by.
      verifiedPhone: `+${FROM}`,
      displayName: 'Sheena',
      timestamp: at,
      text: 'Hi there',
    });
  });

  it('returns the pressed reply button, list row or template button as the payload', () => {
    expect(toInboundMessage(msg('interactive', { interactive: { type: 'button_reply', button_reply: { id: 'form:yes', title: 'Yes' } } }))?.payload).toBe('form:yes');
    expect(toInboundMessage(msg('interactive', { interactive: { type: 'list_reply', list_reply: { id: 'intent:enroll', title: 'Join', description: 'd' } } }))?.payload).toBe('intent:enroll');
    expect(toInboundMessage(msg('button', { button: { payload: 'reopen', text: 'Continue' } }))?.payload).toBe('reopen');
    expect(toInboundMessage(msg('interactive', { interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}' } } }))?.media).toBe('other');
  });

  it('marks media, with the caption as text, and tells voice notes from audio files', () => {
    expect(toInboundMessage(msg('image', { image: { id: '1', mime_type: 'image/jpeg', caption: 'my receipt' } }))).toMatchObject({ media: 'photo', text: 'my receipt' });
    expect(toInboundMessage(msg('sticker', { sticker: { id: '1', animated: false } }))?.media).toBe('sticker');
    expect(toInboundMessage(msg('audio', { audio: { id: '1', voice: true } }))?.media).toBe('voice');
    expect(toInboundMessage(msg('audio', { audio: { id: '1' } }))?.media).toBe('audio');
    expect(toInboundMessage(msg('video', { video: { id: '1' } }))?.media).toBe('video');
    expect(toInboundMessage(msg('document', { document: { id: '1', filename: 'a.pdf' } }))?.media).toBe('file');
    expect(toInboundMessage(msg('location', { location: { latitude: 25.2, longitude: 55.3 } }))?.media).toBe('location');
    expect(toInboundMessage(msg('unsupported', { errors: [{ code: 131051 }] }))?.media).toBe('other');
    expect(toInboundMessage(msg('some_future_type', {}))?.media).toBe('other');
  });

  it('passes a shared contact only when it is the sender’s own number, as verified', () => {
    const own = msg('contacts', { contacts: [{ name: { formatted_name: 'Me' }, phones: [{ phone: '+971 50 123 4567', wa_id: FROM, type: 'MOBILE' }] }] });
    expect(toInboundMessage(own)).toMatchObject({ contact: { phone: `+${FROM}`, verified: true } });
    const other = msg('contacts', { contacts: [{ name: { formatted_name: 'Friend' }, phones: [{ phone: '+971 55 000 0000', wa_id: '971550000000' }] }] });
    const normalized = toInboundMessage(other);
    expect(normalized?.contact).toBeUndefined();
    expect(normalized?.media).toBe('other');
  });

  it('ignores reactions, system notices and welcome requests', () => {
    expect(toInboundMessage(msg('reaction', { reaction: { message_id: 'wamid.X', emoji: '👍' } }))).toBeNull();
    expect(toInboundMessage(msg('system', { system: { body: 'changed number' } }))).toBeNull();
    expect(toInboundMessage(msg('request_welcome', {}))).toBeNull();
  });
});
