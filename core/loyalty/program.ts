// A brand's loyalty programme settings, stored as JSON in brands.settings and validated once when loaded.
// Money is in integer minor units and points are whole numbers; the one fractional setting, the base earn
// rate, is kept as a ratio of two integers so that 0.5 or 1/3 point per unit never meets floating point.
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { wallToInstant, zoneOffsetMs } from '../shared/time-zone.js';

/** The most decimal places accepted when the base rate is written as a plain number (0.25, 1.5). */
export const MAX_RATE_DECIMALS = 4;

const nonNegativeInt = z.number().int().min(0);

/**
 * `points` earned for every `perMajorUnits` major currency units spent: 0.5 point per AED is
 * { points: 1, perMajorUnits: 2 }, and 1 point per 3 AED is { points: 1, perMajorUnits: 3 }.
 */
const pointsRateSchema = z.strictObject({
  points: nonNegativeInt.max(1_000_000),
  perMajorUnits: z.number().int().min(1).max(10_000),
});

/** Why a number can't be a rate, or the rate as an exact ratio (reduced, so products stay small). */
function decimalToRate(value: number): { points: number; perMajorUnits: number } | string {
  if (!Number.isFinite(value) || value < 0) return 'must be a non-negative number';
  const text = String(value);
  // String(x) is the shortest text that reads back as x, so it is the decimal the author wrote.
  const decimals = text.includes('e') ? Infinity : (text.split('.')[1]?.length ?? 0);
  if (decimals > MAX_RATE_DECIMALS) {
    return `use at most ${MAX_RATE_DECIMALS} decimal places, or { points, perMajorUnits } for a fraction such as 1/3`;
  }
  const per = 10 ** decimals;
  return reduceRate(Math.round(value * per), per);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function reduceRate(points: number, perMajorUnits: number): { points: number; perMajorUnits: number } {
  const d = points === 0 ? perMajorUnits : gcd(points, perMajorUnits);
  return { points: points / d, perMajorUnits: perMajorUnits / d };
}

// A plain number (1, 0.5, 2.25) is accepted for convenience and turned into the exact ratio before validation.
const basePointsPerUnitSchema = z
  .preprocess((value, ctx) => {
    if (typeof value !== 'number') return value;
    const rate = decimalToRate(value);
    if (typeof rate === 'string') {
      ctx.addIssue({ code: 'custom', message: rate });
      return value;
    }
    return rate;
  }, pointsRateSchema)
  .transform((r) => reduceRate(r.points, r.perMajorUnits));

const expirySchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('months_after_earn'), months: z.number().int().min(1).max(120) }),
  z.strictObject({ policy: z.literal('end_of_year') }),
  z.strictObject({ policy: z.literal('never') }),
]);

const referralSchema = z.strictObject({
  referrerPoints: nonNegativeInt.default(300),
  refereePoints: nonNegativeInt.default(200),
  /** Friends one member can refer in all: a cap on farming bonuses with made-up accounts. */
  maxReferrals: nonNegativeInt.max(10_000).default(20),
});

/**
 * The programme settings schema. Strict: an unknown key is an error, because a misspelt setting
 * (`pendingDay`) silently falling back to its default is worse than refusing to start.
 */
export const programConfigSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as AED').default('AED'),
  minorUnitsPerMajor: z.number().int().min(1).max(10_000).default(100),
  basePointsPerUnit: basePointsPerUnitSchema.default(() => ({ points: 1, perMajorUnits: 1 })),
  // A brand's map replaces the default map whole: a tier missing from it gets no bonus.
  tierBonusPercent: z
    .record(z.string().min(1), nonNegativeInt.max(1_000))
    .default(() => ({ silver: 5, gold: 10, platinum: 15, diamond: 20 })),
  pendingDays: nonNegativeInt.max(365).default(14),
  expiry: expirySchema.default(() => ({ policy: 'months_after_earn' as const, months: 12 })),
  tierQualification: z.enum(['rolling_12_months', 'lifetime']).default('rolling_12_months'),
  downgradeGraceDays: nonNegativeInt.max(365).default(30),
  birthdayMonthBonusPercent: nonNegativeInt.max(1_000).default(100),
  firstPurchaseBonus: nonNegativeInt.default(100),
  referral: referralSchema.default(() => ({ referrerPoints: 300, refereePoints: 200, maxReferrals: 20 })),
  excludedCategories: z.array(z.string().min(1)).default(() => ['gift_card']),
  excludedSkus: z.array(z.string().min(1)).default(() => []),
});

/** A validated programme configuration (the output of `parseProgramConfig`). */
export type ProgramConfig = z.output<typeof programConfigSchema>;

/** The base earn rate as an exact ratio: `points` per `perMajorUnits` major units. */
export type PointsRate = ProgramConfig['basePointsPerUnit'];

/** The expiry policy for earned points. */
export type ExpiryPolicy = ProgramConfig['expiry'];

/** Thrown by `parseProgramConfig`, with one line per bad field. */
export class ProgramConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super('INVALID_INPUT', `Invalid loyalty programme settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProgramConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${at ? `${at}.` : ''}${k}: unknown setting`);
  }
  return [`${at || '(settings)'}: ${issue.message}`];
}

// brands.settings also holds other modules' sections (core/campaigns reads `campaigns`): they are theirs to validate,
// while a misspelt programme key is still an error here.
const OTHER_SECTIONS = ['campaigns'];

function withoutOtherSections(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  return Object.fromEntries(Object.entries(json).filter(([k]) => !OTHER_SECTIONS.includes(k)));
}

/** Validates stored programme settings (parsed JSON); missing fields take their defaults, so `{}` is the default programme. */
export function parseProgramConfig(json: unknown): ProgramConfig {
  const parsed = programConfigSchema.safeParse(withoutOtherSections(json));
  if (parsed.success) return parsed.data;
  throw new ProgramConfigError(parsed.error.issues.flatMap(describeIssue));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The default programme (AED, 1 point per AED, 12-month expiry); frozen, since it is shared by every brand without settings. */
export const DEFAULT_PROGRAM: ProgramConfig = deepFreeze(parseProgramConfig({}));

// ---- time zones -------------------------------------------------------------------------------------

export { zoneOffsetMs } from '../shared/time-zone.js';

const DAY_MS = 86_400_000;

/**
 * When points earned at `earnedAt` expire, or null if they never do, computed on the brand's wall clock:
 * `end_of_year` is 23:59:59.999 on 31 December of the local year of earning; `months_after_earn` is the
 * same local time N calendar months later, the day clamped to the month's end (31 Jan + 1 month = 28/29 Feb).
 */
export function expiryFor(earnedAt: Date, cfg: Pick<ProgramConfig, 'expiry'>, timeZone: string): Date | null {
  const policy = cfg.expiry;
  if (policy.policy === 'never') return null;
  const t = earnedAt.getTime();
  const wall = new Date(t + zoneOffsetMs(t, timeZone));
  const year = wall.getUTCFullYear();
  if (policy.policy === 'end_of_year') {
    return new Date(wallToInstant(Date.UTC(year, 11, 31, 23, 59, 59, 999), timeZone));
  }
  const target = wall.getUTCMonth() + policy.months;
  const ty = year + Math.floor(target / 12);
  const tm = target % 12;
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  const timeOfDay = ((wall.getTime() % DAY_MS) + DAY_MS) % DAY_MS;
  const targetWall = Date.UTC(ty, tm, Math.min(wall.getUTCDate(), lastDay)) + timeOfDay;
  return new Date(wallToInstant(targetWall, timeZone));
}
