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

/** The categories a customer picks for a ticket (stored in English in `tickets.category`). */
export const TICKET_CATEGORIES = ['points', 'voucher', 'product', 'service', 'delivery', 'other'] as const;
/** A ticket category. */
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/** A ticket as the status answer shows it. */
export interface TicketStatusLine {
  id: number;
  /** The category's label in the customer's language (or the stored category when it is not one of ours). */
  category: string;
  status: 'open' | 'pending_customer' | 'resolved' | 'closed';
  createdAt: Date;
}

/** When the support team answers, for a customer who asked for a person while nobody is on duty; already formatted. */
export interface TeamHoursText {
  /** Opening and closing time of the day they next answer ('10:00', '22:00'), local. */
  open: string;
  close: string;
  /** The time zone's name in the customer's language ("Gulf Standard Time"). */
  zone: string;
  /** Inside opening hours now (nobody is free); otherwise `next` is when they open. */
  openNow: boolean;
  /** The next opening: today, tomorrow or a weekday, and its time. */
  next: { day: 'today' | 'tomorrow' | 'later'; weekday: string; time: string };
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
  handoff: {
    /** An agent has the conversation already. */
    assigned: string;
    /** Waiting for an agent on duty; `position` 1 is next. */
    queued(position: number): string;
    /** Inside opening hours, but nobody is on duty: the request waits. */
    noneFree(position: number, hours: TeamHoursText): string;
    /** Outside opening hours: when the team answers. */
    offHours(hours: TeamHoursText): string;
    /** A request is open already (position null when an agent has it). */
    alreadyQueued(position: number | null): string;
    /** Said first when the bot hands over after misunderstanding three times in a row. */
    misunderstood: string;
    /** Said first when the bot hands over because the customer is upset. */
    upset: string;
  };
  tickets: {
    intro: string;
    askCategory: string;
    category: Record<TicketCategory, string>;
    /** Typed something that is not a category. */
    pickCategory: string;
    /** Optional: the store, or an order or receipt number. */
    askReference: string;
    askDescription: string;
    invalidDescription: string;
    cancelled: string;
    resume: string;
    /** A problem mentioned mid-sign-up: the sign-up comes first (one form at a time). */
    afterSignUp: string;
    /** Opened: its number and the first-response target, already formatted in the store's (or brand's) zone. */
    created(t: { id: number; dueBy: string; store: string | null }): string;
    /** An upset message was recorded as a ticket as it is. */
    createdFromMessage(id: number): string;
    /** The customer's tickets, newest first. */
    status(items: TicketStatusLine[]): string;
    none: string;
    /** "ticket 12" names a ticket that is not theirs (or does not exist). */
    notFound(id: number): string;
  };
  csat: {
    /** After a person helped: "how would you rate our help, 1–5". */
    question: string;
    askComment: string;
    thanks: string;
    /** Not a score from 1 to 5: asked once more. */
    invalid: string;
    /** A rating for a ticket already rated (or not theirs). */
    alreadyNoted: string;
  };
  nps: {
    /** The survey question, 0–10. */
    question: string;
    /** Not a whole number from 0 to 10. */
    invalid: string;
    askReason: string;
    /** A detractor's answer: sorry, and the ticket the team follows up with. */
    detractor(ticketId: number): string;
    passive: string;
    /** A promoter's thanks, with the brand's review link when it has one. */
    promoter(reviewUrl: string | null): string;
    /** An answer after the survey closed: thanked, not recorded. */
    late: string;
    alreadyNoted: string;
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

/** Formats an instant as weekday, date and time on the clock of `timeZone`, with the zone's name. */
export function formatDateTime(d: Date, lang: Language, timeZone: string): string {
  const when = new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(d);
  return `${when} (${zoneName(d, lang, timeZone)})`;
}

/** The time of day of an instant on the clock of `timeZone` ('10:00'). */
export function formatTime(d: Date, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(d);
}

/** The weekday of an instant in `timeZone`, in the language. */
export function formatWeekday(d: Date, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', timeZone }).format(d);
}

/** A time zone's name in the language ("Gulf Standard Time", "توقيت الخليج"). */
export function zoneName(d: Date, lang: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { timeZone, timeZoneName: 'long' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** Formats a date (no time) in the language's style. */
export function formatDate(d: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}
