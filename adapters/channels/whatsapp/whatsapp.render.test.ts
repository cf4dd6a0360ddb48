import { describe, expect, it } from 'vitest';
import { renderReply, shorten, splitForBody, WHATSAPP_LIMITS } from './whatsapp.render.js';
import { reply } from './whatsapp.test-support.js';

const buttons = (n: number, label = (i: number) => `Option ${i}`) => Array.from({ length: n }, (_, i) => ({ label: label(i + 1), payload: `opt:${i + 1}` }));

describe('renderReply', () => {
  it('sends plain text without link previews', () => {
    expect(renderReply(reply('Hello'))).toEqual([{ message: { type: 'text', text: { body: 'Hello', preview_url: false } }, primary: true }]);
  });

  it('splits text over 4096 characters at a boundary; only the last part is primary', () => {
    const text = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    const parts = renderReply(reply(text));
    expect(parts.map((p) => (p.message.type === 'text' ? p.message.text.body.length : 0))).toEqual([3000, 3000]);
    expect(parts.map((p) => p.primary)).toEqual([false, true]);
  });

  it('renders up to 3 buttons as reply buttons, shortening titles to 20 with an ellipsis', () => {
    const [part] = renderReply(reply('Redeem?', { buttons: [{ label: 'Yes, redeem', payload: 'form:yes' }, { label: 'Not now, maybe some other day', payload: 'form:no' }] }));
    expect(part?.message).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Redeem?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'form:yes', title: 'Yes, redeem' } },
            { type: 'reply', reply: { id: 'form:no', title: 'Not now, maybe some…' } },
          ],
        },
      },
    });
  });

  it('sends text over the 1024-character button body first as plain text', () => {
    const text = `${'x'.repeat(1500)}\n\nPick one:`;
    const parts = renderReply(reply(text, { buttons: buttons(2) }));
    expect(parts).toHaveLength(2);
    expect(parts[0]?.message).toEqual({ type: 'text', text: { body: 'x'.repeat(1500), preview_url: false } });
    expect(parts[1]?.message.type === 'interactive' && parts[1].message.interactive.body.text).toBe('Pick one:');
  });

  it('renders 4–10 buttons as a one-section list with a localized opener, long labels kept in the description', () => {
    const [en] = renderReply(reply('Menu', { buttons: buttons(4, (i) => (i === 4 ? 'Points history and expiring points' : `Item ${i}`)) }));
    expect(en?.message.type === 'interactive' && en.message.interactive).toEqual({
      type: 'list',
      body: { text: 'Menu' },
      action: {
        button: 'Choose',
        sections: [
          {
            rows: [
              { id: 'opt:1', title: 'Item 1' },
              { id: 'opt:2', title: 'Item 2' },
              { id: 'opt:3', title: 'Item 3' },
              { id: 'opt:4', title: 'Points history and expi…', description: 'Points history and expiring points' },
            ],
          },
        ],
      },
    });
    const [ar] = renderReply({ text: 'القائمة', dir: 'rtl', buttons: buttons(5) });
    expect(ar?.message.type === 'interactive' && ar.message.interactive.type === 'list' && ar.message.interactive.action.button).toBe('اختر');
    const [zh] = renderReply(reply('請選擇', { buttons: buttons(5) }));
    expect(zh?.message.type === 'interactive' && zh.message.interactive.type === 'list' && zh.message.interactive.action.button).toBe('選擇');
  });

  it('uses a list when three titles collide once shortened (WhatsApp wants unique titles)', () => {
    const [part] = renderReply(reply('Which?', { buttons: buttons(2, (i) => `A very long reward name number ${i}`) }));
    expect(part?.message.type === 'interactive' && part.message.interactive.type).toBe('list');
  });

  it('lists the first 10 of more buttons and names the rest in the text', () => {
    const [part] = renderReply(reply('Rewards', { buttons: buttons(12) }));
    if (part?.message.type !== 'interactive' || part.message.interactive.type !== 'list') throw new Error('expected a list');
    expect(part.message.interactive.action.sections[0]?.rows).toHaveLength(10);
    expect(part.message.interactive.body.text).toBe('Rewards\n\n• Option 11\n• Option 12');
  });

  it('sends a voucher QR code as text, adding the code only when the text lacks it', () => {
    expect(renderReply(reply('Your voucher: AB12-CD34-EF', { image: { qr: 'AB12-CD34-EF', alt: 'QR' } }))[0]?.message).toEqual({ type: 'text', text: { body: 'Your voucher: AB12-CD34-EF', preview_url: false } });
    expect(renderReply(reply('Your voucher', { image: { qr: 'AB12-CD34-EF', alt: 'QR' } }))[0]?.message).toEqual({ type: 'text', text: { body: 'Your voucher\n\nAB12-CD34-EF', preview_url: false } });
  });

  it('sends a hosted image before the text', () => {
    const parts = renderReply(reply('Our new menu', { image: { url: 'https://cdn.example.com/menu.png', alt: 'menu' } }));
    expect(parts.map((p) => [p.message.type, p.primary])).toEqual([['image', false], ['text', true]]);
  });

  it('ignores requestContact: the question already asks the customer to type the number', () => {
    expect(renderReply(reply('Your number?', { buttons: [{ label: 'Skip', payload: 'form:skip' }], requestContact: { label: 'Share' } }))).toHaveLength(1);
  });

  it('throws on bot bugs: empty text, oversized or empty payloads', () => {
    expect(() => renderReply(reply('  '))).toThrow(/no text/);
    expect(() => renderReply(reply('Hi', { buttons: [{ label: 'A', payload: 'x'.repeat(WHATSAPP_LIMITS.buttonId + 1) }] }))).toThrow(/payload/);
    expect(() => renderReply(reply('Hi', { buttons: buttons(4).map((b, i) => (i === 0 ? { ...b, payload: 'x'.repeat(201) } : b)) }))).toThrow(/1-200/);
    expect(() => renderReply(reply('Hi', { buttons: [{ label: ' ', payload: 'p' }] }))).toThrow(/label/);
  });
});

describe('shorten and splitForBody', () => {
  it('never exceeds the limit nor cuts an emoji in half', () => {
    const out = shorten('🎁🎁🎁🎁🎁🎁🎁🎁🎁🎁🎁🎁', 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out).toBe('🎁🎁🎁🎁🎁🎁🎁🎁🎁…');
    expect(shorten('  Short  ', 20)).toBe('Short');
  });

  it('keeps text that fits, and cuts the head at a line break otherwise', () => {
    expect(splitForBody('short', 10)).toEqual({ head: [], body: 'short' });
    expect(splitForBody('first line\nsecond', 10)).toEqual({ head: ['first line'], body: 'second' });
    const hard = splitForBody('x'.repeat(25), 10);
    expect(hard.body).toHaveLength(10);
    expect(hard.head).toEqual(['x'.repeat(15)]);
  });
});
