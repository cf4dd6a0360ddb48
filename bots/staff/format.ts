// Figures as a staff member reads them: numbers, money and dates in their language, dates on the brand's clock.
import type { Language } from '../../core/conversation/index.js';
import type { LocalizedText } from '../../db/schema.js';

const LOCALES: Record<Language, string> = { en: 'en-GB', ar: 'ar-AE-u-nu-latn', zh: 'zh-Hant' };

/** Formatting for one person: language and the brand's time zone. */
export class Fmt {
  private readonly numbers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;
  private readonly dateTimes: Intl.DateTimeFormat;

  constructor(
    readonly language: Language,
    readonly timeZone: string,
  ) {
    this.numbers = new Intl.NumberFormat(LOCALES[language]);
    this.dates = new Intl.DateTimeFormat(LOCALES[language], { timeZone, year: 'numeric', month: 'short', day: 'numeric' });
    this.dateTimes = new Intl.DateTimeFormat(LOCALES[language], { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  /** A whole number with group separators. */
  num(n: number): string {
    return this.numbers.format(n);
  }

  /** A share 0–1 as a percentage with one decimal. */
  percent(share: number): string {
    return new Intl.NumberFormat(LOCALES[this.language], { style: 'percent', maximumFractionDigits: 1 }).format(share);
  }

  /** An amount in minor units of `currency`. */
  money(minor: number, currency: string): string {
    const f = new Intl.NumberFormat(LOCALES[this.language], { style: 'currency', currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  }

  /** A calendar date on the brand's clock. */
  date(d: Date): string {
    return this.dates.format(d);
  }

  /** A date and time on the brand's clock. */
  dateTime(d: Date): string {
    return this.dateTimes.format(d);
  }

  /** A localized name in this language, else English, else any. */
  text(t: LocalizedText | Record<string, string | undefined>): string {
    const r = t as Record<string, string | undefined>;
    return r[this.language] ?? r.en ?? Object.values(r).find((v): v is string => typeof v === 'string') ?? '';
  }
}
