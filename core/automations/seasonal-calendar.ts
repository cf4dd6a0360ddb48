// The seasonal calendar: Ramadan, the two Eids, Chinese New Year and UAE National Day as Gregorian dates, computed
// with Intl alone (the ICU calendars built into Node), so there is no data file to ship or keep up to date.
//
// Source and caveat: Islamic dates come from ICU's `islamic-umalqura` calendar, the tabulated Umm al-Qura calendar of
// Saudi Arabia. The actual start of Ramadan and of the Eids is announced after a moon sighting and may fall a day
// later (or, rarely, earlier) than the table, and may differ between countries; a brand that wants the announced date
// moves its seasonal campaign by a setting (`dates` in the seasonal automation's settings), never by patching code.
//
// Chinese New Year comes from ICU's `chinese` calendar (astronomical, for China's time zone, as the official calendar
// is), but ICU's new-moon approximation is off by minutes, and when the new moon falls within minutes of midnight in
// Beijing it puts the new year on the wrong day: Node 20's ICU 78 says 2027-02-07 and 2030-02-02, while the Hong Kong
// Observatory and the Purple Mountain Observatory say 2027-02-06 (new moon 23:56 Beijing time) and 2030-02-03 (00:07).
// So ICU picks the lunation that starts the year (its leap-month rules are the hard part) and the day is the Beijing
// date of that new moon computed with Meeus, Astronomical Algorithms ch. 49 (accurate to seconds). Checked for
// 2000–2060: those two years are the only ones where the two differ.

/** The seasonal events the calendar knows. */
export const SEASONAL_EVENT_KEYS = ['ramadan', 'eid-al-fitr', 'eid-al-adha', 'chinese-new-year', 'uae-national-day'] as const;

/** One seasonal event's key. */
export type SeasonalEventKey = (typeof SEASONAL_EVENT_KEYS)[number];

/** A seasonal event on a Gregorian date (`YYYY-MM-DD`, a calendar date with no time zone). */
export interface SeasonalEvent {
  key: SeasonalEventKey;
  date: string;
}

const DAY_MS = 86_400_000;

// Formatting noon UTC of a date in UTC reads that calendar date in the other calendar (no time zone can shift it).
const islamic = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
const chinese = new Intl.DateTimeFormat('en-u-ca-chinese', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });

/** Month and day of a date in another calendar, as ICU writes them (a Chinese leap month reads like "6bis"). */
function monthDay(format: Intl.DateTimeFormat, ms: number): { month: string; day: string } {
  let month = '';
  let day = '';
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return { month, day };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new RangeError(`year must be a whole number in 1900–2100, got ${year}`);
}

/** Every date of the Gregorian `year` whose month and day in `format`'s calendar are `month`/`day` (one, sometimes two). */
function datesOf(format: Intl.DateTimeFormat, year: number, month: string, day: string): string[] {
  assertYear(year);
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1, 12); t < Date.UTC(year + 1, 0, 1); t += DAY_MS) {
    const md = monthDay(format, t);
    if (md.month === month && md.day === day) out.push(isoDate(t));
  }
  return out;
}

const RAD = Math.PI / 180;
// Meeus table 49.A (new moon) and the 14 planetary arguments: [argument at k=0, per lunation, coefficient].
const PLANETARY: ReadonlyArray<readonly [number, number, number]> = [
  [299.77, 0.107408, 0.000325], [251.88, 0.016321, 0.000165], [251.83, 26.651886, 0.000164], [349.42, 36.412478, 0.000126],
  [84.66, 18.206239, 0.00011], [141.74, 53.303771, 0.000062], [207.14, 2.453732, 0.00006], [154.84, 7.30686, 0.000056],
  [34.52, 27.261239, 0.000047], [207.19, 0.121824, 0.000042], [291.34, 1.844379, 0.00004], [161.72, 24.198154, 0.000037],
  [239.56, 25.513099, 0.000035], [331.55, 3.592518, 0.000023],
];

/** Julian Ephemeris Day of new moon number `k` (k = 0 is 6 January 2000), Meeus ch. 49. */
function newMoonJde(k: number): number {
  const T = k / 1236.85;
  const E = 1 - 0.002516 * T - 0.0000074 * T ** 2;
  const M = (2.5534 + 29.1053567 * k - 0.0000014 * T ** 2 - 0.00000011 * T ** 3) * RAD;
  const Mp = (201.5643 + 385.81693528 * k + 0.0107582 * T ** 2 + 0.00001238 * T ** 3 - 0.000000058 * T ** 4) * RAD;
  const F = (160.7108 + 390.67050284 * k - 0.0016118 * T ** 2 - 0.00000227 * T ** 3 + 0.000000011 * T ** 4) * RAD;
  const O = (124.7746 - 1.56375588 * k + 0.0020672 * T ** 2 + 0.00000215 * T ** 3) * RAD;
  const s = Math.sin;
  let jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * T ** 2 - 0.00000015 * T ** 3 + 0.00000000073 * T ** 4;
  jde +=
    -0.4072 * s(Mp) + 0.17241 * E * s(M) + 0.01608 * s(2 * Mp) + 0.01039 * s(2 * F) + 0.00739 * E * s(Mp - M) - 0.00514 * E * s(Mp + M) +
    0.00208 * E * E * s(2 * M) - 0.00111 * s(Mp - 2 * F) - 0.00057 * s(Mp + 2 * F) + 0.00056 * E * s(2 * Mp + M) - 0.00042 * s(3 * Mp) +
    0.00042 * E * s(M + 2 * F) + 0.00038 * E * s(M - 2 * F) - 0.00024 * E * s(2 * Mp - M) - 0.00017 * s(O) - 0.00007 * s(Mp + 2 * M) +
    0.00004 * s(2 * Mp - 2 * F) + 0.00004 * s(3 * M) + 0.00003 * s(Mp + M - 2 * F) + 0.00003 * s(2 * Mp + 2 * F) - 0.00003 * s(Mp + M + 2 * F) +
    0.00003 * s(Mp - M + 2 * F) - 0.00002 * s(Mp - M - 2 * F) - 0.00002 * s(3 * Mp + M) + 0.00002 * s(4 * Mp);
  PLANETARY.forEach(([a, b, c], i) => {
    jde += c * s((a + b * k - (i === 0 ? 0.009173 * T ** 2 : 0)) * RAD);
  });
  return jde;
}

/** TT − UT in seconds (Espenak and Meeus polynomials); a minute off would still be good enough here. */
function deltaTSeconds(year: number): number {
  const t = year - 2000;
  if (year < 2005) return 63.86 + 0.3345 * t - 0.060374 * t ** 2;
  if (year < 2050) return 62.92 + 0.32217 * t + 0.005589 * t ** 2;
  return -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year);
}

const JD_UNIX_EPOCH = 2440587.5;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing date of the new moon nearest the date ICU gave (noon UTC, ms): the day that lunation starts. */
function beijingNewMoonDate(icuNoonMs: number): string {
  const jd = icuNoonMs / DAY_MS + JD_UNIX_EPOCH;
  const k = Math.round((jd - 2451550.09766) / 29.530588861);
  const year = new Date(icuNoonMs).getUTCFullYear();
  const utMs = (newMoonJde(k) - JD_UNIX_EPOCH) * DAY_MS - deltaTSeconds(year) * 1000;
  return isoDate(utMs + BEIJING_OFFSET_MS);
}

/** ICU's Chinese New Year dates of a Gregorian year, with the day corrected by the precise new moon. */
function chineseNewYears(year: number): string[] {
  return datesOf(chinese, year, '1', '1').map((date) => beijingNewMoonDate(Date.parse(`${date}T12:00:00Z`)));
}

const cache = new Map<number, SeasonalEvent[]>();

/**
 * The seasonal events of a Gregorian year, sorted by date (then key). The Islamic year is 11 days shorter than the
 * Gregorian one, so an Islamic event occasionally falls twice in one Gregorian year (Ramadan 2030: 5 January and
 * 26 December); both occurrences are listed.
 */
export function seasonalEvents(year: number): SeasonalEvent[] {
  let events = cache.get(year);
  if (!events) {
    const list: SeasonalEvent[] = [
      ...datesOf(islamic, year, '9', '1').map((date) => ({ key: 'ramadan' as const, date })),
      ...datesOf(islamic, year, '10', '1').map((date) => ({ key: 'eid-al-fitr' as const, date })),
      ...datesOf(islamic, year, '12', '10').map((date) => ({ key: 'eid-al-adha' as const, date })),
      ...chineseNewYears(year).map((date) => ({ key: 'chinese-new-year' as const, date })),
      { key: 'uae-national-day', date: uaeNationalDay(year) },
    ];
    events = list.sort((a, b) => a.date.localeCompare(b.date) || a.key.localeCompare(b.key));
    cache.set(year, events);
  }
  return events.map((e) => ({ ...e }));
}

function first(year: number, key: SeasonalEventKey): string {
  const event = seasonalEvents(year).find((e) => e.key === key);
  // Every Islamic month starts at least once in any Gregorian year (354 < 365 days), and so does the Chinese year.
  if (!event) throw new Error(`no ${key} in ${year}`);
  return event.date;
}

/** The first day of Ramadan (1 Ramadan, Umm al-Qura) in a Gregorian year; the first one when there are two. */
export function ramadanStart(year: number): string {
  return first(year, 'ramadan');
}

/** Eid al-Fitr (1 Shawwal, Umm al-Qura) in a Gregorian year; the first one when there are two. */
export function eidAlFitr(year: number): string {
  return first(year, 'eid-al-fitr');
}

/** Eid al-Adha (10 Dhu al-Hijjah, Umm al-Qura) in a Gregorian year; the first one when there are two. */
export function eidAlAdha(year: number): string {
  return first(year, 'eid-al-adha');
}

/** Chinese New Year (day 1 of month 1 of the Chinese calendar, the Beijing date of its new moon) in a Gregorian year. */
export function chineseNewYear(year: number): string {
  return first(year, 'chinese-new-year');
}

/** UAE National Day: 2 December. */
export function uaeNationalDay(year: number): string {
  assertYear(year);
  return `${year}-12-02`;
}

/** The seasonal events falling on `date` (`YYYY-MM-DD`). */
export function seasonalEventsOn(date: string): SeasonalEvent[] {
  const year = Number(date.slice(0, 4));
  return seasonalEvents(year).filter((e) => e.date === date);
}
