// The brand's campaign rules from brands.settings.campaigns: the weekly frequency cap and quiet hours. Read once per
// batch; anything malformed falls back to the default rather than stopping a campaign midway.
import { z } from 'zod';

/** The frequency cap and quiet hours in force for a brand. */
export interface CampaignRules {
  /** Marketing messages per customer per 7 days, across campaigns and automations. */
  maxPerWeek: number;
  /** Local times ("HH:MM") between which nothing is sent; null = no quiet hours. */
  quietHours: { from: string; until: string } | null;
}

/** What a brand gets unless its settings say otherwise. */
export const DEFAULT_CAMPAIGN_RULES: CampaignRules = { maxPerWeek: 3, quietHours: { from: '21:00', until: '09:00' } };

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const rulesSchema = z.object({
  maxPerWeek: z.number().int().min(1).max(1000).optional(),
  quietHours: z.object({ from: hhmm, until: hhmm }).nullable().optional(),
});

/** The rules from a brand's settings JSON (the `campaigns` key). */
export function campaignRules(settings: Record<string, unknown> | null | undefined): CampaignRules {
  const parsed = rulesSchema.safeParse(settings?.campaigns ?? {});
  if (!parsed.success) return DEFAULT_CAMPAIGN_RULES;
  const quiet = parsed.data.quietHours === undefined ? DEFAULT_CAMPAIGN_RULES.quietHours : parsed.data.quietHours;
  return {
    maxPerWeek: parsed.data.maxPerWeek ?? DEFAULT_CAMPAIGN_RULES.maxPerWeek,
    // Equal ends would mean "quiet all day" or "never": neither is what anybody sets on purpose, so off.
    quietHours: quiet && quiet.from !== quiet.until ? quiet : null,
  };
}
