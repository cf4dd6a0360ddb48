import type { Language } from '../../../core/conversation/index.js';

/** Balance figures, already localized where needed (tier names), for the balance message. */
export interface BalanceText {
  points: number;
  tierName: string;
  memberCode: string;
  next: { tierName: string; pointsNeeded: number } | null;
  expiring: { points: number; date: Date } | null;
}

/** Why a birthday answer was not accepted. */
export type BirthdayError = 'unrecognized' | 'impossible' | 'future' | 'too_old' | 'too_young';

/** Every text the customer bot can say, in one language. Functions take what they interpolate. */
export interface Catalog {
  languageName: string;
  greeting(name: string | null): string;
  menuPrompt: string;
  /** Typed words that mean "skip this optional question" (lower-case). */
  skipWords: string[];
  buttons: {
    join: string;
    balance: string;
    language: string;
    help: string;
    yes: string;
    no: string;
    accept: string;
    decline: string;
    skip: string;
    cancel: string;
    shareContact: string;
    optIn: string;
    optOut: string;
  };
  help: string;
  fallback: string;
  tooLong: string;
  media: string;
  emojiOnly: string;
  somethingWentWrong: string;
  thanks: string;
  goodbye: string;
  chooseLanguage: string;
  languageSet: string;
  enroll: {
    intro: string;
    askName: string;
    invalidName: string;
    askBirthday: string;
    birthdayError(reason: BirthdayError): string;
    askPhone: string;
    invalidPhone: string;
    phoneFromContact(phone: string): string;
    askTerms(version: string): string;
    termsDeclined: string;
    askMarketing: string;
    answerYesNo: string;
    welcome(name: string, memberCode: string, tierName: string): string;
    marketingConfirmed(optedIn: boolean): string;
    alreadyMember(memberCode: string): string;
    cancelled: string;
    resume: string;
  };
  nothingToCancel: string;
  balance(b: BalanceText): string;
  notMember: string;
}

/** Locale tags for number and date formatting per language (Latin digits in Arabic, as UAE receipts print them). */
export const LOCALES: Record<Language, string> = { en: 'en-GB', ar: 'ar-AE-u-nu-latn', zh: 'zh-Hant-TW' };

/** Formats whole points with grouping in the language's style. */
export function formatPoints(n: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}

/** Formats a date (no time) in the language's style. */
export function formatDate(d: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}
