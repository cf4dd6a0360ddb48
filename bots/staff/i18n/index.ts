/** The staff bot's catalogs. */
import type { Language } from '../../../core/conversation/index.js';
import { ar } from './ar.js';
import type { Catalog } from './catalog.js';
import { en } from './en.js';
import { zh } from './zh.js';

export type { Catalog, CardText, ConfirmSummary, HelpKey, CampaignTexts, CampaignShowText, CampaignStatsText, SegmentTexts, SegmentShowText, StatsTexts, StatsText } from './catalog.js';

/** Every catalog by language. */
export const CATALOGS: Record<Language, Catalog> = { en, ar, zh };

/** The catalog of a language (English for anything unknown). */
export function textsFor(language: string | null | undefined): Catalog {
  return CATALOGS[(language ?? 'en') as Language] ?? en;
}

/** Right to left for Arabic. */
export function directionOf(language: Language): 'ltr' | 'rtl' {
  return language === 'ar' ? 'rtl' : 'ltr';
}
