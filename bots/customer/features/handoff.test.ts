import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_SCHEDULE } from '../../../core/tickets/index.js';
import { nextOpening } from './handoff.js';

describe('nextOpening', () => {
  it('is now inside opening hours, else the next opening on the zone’s clock', () => {
    // 12:00, 23:00 and 02:00 in Dubai (UTC+4), default hours 10:00–22:00.
    expect(nextOpening(new Date('2026-11-22T08:00:00Z'), 'Asia/Dubai', DEFAULT_BUSINESS_SCHEDULE)).toEqual(new Date('2026-11-22T08:00:00Z'));
    expect(nextOpening(new Date('2026-11-22T19:00:00Z'), 'Asia/Dubai', DEFAULT_BUSINESS_SCHEDULE)).toEqual(new Date('2026-11-23T06:00:00Z'));
    expect(nextOpening(new Date('2026-11-22T22:00:00Z'), 'Asia/Dubai', DEFAULT_BUSINESS_SCHEDULE)).toEqual(new Date('2026-11-23T06:00:00Z'));
  });
  it('skips closed days', () => {
    // Friday 27 November 2026 closed: Thursday 23:00 → Saturday 10:00.
    const schedule = { hours: { open: '10:00', close: '22:00' }, byWeekday: { 5: null } };
    expect(nextOpening(new Date('2026-11-26T19:00:00Z'), 'Asia/Dubai', schedule)).toEqual(new Date('2026-11-28T06:00:00Z'));
  });
});
