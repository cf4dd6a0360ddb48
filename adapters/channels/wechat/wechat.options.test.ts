import { describe, expect, it } from 'vitest';
import { createOptionMemory, optionNumber } from './wechat.options.js';
import { numberedOptionsText } from '../numbered-options.js';

const menu = [
  { label: 'Join the club', payload: 'intent:enroll' },
  { label: 'My points', payload: 'intent:balance' },
  { label: 'Help', payload: 'intent:help' },
];
const t0 = new Date('2026-01-01T00:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('optionNumber', () => {
  it.each([
    ['1', 1], [' 2 ', 2], ['3.', 3], ['１', 1], ['１２', 12], ['一', 1], ['十', 10], ['十二', 12], ['二十', 20], ['二十三', 23],
    ['第二', 2], ['2、', 2], ['三号', 3], ['٣', 3], ['۴', 4], ['10', 10], ['两', 2],
  ])('reads %j as %i', (text, n) => {
    expect(optionNumber(text)).toBe(n);
  });

  it.each(['0', '100', '1990-03-12', '+971501112233', 'one', '', '十十', '二二', '1 2', 'hello 1'])('does not read %j', (text) => {
    expect(optionNumber(text)).toBeUndefined();
  });
});

describe('option memory', () => {
  it('maps a number or a label back to the payload of the options last shown to that customer', () => {
    const memory = createOptionMemory();
    memory.remember('openid-a', menu, t0);
    expect(memory.resolve('openid-a', '1', t0)).toBe('intent:enroll');
    expect(memory.resolve('openid-a', '二', t0)).toBe('intent:balance');
    expect(memory.resolve('openid-a', '  my POINTS ', t0)).toBe('intent:balance');
    expect(memory.resolve('openid-a', '4', t0)).toBeUndefined();
    expect(memory.resolve('openid-a', 'what is my balance', t0)).toBeUndefined();
    expect(memory.resolve('openid-b', '1', t0)).toBeUndefined();
  });

  it('forgets options after the TTL, when a reply without options is sent, and the oldest beyond the cap', () => {
    const memory = createOptionMemory({ ttlMs: 1000, maxUsers: 2 });
    memory.remember('a', menu, t0);
    expect(memory.resolve('a', '1', later(999))).toBe('intent:enroll');
    expect(memory.resolve('a', '1', later(1000))).toBeUndefined();

    memory.remember('b', menu, t0);
    memory.remember('b', [], t0);
    expect(memory.resolve('b', '1', t0)).toBeUndefined();

    memory.remember('c', menu, t0);
    memory.remember('d', menu, t0);
    memory.remember('e', menu, t0);
    expect(memory.resolve('c', '1', t0)).toBeUndefined();
    expect(memory.resolve('e', '1', t0)).toBe('intent:enroll');
  });
});

describe('a rating scale', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const scale = Array.from({ length: 11 }, (_, n) => ({ label: String(n), payload: `nps:7:${n}` }));
  it('reads the rating typed, not the line number, in every script', () => {
    const memory = createOptionMemory();
    memory.remember('u1', scale, now);
    expect(memory.resolve('u1', '7', now)).toBe('nps:7:7');
    expect(memory.resolve('u1', '0', now)).toBe('nps:7:0');
    expect(memory.resolve('u1', '١٠', now)).toBe('nps:7:10');
    expect(memory.resolve('u1', '十', now)).toBe('nps:7:10');
    expect(memory.resolve('u1', '零', now)).toBe('nps:7:0');
    expect(memory.resolve('u1', '11', now)).toBeUndefined();
  });
  it('shows the scale as its own numbers on one line', () => {
    const { text } = numberedOptionsText({ text: 'How likely…?', dir: 'ltr', buttons: scale }, 1, { imageSeparator: '\n', label: (l) => l });
    expect(text).toBe('How likely…?\n\n0 · 1 · 2 · 3 · 4 · 5 · 6 · 7 · 8 · 9 · 10');
  });
});
