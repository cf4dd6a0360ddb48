// Campaign texts: {variables} checked when staff write them and filled per recipient at send time, and the links in
// them swapped for tracked short links. Pure functions: the engine renders a chunk of recipients in memory.
import { LANGUAGES, type Language } from '../conversation/message.js';

/** The variables a campaign text may use. */
export const TEMPLATE_VARIABLES = ['name', 'first_name', 'points', 'tier', 'member_code'] as const;

/** One recipient's values for the variables. */
export type TemplateValues = Record<(typeof TEMPLATE_VARIABLES)[number], string>;

/** Longest campaign text (LINE's text limit; WhatsApp and Telegram allow more). */
export const MAX_TEXT_LENGTH = 4000;

const VARIABLE = /\{([^{}\s]*)\}/g;
// http(s) links; trailing punctuation ("see https://x.com/a.") belongs to the sentence, not the link.
const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
const TRAILING = /[.,;:!?)\]}'"»”]+$/;

/** The first variable in `text` that is not one of TEMPLATE_VARIABLES, if any. */
export function unknownVariable(text: string): string | null {
  for (const m of text.matchAll(VARIABLE)) {
    const name = m[1] ?? '';
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) return name;
  }
  return null;
}

/** Fills the variables of `text` with `values`. */
export function fillVariables(text: string, values: TemplateValues): string {
  return text.replace(VARIABLE, (whole, name: string) => ((TEMPLATE_VARIABLES as readonly string[]).includes(name) ? values[name as keyof TemplateValues] : whole));
}

/** The distinct http(s) URLs in `text`, in order. */
export function extractUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = m[0].replace(TRAILING, '');
    if (isHttpUrl(url) && !out.includes(url)) out.push(url);
  }
  return out;
}

/** True for an absolute http(s) URL (the only kind a tracked link may redirect to). */
export function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Replaces each URL of `text` that `linkFor` knows with what it returns (the recipient's tracked link). */
export function replaceUrls(text: string, linkFor: (url: string) => string | undefined): string {
  return text.replace(URL_PATTERN, (whole) => {
    const url = whole.replace(TRAILING, '');
    const tracked = linkFor(url);
    return tracked === undefined ? whole : tracked + whole.slice(url.length);
  });
}

/** The text for a recipient: their language, else the brand's default, else English, else any. */
export function pickLanguage(content: Partial<Record<Language, string>>, preferred: string | null | undefined, brandDefault: string): Language | null {
  for (const lang of [preferred, brandDefault, 'en']) {
    if (lang && (LANGUAGES as readonly string[]).includes(lang) && content[lang as Language]) return lang as Language;
  }
  return LANGUAGES.find((l) => content[l]) ?? null;
}

/** The text direction for a language. */
export function directionOf(language: Language): 'ltr' | 'rtl' {
  return language === 'ar' ? 'rtl' : 'ltr';
}

/** The first word of a name (for {first_name}). */
export function firstName(name: string | null | undefined): string {
  return (name ?? '').trim().split(/\s+/)[0] ?? '';
}
