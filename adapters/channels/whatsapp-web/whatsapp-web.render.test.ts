import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../core/conversation/message.js';
import { renderReply, WHATSAPP_WEB_TEXT_LIMIT } from './whatsapp-web.render.js';

const reply = (text: string, extra: Partial<Reply> = {}): Reply => ({ text, dir: 'ltr', ...extra });

describe('WhatsApp Web render', () => {
  it('renders buttons as numbered options, numbered on from firstNumber', () => {
    const r = renderReply(reply('Welcome!', { buttons: [{ label: 'Join the club', payload: 'intent:enroll' }, { label: 'My points', payload: 'intent:balance' }] }), 3);
    expect(r.texts).toEqual(['Welcome!\n\n3. Join the club\n4. My points']);
    expect(r.buttons.map((b) => b.payload)).toEqual(['intent:enroll', 'intent:balance']);
  });

  it('sends a QR voucher as its code, once', () => {
    expect(renderReply(reply('Your voucher', { image: { qr: 'ABCD-EFGH-JK', alt: 'voucher' } })).texts).toEqual(['Your voucher\n\nABCD-EFGH-JK']);
    expect(renderReply(reply('Code ABCD-EFGH-JK', { image: { qr: 'ABCD-EFGH-JK', alt: 'voucher' } })).texts).toEqual(['Code ABCD-EFGH-JK']);
  });

  it('splits text over 4096 characters at a boundary, options on the last part', () => {
    const long = `${'word '.repeat(1000)}\n${'more '.repeat(200)}`;
    const r = renderReply(reply(long, { buttons: [{ label: 'Yes', payload: 'form:yes' }] }));
    expect(r.texts.length).toBe(2);
    for (const t of r.texts) expect(t.length).toBeLessThanOrEqual(WHATSAPP_WEB_TEXT_LIMIT);
    expect(r.texts.at(-1)).toMatch(/1\. Yes$/);
  });

  it('refuses an empty reply (a bot bug)', () => {
    expect(() => renderReply(reply('  '))).toThrow(/no text/);
    expect(() => renderReply(reply('x', { buttons: [{ label: ' ', payload: 'p' }] }))).toThrow(/empty label/);
  });
});
