// The fixed whitelist of what a segment expression may filter on. Each field names its kind (which decides the
// operators and values it takes) and the friendly aliases people type. Column names never come from the input:
// the compiler maps these canonical names to member_facts columns.

/** Canonical field names of the segment language. */
export type SegmentField =
  | 'tier'
  | 'points'
  | 'lifetime_spend'
  | 'visits'
  | 'days_since_last_purchase'
  | 'last_purchase'
  | 'days_since_enrolled'
  | 'enrolled'
  | 'favourite_category'
  | 'favourite_product'
  | 'store'
  | 'city'
  | 'channel'
  | 'language'
  | 'birthday_month'
  | 'consent'
  | 'tag'
  | 'nps'
  | 'rfm'
  | 'rfm_r'
  | 'rfm_f'
  | 'rfm_m';

/** What values a field takes, and so which operators apply. */
export type FieldKind =
  /** Whole numbers (points, visits), optionally within min..max. */
  | 'integer'
  /** Major currency units with up to 2 decimals, stored ×100. */
  | 'money'
  /** Whole days elapsed since a timestamp. */
  | 'days'
  /** Calendar dates YYYY-MM-DD (in the brand's time zone). */
  | 'date'
  /** 1–12 or jan…dec. */
  | 'month'
  /** A tier code of the brand; ordered by rank. */
  | 'tier'
  | 'store'
  | 'city'
  /** Free text compared for equality. */
  | 'text'
  /** One of a fixed list of words. */
  | 'choice';

/** One field of the language. */
export interface FieldDef {
  name: SegmentField;
  aliases: readonly string[];
  kind: FieldKind;
  /** For 'choice': the accepted values (canonical). */
  choices?: readonly string[];
  /** What a list of the choices is called in errors ("channels", "NPS categories"). */
  choiceLabel?: string;
  min?: number;
  max?: number;
}

/** Channels a member can be reached on (core/conversation's ChannelName). */
export const CHANNELS = ['web', 'telegram', 'line', 'whatsapp', 'wechat'] as const;

/** RFM segment codes, in the order of the named-segment rules (core/segments/rfm.ts), with display names. */
export const RFM_SEGMENTS = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalists: 'Potential loyalists',
  new: 'New',
  at_risk: 'At risk',
  cant_lose_them: "Can't lose them",
  hibernating: 'Hibernating',
  lost: 'Lost',
} as const;

/** An RFM segment code. */
export type RfmSegment = keyof typeof RFM_SEGMENTS;

const FIELDS: readonly FieldDef[] = [
  { name: 'tier', aliases: ['tier_code'], kind: 'tier' },
  { name: 'points', aliases: ['points_balance', 'balance'], kind: 'integer' },
  { name: 'lifetime_spend', aliases: ['spend', 'total_spend'], kind: 'money' },
  { name: 'visits', aliases: ['purchases'], kind: 'integer', min: 0 },
  { name: 'days_since_last_purchase', aliases: ['days_since_purchase', 'days_since_last_visit', 'days_since_visit'], kind: 'days' },
  { name: 'last_purchase', aliases: ['last_purchase_at', 'last_visit'], kind: 'date' },
  { name: 'days_since_enrolled', aliases: ['days_since_enrollment', 'days_since_joined'], kind: 'days' },
  { name: 'enrolled', aliases: ['enrolled_at', 'enrollment_date', 'joined'], kind: 'date' },
  { name: 'favourite_category', aliases: ['favorite_category', 'category'], kind: 'text' },
  { name: 'favourite_product', aliases: ['favorite_product', 'product'], kind: 'text' },
  { name: 'store', aliases: ['home_store'], kind: 'store' },
  { name: 'city', aliases: [], kind: 'city' },
  { name: 'channel', aliases: ['channels'], kind: 'choice', choices: CHANNELS, choiceLabel: 'channels' },
  { name: 'language', aliases: ['lang'], kind: 'text' },
  { name: 'birthday_month', aliases: ['birth_month'], kind: 'month' },
  { name: 'consent', aliases: ['marketing_consent'], kind: 'choice', choices: [...CHANNELS, 'any', 'none'], choiceLabel: 'consent values' },
  { name: 'tag', aliases: ['tags'], kind: 'text' },
  { name: 'nps', aliases: ['nps_category'], kind: 'choice', choices: ['promoter', 'passive', 'detractor'], choiceLabel: 'NPS categories' },
  { name: 'rfm', aliases: ['rfm_segment'], kind: 'choice', choices: Object.keys(RFM_SEGMENTS), choiceLabel: 'RFM segments' },
  { name: 'rfm_r', aliases: ['recency_score'], kind: 'integer', min: 1, max: 5 },
  { name: 'rfm_f', aliases: ['frequency_score'], kind: 'integer', min: 1, max: 5 },
  { name: 'rfm_m', aliases: ['monetary_score'], kind: 'integer', min: 1, max: 5 },
];

const BY_NAME = new Map<string, FieldDef>(FIELDS.flatMap((f) => [f.name, ...f.aliases].map((n) => [n, f] as const)));

/** The field a (case-insensitive) name or alias stands for. */
export function lookupField(name: string): FieldDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Canonical field names, for error messages and docs. */
export const FIELD_NAMES: readonly SegmentField[] = FIELDS.map((f) => f.name);

/** The field name or alias closest to a misspelt one (edit distance ≤ 2, or ≤ a third of its length), if any. */
export function suggestField(name: string): SegmentField | undefined {
  return closest(name.toLowerCase(), [...BY_NAME.keys()], (n) => BY_NAME.get(n)!.name);
}

/** The candidate closest to `word` within a small edit distance, mapped through `pick`. */
export function closest<T>(word: string, candidates: readonly string[], pick: (candidate: string) => T): T | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(word, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best === undefined ? undefined : pick(best);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Normalizes an RFM segment as typed ("Can't lose them", "at-risk", "Champions") to its code, if it is one. */
export function rfmCode(text: string): RfmSegment | undefined {
  const key = text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  const aliases: Record<string, RfmSegment> = { champion: 'champions', potential_loyalist: 'potential_loyalists', new_customers: 'new', cannot_lose_them: 'cant_lose_them', cant_lose: 'cant_lose_them' };
  if (key in RFM_SEGMENTS) return key as RfmSegment;
  return aliases[key];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A month as typed (1–12, jan, January, sept) to 1–12, if it is one. */
export function monthNumber(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= 12 ? n : undefined;
  }
  if (t === 'sept') return 9;
  const i = MONTHS.indexOf(t) >= 0 ? MONTHS.indexOf(t) : MONTH_NAMES.indexOf(t);
  return i >= 0 ? i + 1 : undefined;
}
