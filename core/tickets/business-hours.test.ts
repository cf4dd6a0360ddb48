import { describe, expect, it } from 'vitest';
import { addBusinessHours, type BusinessSchedule } from './business-hours.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const add = (start: string, hours: number, zone: string, schedule?: BusinessSchedule) => iso(addBusinessHours(at(start), hours, zone, schedule));

// 1 March 2026 is a Sunday; Dubai is UTC+4 all year, Taipei UTC+8, London GMT/BST (BST from 29 March, GMT again from 25 October 2026).
describe('addBusinessHours, default 10:00–22:00 every day', () => {
  it('adds within one day', () => {
    // 12:00 Dubai + 8h = 20:00 Dubai.
    expect(add('2026-03-02T08:00:00Z', 8, 'Asia/Dubai')).toBe('2026-03-02T16:00:00.000Z');
  });

  it('carries what is left of the day over to the next opening', () => {
    // 20:00 Dubai + 8h: 2h today, 6h from 10:00 tomorrow = 16:00.
    expect(add('2026-03-02T16:00:00Z', 8, 'Asia/Dubai')).toBe('2026-03-03T12:00:00.000Z');
  });

  it('starts counting at the opening when created before it or after closing', () => {
    expect(add('2026-03-02T03:00:00Z', 1, 'Asia/Dubai')).toBe('2026-03-02T07:00:00.000Z'); // 07:00 → 11:00
    expect(add('2026-03-02T19:00:00Z', 1, 'Asia/Dubai')).toBe('2026-03-03T07:00:00.000Z'); // 23:00 → 11:00 next day
  });

  it('keeps a due time that lands on the closing time on that day', () => {
    expect(add('2026-03-02T17:00:00Z', 1, 'Asia/Dubai')).toBe('2026-03-02T18:00:00.000Z'); // 21:00 → 22:00
  });

  it('spans several days: 72 business hours from an opening end six days later at closing', () => {
    expect(add('2026-03-02T06:00:00Z', 72, 'Asia/Dubai')).toBe('2026-03-07T18:00:00.000Z');
  });

  it('counts in the given zone: the same instant gives different due times in Dubai and Taipei', () => {
    // 15:00Z is 19:00 in Dubai (3h left today) and 23:00 in Taipei (closed until 10:00).
    expect(add('2026-03-02T15:00:00Z', 2, 'Asia/Dubai')).toBe('2026-03-02T17:00:00.000Z');
    expect(add('2026-03-02T15:00:00Z', 2, 'Asia/Taipei')).toBe('2026-03-03T04:00:00.000Z');
    // Taipei across a day: 21:00 + 5h = 1h today, 4h tomorrow → 14:00.
    expect(add('2026-03-02T13:00:00Z', 5, 'Asia/Taipei')).toBe('2026-03-03T06:00:00.000Z');
  });

  it('follows London across the spring DST change', () => {
    // Sat 28 March 21:00 GMT + 2h: 1h Saturday, then 10:00 BST (09:00Z) Sunday + 1h. UTC arithmetic would say 11:00Z.
    expect(add('2026-03-28T21:00:00Z', 2, 'Europe/London')).toBe('2026-03-29T10:00:00.000Z');
  });

  it('follows London across the autumn DST change', () => {
    // Sat 24 October 21:00 BST (20:00Z) + 2h: 1h Saturday, then 10:00 GMT (10:00Z) Sunday + 1h.
    expect(add('2026-10-24T20:00:00Z', 2, 'Europe/London')).toBe('2026-10-25T11:00:00.000Z');
  });

  it('counts real hours on a day whose window spans the DST change', () => {
    const allDay: BusinessSchedule = { hours: { open: '00:00', close: '24:00' } };
    // 29 March in London has 23 hours: 24 business hours from its midnight end at 01:00 BST on the 30th.
    expect(add('2026-03-29T00:00:00Z', 24, 'Europe/London', allDay)).toBe('2026-03-30T00:00:00.000Z');
    expect(add('2026-03-29T00:00:00Z', 23, 'Europe/London', allDay)).toBe('2026-03-29T23:00:00.000Z');
    // 25 October has 25 hours.
    expect(add('2026-10-24T23:00:00Z', 25, 'Europe/London', allDay)).toBe('2026-10-26T00:00:00.000Z');
  });

  it('handles fractions of an hour and zero', () => {
    expect(add('2026-03-02T17:45:00Z', 0.5, 'Asia/Dubai')).toBe('2026-03-03T06:15:00.000Z'); // 21:45 + 30 min
    expect(add('2026-03-02T20:00:00Z', 0, 'Asia/Dubai')).toBe('2026-03-02T20:00:00.000Z');
  });
});

describe('addBusinessHours with a brand schedule', () => {
  // Closed on Fridays, 14:00–22:00 on Saturdays.
  const schedule: BusinessSchedule = { hours: { open: '10:00', close: '22:00' }, byWeekday: { 5: null, 6: { open: '14:00', close: '22:00' } } };

  it('skips closed days and uses a weekday’s own hours', () => {
    // Thu 5 March 21:00 Dubai + 2h: 1h Thursday, Friday closed, Saturday from 14:00 + 1h = 15:00.
    expect(add('2026-03-05T17:00:00Z', 2, 'Asia/Dubai', schedule)).toBe('2026-03-07T11:00:00.000Z');
  });

  it('rejects schedules and inputs that make no sense', () => {
    const start = at('2026-03-02T08:00:00Z');
    const bad = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    bad(() => addBusinessHours(start, -1, 'Asia/Dubai'));
    bad(() => addBusinessHours(start, Number.NaN, 'Asia/Dubai'));
    bad(() => addBusinessHours(start, 1, 'Mars/Olympus'));
    bad(() => addBusinessHours(start, 1, 'Asia/Dubai', { hours: { open: '22:00', close: '10:00' } }));
    bad(() => addBusinessHours(start, 1, 'Asia/Dubai', { hours: { open: '10:00', close: '25:00' } }));
    bad(() => addBusinessHours(start, 1, 'Asia/Dubai', { hours: { open: '10:00', close: '22:00' }, byWeekday: { 0: null, 1: null, 2: null, 3: null, 4: null, 5: null, 6: null } }));
  });
});

describe('addBusinessHours against a minute-by-minute count', () => {
  // An independent oracle: step through real minutes, counting those whose local time is inside the window.
  const formats = new Map<string, Intl.DateTimeFormat>();
  const minuteOfDay = (t: number, zone: string) => {
    if (!formats.has(zone)) formats.set(zone, new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }));
    const parts = formats.get(zone)!.formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return get('hour') * 60 + get('minute');
  };
  const oracle = (start: number, hours: number, zone: string, open: number, close: number) => {
    let left = hours * 60;
    let t = start;
    if (left === 0) return t;
    for (;;) {
      const m = minuteOfDay(t, zone);
      if (m >= open && m < close) {
        left -= 1;
        if (left === 0) return t + 60_000;
      }
      t += 60_000;
    }
  };
  // A small deterministic generator, so a failure is reproducible.
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };

  it.each(['Asia/Dubai', 'Asia/Taipei', 'Europe/London'])('agrees in %s, DST weekends included', (zone) => {
    const schedule: BusinessSchedule = { hours: { open: '08:30', close: '17:15' } };
    const base = Date.UTC(2026, 2, 27); // from 27 March, across London's spring change
    for (let i = 0; i < 25; i++) {
      const start = base + rand(4 * 24 * 60) * 60_000;
      const hours = rand(20) + rand(4) / 4;
      expect(addBusinessHours(new Date(start), hours, zone, schedule).getTime(), `${new Date(start).toISOString()} + ${hours}h`).toBe(oracle(start, hours, zone, 8 * 60 + 30, 17 * 60 + 15));
    }
  });
});
