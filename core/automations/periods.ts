// Days and weeks on a brand's wall clock, for naming automation periods and bounding their audiences. Dates are
// `YYYY-MM-DD` strings (calendar dates, no zone); instants come from the zone's own rules, so DST is handled.
import { wallClockMs, wallToInstant } from '../shared/index.js';

const DAY_MS = 86_400_000;

/** The local date (`YYYY-MM-DD`) in `timeZone` at instant `at`. */
export function localDate(at: Date, timeZone: string): string {
  return new Date(wallClockMs(at.getTime(), timeZone)).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant the local wall clock of `timeZone` shows `hour`:00 on `date`. */
export function localTime(date: string, hour: number, timeZone: string): Date {
  return new Date(wallToInstant(Date.parse(`${date}T00:00:00Z`) + hour * 3_600_000, timeZone));
}

/** A half-open span of time `[from, to)`. */
export interface Window {
  from: Date;
  to: Date;
}

/**
 * The run a daily automation is doing at `now`: the latest local `hour`:00 at or before `now` (the "anchor"), named by
 * its date, and the 24 hours (one local day; 23 or 25 across DST) that ended there. Consecutive anchors tile time, so
 * whatever the moment a run happens (the job, a retry, a manual run before the hour), every instant belongs to exactly
 * one run's window and nobody is picked twice or skipped.
 */
export function dailyRun(now: Date, timeZone: string, hour: number): { day: string; window: Window } {
  let day = localDate(now, timeZone);
  if (localTime(day, hour, timeZone).getTime() > now.getTime()) day = addDays(day, -1);
  return { day, window: dayWindow(day, 0, timeZone, hour) };
}

/** The window of the run of `day` shifted back by `daysBack` days: `[anchor(day − daysBack − 1), anchor(day − daysBack))`. */
export function dayWindow(day: string, daysBack: number, timeZone: string, hour: number): Window {
  const end = addDays(day, -daysBack);
  return { from: localTime(addDays(end, -1), hour, timeZone), to: localTime(end, hour, timeZone) };
}

/** The ISO week of `date`: its key (`2026-W47`, with the ISO week-year) and its seven dates, Monday first. */
export function isoWeek(date: string): { key: string; days: string[] } {
  const ms = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const monday = ms - weekday * DAY_MS;
  // The ISO week-year is the year of the week's Thursday.
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  const days = Array.from({ length: 7 }, (_, i) => new Date(monday + i * DAY_MS).toISOString().slice(0, 10));
  return { key: `${year}-W${String(week).padStart(2, '0')}`, days };
}

/** The local-midnight bounds of the dates `first`..`last` (inclusive) in `timeZone`. */
export function datesWindow(first: string, last: string, timeZone: string): Window {
  return { from: localTime(first, 0, timeZone), to: localTime(addDays(last, 1), 0, timeZone) };
}
