// Moving a send time into a store's waking hours ('09:00'–'21:00' on the store's wall clock): a survey due at 23:10
// waits for 09:00 the next morning, one due at 06:00 for 09:00 the same morning. Computed with Intl so daylight saving
// zones work too, without a time-zone library.
import { AppError, wallToInstant, zoneOffsetMs } from '../shared/index.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of 'HH:MM'; throws INVALID_INPUT for anything else (the column is free text). */
export function parseHhMm(value: string): number {
  const m = HHMM.exec(value);
  if (!m) throw new AppError('INVALID_INPUT', `invalid time of day "${value}" (want HH:MM)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The month of an instant on the zone's wall clock, as 'YYYY-MM'. */
export function localMonth(at: Date, timeZone: string): string {
  const wall = new Date(at.getTime() + zoneOffsetMs(at.getTime(), timeZone));
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
  const wall = t + zoneOffsetMs(t, timeZone);
  const minuteOfDay = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
  const inside = from < until ? minuteOfDay >= from && minuteOfDay < until : minuteOfDay >= from || minuteOfDay < until;
  if (inside) return at;
  const midnight = wall - (((wall % DAY) + DAY) % DAY);
  // Before the window opens today: today at `from`; after it closed: tomorrow at `from`.
  const day = minuteOfDay < from ? midnight : midnight + DAY;
  return new Date(wallToInstant(day + from * MINUTE, timeZone));
}
