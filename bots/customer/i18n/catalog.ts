import type { Language } from '../../../core/conversation/index.js';

/** Balance figures, already localized where needed (tier names), for the balance message. */
export interface BalanceText {
  points: number;
  /** Earned, waiting for the return window. */
  pendingPoints: number;
  tierName: string;
  memberCode: string;
  next: { tierName: string; pointsNeeded: number } | null;
  expiring: { points: number; date: Date } | null;
}

/** Why a reward cannot be redeemed, with what the message needs. */
export type RewardNote =
  | { kind: 'points'; missing: number }
  | { kind: 'tier'; tierName: string }
  | { kind: 'stock' }
  | { kind: 'limit' }
  | { kind: 'unavailable' };

/** One line of the rewards list; `left` is set when few units remain. */
export interface RewardLine {
  name: string;
  cost: number;
  note: RewardNote | null;
  left: number | null;
}

/** A voucher as the messages show it. */
export interface VoucherText {
  name: string;
  code: string;
  expiresAt: Date;
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
    rewards: string;
    vouchers: string;
    giftCard: string;
    redeemYes: string;
    redeemNo: string;
    history: string;
    human: string;
  };
  help: string;
  fallback: string;
  /** The second misunderstanding in a row: a person is offered. */
  fallbackOfferHuman: string;
  /** An answer found in the brand's knowledge base, with where it comes from. */
  fromKnowledge(answer: string, source: string): string;
  /** A question for the knowledge base that it does not answer; a person is offered. */
  notInKnowledge: string;
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
    earlierPurchases(purchases: number, points: number): string;
    marketingConfirmed(optedIn: boolean): string;
    alreadyMember(memberCode: string): string;
    cancelled: string;
    resume: string;
  };
  nothingToCancel: string;
  balance(b: BalanceText): string;
  notMember: string;
  rewards: {
    /** Rewards are for members: the invitation non-members get. */
    membersOnly: string;
    /** The catalogue; `canRedeem` says whether any line can be redeemed now. */
    list(points: number, lines: RewardLine[], canRedeem: boolean): string;
    empty: string;
    button(name: string, cost: number): string;
    unavailable(note: RewardNote): string;
    confirm(name: string, cost: number, left: number): string;
    declined: string;
    /** A "yes" long after the question: nothing is spent, the list comes again. */
    confirmExpired: string;
    resume: string;
    issued(v: VoucherText & { balance: number }): string;
    qrAlt(code: string): string;
  };
  vouchers: {
    list(items: VoucherText[]): string;
    empty: string;
    qrButton(code: string): string;
    show(v: VoucherText): string;
    notUsable(status: 'redeemed' | 'expired' | 'cancelled'): string;
    notFound: string;
  };
  giftCard: {
    askCode: string;
    invalidCode: string;
    balance(g: { amount: string; last4: string; expiresAt: Date | null }): string;
    notFound: string;
    expired: string;
    blocked: string;
    rateLimited: string;
    cancelled: string;
    resume: string;
    /** Asked mid-enrollment: the sign-up comes first. */
    afterSignUp: string;
  };
  history: {
    /** Movements newest first, then the balance; `held` are purchase points waiting for the return window. */
    list(items: MovementText[], balance: number, held: HeldText[]): string;
    empty: string;
  };
  tiers: {
    /** The programme's tiers, lowest first; `rolling` when qualification counts the last 12 months. */
    overview(lines: TierLine[], rolling: boolean): string;
  };
  referral: {
    invite(memberCode: string, referrerPoints: number, refereePoints: number): string;
    membersOnly(refereePoints: number): string;
    /** The code given at sign-up was used: the friend who invited them. */
    applied: string;
  };
  stores: {
    /** Words that make a store question one about opening hours. */
    hoursWords: RegExp;
    /** Words added to an hours question before searching the knowledge base (the topic, in the KB's words). */
    searchHint: string;
    list(items: StoreLine[]): string;
    none: string;
  };
  human: {
    /** The request was passed on to the team. */
    requested: string;
    /** Asked again while a request is open. */
    alreadyRequested: string;
    /** A complaint or problem: said sorry, and a person will follow up. */
    support: string;
  };
  link: {
    /** The one-time code to send on the other channel. */
    code(code: string, minutes: number): string;
    linked: string;
    invalid: string;
    already: string;
    conflict: string;
    rateLimited: string;
    /** Sent to the customer's WhatsApp when someone asked for a code by their number. */
    codeByWhatsApp(code: string, minutes: number): string;
    /** The same answer whether or not the number is known. */
    codeSentIfKnown: string;
    badPhone: string;
  };
  /** A rating sent with no survey open. */
  npsThanks(score: number | null): string;
  unsubscribe: {
    /** An unsure STOP, asked first. */
    confirm: string;
    /** The customer said no: nothing changed. */
    kept: string;
    /** START: offers again. */
    resubscribed: string;
    done: string;
    /** Never opted in on this channel. */
    notSubscribed: string;
  };
  privacy: {
    confirmExport: string;
    confirmDelete: string;
    /** Answered no: nothing was requested. */
    notRequested: string;
    resume: string;
    exportRequested: string;
    deleteRequested: string;
  };
}

/** A points movement as the history shows it. */
export interface MovementText {
  kind: 'earn' | 'redeem' | 'adjust' | 'expire' | 'reverse' | 'transfer_in' | 'transfer_out' | 'bonus';
  points: number;
  at: Date;
}

/** Points on hold as the history shows them. */
export interface HeldText {
  points: number;
  at: Date;
  releaseAt: Date;
}

/** One tier of the programme as the overview shows it. */
export interface TierLine {
  name: string;
  minPoints: number;
  bonusPercent: number;
  current: boolean;
}

/** A store as the store list shows it. */
export interface StoreLine {
  name: string;
  city: string;
}

/** Locale tags for number and date formatting per language (Latin digits in Arabic, as UAE receipts print them). */
export const LOCALES: Record<Language, string> = { en: 'en-GB', ar: 'ar-AE-u-nu-latn', zh: 'zh-Hant-TW' };

/** Formats whole points with grouping in the language's style. */
export function formatPoints(n: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}

/** Formats an amount in minor units as money in the language's style (AED 123.45, 123.45 د.إ.‏). */
export function formatMoney(minor: number, currency: string, lang: Language): string {
  const format = new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Formats a date (no time) in the language's style. */
export function formatDate(d: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}
