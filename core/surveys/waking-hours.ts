// Moving a send time into a store's waking hours ('09:00'–'21:00' on the store's wall clock): a survey due at 23:10
// waits for 09:00 the next morning, one due at 06:00 for 09:00 the same morning. Computed with Intl so daylight saving
// zones work too, without a time-zone library.
import { AppError } from '../shared/index.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch (cause) {
      throw new AppError('INVALID_INPUT', `unknown time zone "${timeZone}"`, { cause });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** How far the zone's wall clock is ahead of UTC at an instant (+4 h for Asia/Dubai). */
function offsetMs(atMs: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(atMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) - Math.floor(atMs / 1000) * 1000;
}

/** The instant the zone's wall clock shows `wallMs` (a wall time carried in UTC fields). */
function wallToInstant(wallMs: number, timeZone: string): number {
  const guess = wallMs - offsetMs(wallMs, timeZone);
  return wallMs - offsetMs(guess, timeZone);
}

/** Minutes after midnight of 'HH:MM'; throws INVALID_INPUT for anything else (the column is free text). */
export function parseHhMm(value: string): number {
  const m = HHMM.exec(value);
  if (!m) throw new AppError('INVALID_INPUT', `invalid time of day "${value}" (want HH:MM)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The month of an instant on the zone's wall clock, as 'YYYY-MM'. */
export function localMonth(at: Date, timeZone: string): string {
  const wall = new Date(at.getTime() + offsetMs(at.getTime(), timeZone));
  return `${wall.getUTCFullYear()}-${String(wall.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * `at` when the zone's wall clock then shows a time inside [from, until), otherwise the next instant the clock shows
 * `from`. A window that crosses midnight (from > until, '20:00'–'02:00') is allowed; from = until means always open.
 */
export function intoWakingHours(at: Date, window: { from: string; until: string }, timeZone: string): Date {
  const from = parseHhMm(window.from);
  const until = parseHhMm(window.until);
  if (from === until) return at;
  const t = at.getTime();
  const wall = t + offsetMs(t, timeZone);
  const minuteOfDay = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
  const inside = from < until ? minuteOfDay >= from && minuteOfDay < until : minuteOfDay >= from || minuteOfDay < until;
  if (inside) return at;
  const midnight = wall - (((wall % DAY) + DAY) % DAY);
  // Before the window opens today: today at `from`; after it closed: tomorrow at `from`.
  const day = minuteOfDay < from ? midnight : midnight + DAY;
  return new Date(wallToInstant(day + from * MINUTE, timeZone));
}
