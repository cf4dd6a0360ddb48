import { asc, eq } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';

/** A tier as the programme defines it. */
export interface TierDef {
  code: string;
  name: LocalizedText;
  minPoints: number;
}

/** Default tiers: Bronze 0–999, Silver 1,000–4,999, Gold 5,000–14,999, Platinum 15,000–49,999, Diamond 50,000+. */
export const DEFAULT_TIERS: readonly TierDef[] = [
  { code: 'bronze', name: { en: 'Bronze', ar: 'برونزي', zh: '銅卡' }, minPoints: 0 },
  { code: 'silver', name: { en: 'Silver', ar: 'فضي', zh: '銀卡' }, minPoints: 1_000 },
  { code: 'gold', name: { en: 'Gold', ar: 'ذهبي', zh: '金卡' }, minPoints: 5_000 },
  { code: 'platinum', name: { en: 'Platinum', ar: 'بلاتيني', zh: '白金卡' }, minPoints: 15_000 },
  { code: 'diamond', name: { en: 'Diamond', ar: 'ماسي', zh: '鑽石卡' }, minPoints: 50_000 },
];

/** The tier reached with `points` qualifying points (tiers in any order; the lowest tier is the floor). */
export function tierFor(points: number, tiers: readonly TierDef[]): TierDef {
  const sorted = [...tiers].sort((a, b) => a.minPoints - b.minPoints);
  let current = sorted[0];
  if (!current) throw new Error('a programme needs at least one tier');
  for (const t of sorted) if (points >= t.minPoints) current = t;
  return current;
}

/** The next tier above `points` and how many points it still needs; null at the top tier. */
export function nextTier(points: number, tiers: readonly TierDef[]): { tier: TierDef; pointsNeeded: number } | null {
  const above = [...tiers].sort((a, b) => a.minPoints - b.minPoints).find((t) => t.minPoints > points);
  return above ? { tier: above, pointsNeeded: above.minPoints - points } : null;
}

/** The brand's configured tiers, lowest first; the defaults when the brand has none. */
export async function loadTiers(db: Db, brandId: string): Promise<TierDef[]> {
  const rows = await db.select().from(schema.tiers).where(eq(schema.tiers.brandId, brandId)).orderBy(asc(schema.tiers.rank));
  return rows.length > 0 ? rows.map((r) => ({ code: r.code, name: r.name, minPoints: r.minPoints })) : [...DEFAULT_TIERS];
}
