import { describe, expect, it } from 'vitest';
import { renderReply, splitUtf8, WECHAT_TEXT_LIMIT_BYTES } from './wechat.render.js';
import { reply } from './wechat.test-support.js';

describe('renderReply', () => {
  it('sends plain text as one message', () => {
    expect(renderReply(reply('You have 120 points.'))).toEqual({ texts: ['You have 120 points.'], buttons: [] });
  });

  it('renders buttons as numbered lines, numbered on from the given start', () => {
    const buttons = [
      { label: 'Join the club', payload: 'intent:enroll' },
      { label: 'My points', payload: 'intent:balance' },
    ];
    expect(renderReply(reply('What would you like to do?', { buttons }))).toEqual({
      texts: ['What would you like to do?\n\n1. Join the club\n2. My points'],
      buttons,
    });
    expect(renderReply(reply('More:', { buttons }), 4).texts).toEqual(['More:\n\n4. Join the club\n5. My points']);
  });

  it('drops the contact request (WeChat cannot share numbers) and keeps Arabic text as it is', () => {
    const r = renderReply(reply('ما رقم جوالك؟', { dir: 'rtl', requestContact: { label: 'شارك رقمي' }, buttons: [{ label: 'تخطي', payload: 'form:skip' }] }));
    expect(r.texts).toEqual(['ما رقم جوالك؟\n\n1. تخطي']);
  });

  it('sends a QR voucher as its code in text, adding it only when the text lacks it', () => {
    expect(renderReply(reply('Your voucher: K7Q4-X9MD-2P', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR' } })).texts).toEqual(['Your voucher: K7Q4-X9MD-2P']);
    expect(renderReply(reply('Your voucher is ready', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR' } })).texts).toEqual(['Your voucher is ready\nK7Q4-X9MD-2P']);
    expect(renderReply(reply('Our cake', { image: { url: 'https://cdn.example.com/c.jpg', alt: 'cake' } })).texts).toEqual(['Our cake\nhttps://cdn.example.com/c.jpg']);
  });

  it('refuses an empty reply', () => {
    expect(() => renderReply(reply('  '))).toThrow(/no text/);
  });

  it('splits long Chinese text within 2048 UTF-8 bytes, with the options on the last message', () => {
    const long = '你好，这是一段很长的文字。'.repeat(300); // 13 chars × 3 bytes × 300 = 11,700 bytes
    const r = renderReply(reply(long, { buttons: [{ label: '是', payload: 'form:yes' }] }));
    expect(r.texts.length).toBeGreaterThan(5);
    for (const t of r.texts) expect(Buffer.byteLength(t, 'utf8')).toBeLessThanOrEqual(WECHAT_TEXT_LIMIT_BYTES);
    expect(r.texts.join('').replace(/\s+/g, '')).toBe(`${long}\n\n1. 是`.replace(/\s+/g, ''));
    expect(r.texts.at(-1)).toMatch(/1\. 是$/);
  });
});

describe('splitUtf8', () => {
  it('never cuts inside a character, even a 4-byte emoji with no break to cut at', () => {
    const text = '😀'.repeat(1000); // 4,000 bytes
    const chunks = splitUtf8(text, 2048);
    expect(chunks).toHaveLength(2);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(2048);
  });

  it('prefers a line break, then a space, in the second half of the window', () => {
    expect(splitUtf8('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitUtf8('aaaa bbbb cccc', 12)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitUtf8('short', 12)).toEqual(['short']);
  });
});
