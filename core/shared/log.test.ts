import { describe, expect, it } from 'vitest';
import { maskPii, silentLog } from './log.js';

describe('maskPii', () => {
  it('keeps only the last two digits of a phone number', () => {
    const masked = maskPii('+971501234567');
    expect(masked).toBe('***67');
    expect(masked).not.toMatch(/97150|12345/);
  });

  it('tells two phone numbers apart by their last digits', () => {
    expect(maskPii('+971501234567')).not.toBe(maskPii('+971501234568'));
  });

  it('hides very short values entirely', () => {
    expect(maskPii('1234')).toBe('***');
    expect(maskPii('12')).toBe('***');
  });

  it('keeps the first character and the domain of an email', () => {
    expect(maskPii('sam.lee@example.com')).toBe('s***@example.com');
    expect(maskPii('sam.lee@example.com')).not.toContain('sam.lee');
  });

  it('is empty for empty, null and undefined', () => {
    expect(maskPii('')).toBe('');
    expect(maskPii(null)).toBe('');
    expect(maskPii(undefined)).toBe('');
  });
});

describe('silentLog', () => {
  it('accepts every call and returns itself as a child', () => {
    expect(() => {
      silentLog.info({ a: 1 }, 'x');
      silentLog.error({});
    }).not.toThrow();
    expect(silentLog.child({ k: 'v' })).toBe(silentLog);
  });
});
