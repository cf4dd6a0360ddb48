// What each automation can be told through `automations.settings`, validated with zod. Strict objects: a misspelt
// key (`rewardPoint`) silently falling back to its default would be worse than the automation refusing to run with a
// logged reason. Texts given replace the default of their language only, so a brand can reword English alone.
import { z } from 'zod';
import type { LocalizedText } from '../../db/schema.js';
import { CAMPAIGN_CHANNELS, TEMPLATE_VARIABLES, type CampaignChannel } from '../campaigns/index.js';
import { SEASONAL_EVENT_KEYS, type SeasonalEventKey } from './seasonal-calendar.js';
import { DEFAULT_SEASONAL_TEXTS, DEFAULT_TEXTS } from './texts.js';

/** The automations a brand can enable (post-purchase NPS lives in core/surveys). */
export const AUTOMATION_KINDS = ['welcome', 'birthday', 'win-back', 'tier-upgrade', 'points-expiry', 'seasonal'] as const;

/** One automation's key (`automations.key`). */
export type AutomationKind = (typeof AUTOMATION_KINDS)[number];

const MAX_TEXT = 4000;

/** Texts per language; each may use the campaign's per-recipient variables and the automation's own `extra` ones. */
function textsSchema(extra: readonly string[]) {
  const allowed = new Set<string>([...TEMPLATE_VARIABLES, ...extra]);
  const text = z
    .string()
    .trim()
    .min(1)
    .max(MAX_TEXT)
    .superRefine((value, ctx) => {
      for (const m of value.matchAll(/\{([^{}\s]*)\}/g)) {
        const name = m[1] ?? '';
        if (!allowed.has(name)) ctx.addIssue({ code: 'custom', message: `unknown variable {${name}}; allowed: ${[...allowed].map((v) => `{${v}}`).join(' ')}` });
      }
    });
  return z.strictObject({ en: text.optional(), ar: text.optional(), zh: text.optional() });
}

const channel = z.enum(CAMPAIGN_CHANNELS as readonly [CampaignChannel, ...CampaignChannel[]]).optional();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date');

const schemas = {
  welcome: z.strictObject({
    texts: textsSchema([]).optional(),
    followUpTexts: textsSchema([]).optional(),
    /** The follow-up goes this many days after enrollment; 0 sends none. */
    days: z.number().int().min(0).max(60).default(3),
    channel,
  }),
  birthday: z.strictObject({
    texts: textsSchema(['bonus']).optional(),
    /** Bonus points credited in the birthday week (0: a greeting only). */
    rewardPoints: z.number().int().min(0).max(1_000_000).default(200),
    channel,
  }),
  'win-back': z.strictObject({
    texts: textsSchema(['days']).optional(),
    /** Days without a purchase after which a member is written to. */
    days: z.number().int().min(7).max(730).default(60),
    channel,
  }),
  'tier-upgrade': z.strictObject({ texts: textsSchema([]).optional(), channel }),
  'points-expiry': z.strictObject({
    texts: textsSchema(['expires_by']).optional(),
    /** How far ahead of expiry the reminder goes (the reminder week is the one this many days from the run). */
    days: z.number().int().min(1).max(90).default(14),
    channel,
  }),
  seasonal: z.strictObject({
    events: z
      .partialRecord(
        z.enum(SEASONAL_EVENT_KEYS),
        z.strictObject({
          enabled: z.boolean().default(true),
          texts: textsSchema([]).optional(),
          /** Announced dates replacing the calendar's for a Gregorian year (moon sighting): { "2026": "2026-03-21" }. */
          dates: z
            .record(z.string().regex(/^\d{4}$/, 'must be a year such as 2026'), z.union([isoDate, z.array(isoDate).min(1).max(2)]))
            .superRefine((dates, ctx) => {
              // A date is looked up under its own year: one filed under another year would silently never fire.
              for (const [year, value] of Object.entries(dates)) {
                for (const d of typeof value === 'string' ? [value] : value) {
                  if (!d.startsWith(`${year}-`)) ctx.addIssue({ code: 'custom', path: [year], message: `${d} is not in ${year}` });
                }
              }
            })
            .optional(),
        }),
      )
      .default({}),
    channel,
  }),
} satisfies Record<AutomationKind, z.ZodType>;

/** The validated settings of each automation. */
export type AutomationSettings = { [K in AutomationKind]: z.output<(typeof schemas)[K]> };

/** Validated settings, or why they are not valid (one line, for the log and for staff). */
export type ParsedSettings<K extends AutomationKind> = { ok: true; settings: AutomationSettings[K] } | { ok: false; error: string };

/** Validates an automation's stored settings ({} gives the defaults). */
export function parseAutomationSettings<K extends AutomationKind>(kind: K, raw: unknown): ParsedSettings<K> {
  const result = schemas[kind].safeParse(raw ?? {});
  if (result.success) return { ok: true, settings: result.data as AutomationSettings[K] };
  const error = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(settings)'}: ${i.message}`).join('; ');
  return { ok: false, error };
}

/** True when `value` names an automation. */
export function isAutomationKind(value: string): value is AutomationKind {
  return (AUTOMATION_KINDS as readonly string[]).includes(value);
}

/** The defaults with the brand's texts laid over them, language by language. */
export function withDefaults(defaults: Required<LocalizedText>, override: LocalizedText | undefined): Required<LocalizedText> {
  return { en: override?.en ?? defaults.en, ar: override?.ar ?? defaults.ar, zh: override?.zh ?? defaults.zh };
}

/** The texts one automation (or seasonal event) sends, defaults merged with the brand's settings. */
export function resolvedTexts(
  settings:
    | { kind: 'welcome'; step: 1 | 2; settings: AutomationSettings['welcome'] }
    | { kind: 'birthday'; settings: AutomationSettings['birthday'] }
    | { kind: 'win-back'; settings: AutomationSettings['win-back'] }
    | { kind: 'tier-upgrade'; settings: AutomationSettings['tier-upgrade'] }
    | { kind: 'points-expiry'; settings: AutomationSettings['points-expiry'] }
    | { kind: 'seasonal'; event: SeasonalEventKey; settings: AutomationSettings['seasonal'] },
): Required<LocalizedText> {
  switch (settings.kind) {
    case 'welcome':
      return settings.step === 1 ? withDefaults(DEFAULT_TEXTS.welcome, settings.settings.texts) : withDefaults(DEFAULT_TEXTS.welcomeFollowUp, settings.settings.followUpTexts);
    case 'birthday':
      return withDefaults(settings.settings.rewardPoints > 0 ? DEFAULT_TEXTS.birthday : DEFAULT_TEXTS.birthdayNoReward, settings.settings.texts);
    case 'win-back':
      return withDefaults(DEFAULT_TEXTS.winBack, settings.settings.texts);
    case 'tier-upgrade':
      return withDefaults(DEFAULT_TEXTS.tierUpgrade, settings.settings.texts);
    case 'points-expiry':
      return withDefaults(DEFAULT_TEXTS.pointsExpiry, settings.settings.texts);
    case 'seasonal':
      return withDefaults(DEFAULT_SEASONAL_TEXTS[settings.event], settings.settings.events[settings.event]?.texts);
  }
}
