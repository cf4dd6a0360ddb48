// Wall-clock arithmetic in IANA time zones with Intl alone (no time-zone library): the reading of a zone's clock at
// an instant, its offset from UTC, and the instant a wall time happens. Daylight saving is handled because every
// answer comes from the zone's own rules at that instant.
import { AppError } from './errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter for the zone (building one costs far more than using it); INVALID_INPUT for an unknown zone. */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
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

/** What the zone's clock reads at instant `atMs`, carried in UTC fields (ms), to whole seconds. */
export function wallClockMs(atMs: number, timeZone: string): number {
  const p = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of zoneFormatter(timeZone).formatToParts(atMs)) {
    if (part.type in p) p[part.type as keyof typeof p] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** How far the zone's wall clock is ahead of UTC at instant `atMs`, in ms (+4 h for Asia/Dubai). */
export function zoneOffsetMs(atMs: number, timeZone: string): number {
  // The formatter shows whole seconds, so compare against the instant truncated to its second.
  return wallClockMs(atMs, timeZone) - Math.floor(atMs / 1000) * 1000;
}

/** The instant at which the zone's wall clock shows `wallMs` (a wall time carried in UTC fields). */
export function wallToInstant(wallMs: number, timeZone: string): number {
  // Two passes: the offset at the first guess is right unless a DST change lies between guess and answer.
  const guess = wallMs - zoneOffsetMs(wallMs, timeZone);
  return wallMs - zoneOffsetMs(guess, timeZone);
}
