import type { Language } from '../../../core/conversation/index.js';
import { ar } from './ar.js';
import type { Catalog } from './catalog.js';
import { en } from './en.js';
import { zh } from './zh.js';

/** The message catalogs, one per language. */
export const catalogs: Record<Language, Catalog> = { en, ar, zh };

/** Text direction of a language. */
export function directionOf(lang: Language): 'ltr' | 'rtl' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

export { formatDate, formatDateTime, formatMoney, formatPoints, formatTime, formatWeekday, zoneName, LOCALES, TICKET_CATEGORIES } from './catalog.js';
export type { Catalog, BalanceText, BirthdayError, HeldText, MovementText, RewardLine, RewardNote, StoreLine, TeamHoursText, TicketCategory, TicketStatusLine, TierLine, VoucherText } from './catalog.js';
