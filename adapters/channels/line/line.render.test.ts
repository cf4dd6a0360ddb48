import { describe, expect, it } from 'vitest';
import { LINE_TEXT_LIMIT, renderLineReply, splitText, truncate } from './line.render.js';
import { reply } from './line.test-support.js';

const buttons = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `Option ${i + 1}`, payload: `opt:${i + 1}` }));

describe('renderLineReply', () => {
  it('sends plain text as one text message', () => {
    expect(renderLineReply(reply('You have 120 points.'))).toEqual([{ type: 'text', text: 'You have 120 points.' }]);
  });

  it('renders buttons as postback quick replies whose display text is the label', () => {
    const [message] = renderLineReply(reply('Pick one', { buttons: [{ label: 'Balance', payload: 'intent:balance' }] }));
    expect(message).toEqual({
      type: 'text',
      text: 'Pick one',
      quickReply: { items: [{ type: 'action', action: { type: 'postback', label: 'Balance', data: 'intent:balance', displayText: 'Balance' } }] },
    });
  });

  it('cuts labels to 20 characters (never inside an emoji) but keeps the full label as display text', () => {
    const label = 'Free regular drink · 500 pts';
    const [message] = renderLineReply(reply('Rewards', { buttons: [{ label, payload: 'reward:1' }] }));
    const action = message?.quickReply?.items[0]?.action;
    expect([...(action?.label ?? '')].length).toBeLessThanOrEqual(20);
    expect(action?.label).toMatch(/…$/);
    expect(action?.displayText).toBe(label);
    expect(truncate('🎁'.repeat(30), 20)).toBe(`${'🎁'.repeat(19)}…`);
  });

  it('takes up to 13 buttons and refuses more (a bot bug, not a delivery failure)', () => {
    expect(renderLineReply(reply('x', { buttons: buttons(13) }))[0]?.quickReply?.items).toHaveLength(13);
    expect(() => renderLineReply(reply('x', { buttons: buttons(14) }))).toThrow(/13 quick replies/);
  });

  it('refuses postback data over 300 characters and empty labels', () => {
    expect(() => renderLineReply(reply('x', { buttons: [{ label: 'a', payload: 'p'.repeat(301) }] }))).toThrow(/1-300/);
    expect(() => renderLineReply(reply('x', { buttons: [{ label: ' ', payload: 'p' }] }))).toThrow(/label/);
  });

  it('splits text over 5000 characters, with the quick replies on the last part only', () => {
    const paragraph = 'word '.repeat(700).trim();
    const text = `${paragraph}\n${paragraph}\n${paragraph}`;
    const messages = renderLineReply(reply(text, { buttons: buttons(2) }));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.type === 'text' && m.text.length <= LINE_TEXT_LIMIT).toBe(true);
    expect(messages.slice(0, -1).every((m) => m.quickReply === undefined)).toBe(true);
    expect(messages.at(-1)?.quickReply?.items).toHaveLength(2);
  });

  it('uses a buttons template when more replies follow in the turn (quick replies would vanish), if it fits', () => {
    const [message] = renderLineReply(reply('Redeem it?', { buttons: buttons(2) }), { followedByMore: true });
    expect(message).toMatchObject({
      type: 'template',
      altText: 'Redeem it?',
      template: { type: 'buttons', text: 'Redeem it?', actions: [{ type: 'postback', data: 'opt:1' }, { type: 'postback', data: 'opt:2' }] },
    });
    // Five buttons or a long text do not fit a template: quick replies it is.
    expect(renderLineReply(reply('Pick', { buttons: buttons(5) }), { followedByMore: true })[0]?.type).toBe('text');
    expect(renderLineReply(reply('x'.repeat(161), { buttons: buttons(2) }), { followedByMore: true })[0]?.type).toBe('text');
  });

  it('sends a voucher QR as its code in the text (LINE images need a hosted HTTPS URL)', () => {
    const withCode = renderLineReply(reply('Your voucher: K7Q4-X9MD-2P', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR' } }));
    expect(withCode).toEqual([{ type: 'text', text: 'Your voucher: K7Q4-X9MD-2P' }]);
    const without = renderLineReply(reply('Here is your voucher', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR' } }));
    expect(without).toEqual([{ type: 'text', text: 'Here is your voucher\n\nK7Q4-X9MD-2P' }]);
  });

  it('sends an HTTPS image URL as an image message before the text, and drops other URLs', () => {
    expect(renderLineReply(reply('Coffee', { image: { url: 'https://cdn.example.com/c.jpg', alt: 'c' } }))).toEqual([
      { type: 'image', originalContentUrl: 'https://cdn.example.com/c.jpg', previewImageUrl: 'https://cdn.example.com/c.jpg' },
      { type: 'text', text: 'Coffee' },
    ]);
    expect(renderLineReply(reply('Coffee', { image: { url: 'http://cdn.example.com/c.jpg', alt: 'c' } }))).toEqual([{ type: 'text', text: 'Coffee' }]);
  });

  it('drops requestContact (LINE cannot share a phone number) and keeps the text and buttons', () => {
    const messages = renderLineReply(reply('Your mobile number?', { requestContact: { label: 'Share my number' }, buttons: [{ label: 'Skip', payload: 'form:skip' }] }));
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages)).not.toContain('Share my number');
    expect(messages[0]?.quickReply?.items[0]?.action.data).toBe('form:skip');
  });

  it('passes Arabic through unchanged (LINE has no direction flag)', () => {
    expect(renderLineReply({ text: 'رصيدك 0 نقطة', dir: 'rtl' })).toEqual([{ type: 'text', text: 'رصيدك 0 نقطة' }]);
  });

  it('refuses an empty reply', () => {
    expect(() => renderLineReply(reply('  '))).toThrow(/no text/);
  });
});

describe('splitText', () => {
  it('prefers line breaks, never splits a surrogate pair and drops blank chunks', () => {
    expect(splitText('aaaa\nbbbb', 6)).toEqual(['aaaa', 'bbbb']);
    const emoji = '😀'.repeat(5);
    for (const chunk of splitText(emoji, 5)) expect(chunk).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(splitText('   ')).toEqual([]);
  });

  it('cuts Chinese at a sentence end', () => {
    expect(splitText('我們今天營業。到十點關門', 8)).toEqual(['我們今天營業。', '到十點關門']);
  });
});
