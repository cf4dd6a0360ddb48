import { describe, expect, it } from 'vitest';
import { parseWhen } from './campaign-commands.js';
import { parsePeriod } from './stats-command.js';

const NOW = new Date('2026-11-22T08:30:00Z'); // 12:30 in Dubai

describe('parsePeriod', () => {
  it('reads periods on the brand clock', () => {
    expect(parsePeriod('today', NOW, 'Asia/Dubai')).toEqual({ key: 'today', from: new Date('2026-11-21T20:00:00Z'), to: NOW });
    expect(parsePeriod('7d', NOW, 'Asia/Dubai')?.from).toEqual(new Date('2026-11-15T20:00:00Z'));
    expect(parsePeriod('30D', NOW, 'Asia/Dubai')?.from).toEqual(new Date('2026-10-23T20:00:00Z'));
    expect(parsePeriod('month', NOW, 'Asia/Dubai')?.from).toEqual(new Date('2026-10-31T20:00:00Z'));
    expect(parsePeriod('ytd', NOW, 'Asia/Dubai')?.from).toEqual(new Date('2025-12-31T20:00:00Z'));
    expect(parsePeriod('2026-10', NOW, 'Asia/Dubai')).toEqual({ key: 'month_of', month: '2026-10', from: new Date('2026-09-30T20:00:00Z'), to: new Date('2026-10-31T20:00:00Z') });
    // The current month ends now.
    expect(parsePeriod('2026-11', NOW, 'Asia/Dubai')?.to).toEqual(NOW);
  });

  it('refuses what is not a period, or a month still to come', () => {
    for (const bad of ['2026-13', '2026-12', 'yesterday', '7', '1999-01']) expect(parsePeriod(bad, NOW, 'Asia/Dubai')).toBeNull();
  });
});

describe('parseWhen', () => {
  it('reads now, local brand times and ISO times with a zone', () => {
    expect(parseWhen('now', 'Asia/Dubai')).toBeNull();
    expect(parseWhen('2026-12-01 09:00', 'Asia/Dubai')).toEqual(new Date('2026-12-01T05:00:00Z'));
    expect(parseWhen('2026-12-01', 'Asia/Dubai')).toEqual(new Date('2026-12-01T05:00:00Z'));
    expect(parseWhen('2026-12-01T09:00:00Z', 'Asia/Dubai')).toEqual(new Date('2026-12-01T09:00:00Z'));
    expect(parseWhen('2026-12-01T09:00+08:00', 'Asia/Dubai')).toEqual(new Date('2026-12-01T01:00:00Z'));
    for (const bad of ['tomorrow', '2026-02-30 09:00', '2026-12-01 25:00', '']) expect(parseWhen(bad, 'Asia/Dubai')).toBeUndefined();
  });
});
