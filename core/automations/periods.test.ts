import { describe, expect, it } from 'vitest';
import { addDays, dailyRun, datesWindow, isoWeek, localDate } from './periods.js';

describe('automation periods', () => {
  it('reads the local date in the brand zone', () => {
    expect(localDate(new Date('2026-11-21T21:00:00Z'), 'Asia/Dubai')).toBe('2026-11-22');
    expect(localDate(new Date('2026-11-21T19:00:00Z'), 'Asia/Dubai')).toBe('2026-11-21');
  });

  it('anchors a run at the latest local run hour, so windows tile whatever the run time', () => {
    // 10:30 in Dubai: today's run; its window is yesterday 10:00 to today 10:00.
    expect(dailyRun(new Date('2026-11-22T06:30:00Z'), 'Asia/Dubai', 10)).toEqual({
      day: '2026-11-22',
      window: { from: new Date('2026-11-21T06:00:00Z'), to: new Date('2026-11-22T06:00:00Z') },
    });
    // 09:00 in Dubai: still yesterday's run.
    expect(dailyRun(new Date('2026-11-22T05:00:00Z'), 'Asia/Dubai', 10).day).toBe('2026-11-21');
  });

  it('spans 23 hours over a spring-forward night', () => {
    const run = dailyRun(new Date('2026-03-08T15:00:00Z'), 'America/New_York', 10);
    expect(run.day).toBe('2026-03-08');
    expect(run.window.to.getTime() - run.window.from.getTime()).toBe(23 * 3_600_000);
  });

  it('names ISO weeks with their week-year', () => {
    expect(isoWeek('2026-11-22')).toEqual({ key: '2026-W47', days: ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'] });
    expect(isoWeek('2026-01-01').key).toBe('2026-W01');
    expect(isoWeek('2027-01-01').key).toBe('2026-W53');
    expect(isoWeek('2025-12-29').key).toBe('2026-W01');
  });

  it('bounds dates by local midnights', () => {
    expect(datesWindow('2026-11-16', '2026-11-22', 'Asia/Dubai')).toEqual({ from: new Date('2026-11-15T20:00:00Z'), to: new Date('2026-11-22T20:00:00Z') });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
