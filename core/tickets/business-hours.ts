// Business-hours arithmetic for SLA due times. Pure: time zones come from Intl (the ICU data Node ships), so no
// dependency is needed, and local days are walked one at a time so DST changes and closed days fall out naturally.
// A business hour is an hour of real elapsed time inside the local opening window: on a day whose window spans a DST
// change the window is an hour longer or shorter, exactly as a clock on the shop wall would show.
import { AppError, wallClockMs, zoneFormatter } from '../shared/index.js';

/** 0 = Sunday … 6 = Saturday, as `Date.getUTCDay()` counts. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Opening hours of one day, local time 'HH:MM'; `close` may be '24:00'. Overnight windows are not supported. */
export interface DayHours {
  open: string;
  close: string;
}

/** When a brand's support counts time: the same hours every day, unless a weekday says otherwise (null = closed). */
export interface BusinessSchedule {
  hours: DayHours;
  byWeekday?: Partial<Record<Weekday, DayHours | null>>;
}

/** The default: 10:00–22:00 every day. */
export const DEFAULT_BUSINESS_SCHEDULE: BusinessSchedule = { hours: { open: '10:00', close: '22:00' } };

const HOUR = 3_600_000;
const DAY = 86_400_000;
// More days than any real schedule needs to pass, so a schedule with no open day fails loudly instead of looping.
const MAX_DAYS = 3_660;

/**
 * The instant `hours` business hours after `start`, counted only inside the opening windows of `schedule` in
 * `timeZone`. A start outside opening hours begins counting at the next opening; a due time landing exactly on a
 * closing time stays there (22:00, not 10:00 the next day). Zero hours returns `start`.
 */
export function addBusinessHours(start: Date, hours: number, timeZone: string, schedule: BusinessSchedule = DEFAULT_BUSINESS_SCHEDULE): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new AppError('INVALID_INPUT', `business hours must be a finite number >= 0, got ${hours}`);
  if (Number.isNaN(start.getTime())) throw new AppError('INVALID_INPUT', 'start is not a valid date');
  const windows = parseSchedule(schedule);
  if (windows.every((w) => w === null)) throw new AppError('INVALID_INPUT', 'the business schedule has no open day');
  zoneFormatter(timeZone); // validates the zone before any arithmetic
  let remaining = Math.round(hours * HOUR);
  if (remaining === 0) return new Date(start.getTime());
  let t = start.getTime();
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = localDate(t, timeZone);
    const window = windows[day.weekday];
    if (window) {
      const openAt = zonedToUtc(day, window.open, timeZone);
      const closeAt = zonedToUtc(day, window.close, timeZone);
      if (t < openAt) t = openAt;
      if (t < closeAt) {
        const available = closeAt - t;
        if (remaining <= available) return new Date(t + remaining);
        remaining -= available;
      }
    }
    t = zonedToUtc(nextDay(day), 0, timeZone);
  }
  throw new AppError('INVALID_INPUT', 'business hours too far in the future');
}

interface LocalDay {
  year: number;
  month: number; // 1–12
  day: number;
  weekday: Weekday;
}

type Window = { open: number; close: number } | null; // minutes since local midnight

function parseSchedule(schedule: BusinessSchedule): Window[] {
  const base = parseHours(schedule.hours);
  return ([0, 1, 2, 3, 4, 5, 6] as const).map((d) => {
    const override = schedule.byWeekday?.[d];
    if (override === undefined) return base;
    return override === null ? null : parseHours(override);
  });
}

function parseHours(h: DayHours): Window {
  const open = minutesOf(h.open);
  const close = minutesOf(h.close);
  if (close <= open) throw new AppError('INVALID_INPUT', `closing time ${h.close} must be after opening time ${h.open}`);
  return { open, close };
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new AppError('INVALID_INPUT', `not a time of day: ${hhmm}`);
  return minutes;
}

/** The wall-clock reading of instant `t` in `timeZone`, as if that reading were UTC (ms). */
function wallClock(t: number, timeZone: string): number {
  return wallClockMs(t, timeZone);
}

/** Offset of the zone at instant `t` (local minus UTC, ms); sub-second precision is dropped by the formatter. */
function offsetAt(t: number, timeZone: string): number {
  return wallClock(t, timeZone) - Math.floor(t / 1000) * 1000;
}

function localDate(t: number, timeZone: string): LocalDay {
  const wall = new Date(wallClock(t, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), weekday: wall.getUTCDay() as Weekday };
}

function nextDay(d: LocalDay): LocalDay {
  const next = new Date(Date.UTC(d.year, d.month - 1, d.day) + DAY);
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), weekday: next.getUTCDay() as Weekday };
}

/**
 * The instant a local wall-clock time happens on day `d`. A time that happens twice (clocks going back) is its first
 * occurrence; a time that does not exist (clocks going forward) moves forward by the gap, as a wall clock would.
 */
function zonedToUtc(d: LocalDay, minutes: number, timeZone: string): number {
  const local = Date.UTC(d.year, d.month - 1, d.day) + minutes * 60_000;
  // The zone's offsets around that day: at most one change within a day either side in any real zone.
  const before = offsetAt(local - DAY, timeZone);
  const after = offsetAt(local + DAY, timeZone);
  const valid = [...new Set([before, after])].map((o) => local - o).filter((t) => offsetAt(t, timeZone) === local - t);
  if (valid.length > 0) return Math.min(...valid);
  return local - before;
}
