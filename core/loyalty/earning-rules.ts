/*
 * The earning engine: how many points one purchase earns, and why. Pure: the caller loads the programme,
 * the brand's active rules and the member, and passes them in. Also documented in EARNING.md.
 *
 * Order of evaluation (each step is tested on its own in earning-rules.test.ts):
 *   0. A transaction whose totalMinor is zero or negative (a void or a refund) earns nothing at all.
 *   1. Eligible lines: drop lines in programme.excludedCategories or excludedSkus, and lines with
 *      amountMinor <= 0. The eligible total is the sum of what is left; if it is 0, nothing is earned,
 *      not even fixed bonuses (excluded items such as gift cards are cash, not purchases).
 *   2. Base points per eligible line from its amount and programme.basePointsPerUnit.
 *   3. Line multipliers: each line gets at most ONE line_multiplier rule, the applicable one that comes first
 *      by precedence (below). A line rule's `stackable` flag is ignored.
 *   4. Basket multipliers on the step-3 points: the first non-stackable applicable basket_multiplier by
 *      precedence, plus every applicable stackable one. Each adds (multiplierPercent - 100)% of the step-3
 *      points: multipliers ADD, they do not compound, so a 2x Ramadan campaign and a 2x member day make 3x,
 *      not 4x. Each campaign then costs what its owner budgeted whatever else runs, and the result does not
 *      depend on the order they are applied in. A basket multiplier below 100% adds nothing (campaigns never
 *      take points away; a line multiplier below 100% is the way to earn less on some items).
 *   5. Tier bonus: programme.tierBonusPercent[member.tierCode] % of the step-3 points (0 for an unlisted tier).
 *   6. Birthday month bonus: programme.birthdayMonthBonusPercent % of the step-2 base points, when occurredAt
 *      falls in the member's birthday month on the store's wall clock (100 = base points doubled).
 *   7. Floor to whole points, once, here. Steps 2-6 are summed in exact integer sub-points first.
 *   8. Fixed bonuses, in whole points: programme.firstPurchaseBonus if member.isFirstPurchase, then the first
 *      non-stackable applicable basket_bonus by precedence plus every applicable stackable one.
 *
 * Precedence between rules: higher `priority` first; on a tie, the rule CREATED first (earliest createdAt,
 * then the smallest id) wins. Never the most recently edited one (Open Loyalty's behaviour): editing a
 * rule's wording must not change which rule pays, and the order must not depend on how rows were loaded.
 *
 * Conditions (every condition present must hold; an absent or empty list means "no restriction"):
 *   storeIds, tiers (member.tierCode), minSpendMinor (against the ELIGIBLE total, from step 1);
 *   daysOfWeek (0 = Sunday) and the from/to window on the store's wall clock (from inclusive, to exclusive);
 *   categories, skus: for a line_multiplier, the line itself must match; for a basket rule, at least one
 *   eligible line must match.
 *
 * Exactness: 1 point = minorUnitsPerMajor x basePointsPerUnit.perMajorUnits x 10,000 sub-points (a millionth
 * of a point with the defaults). A line's base is amountMinor x rate.points x 10,000 sub-points, an integer;
 * the 10,000 = 100 x 100 absorbs the two nested percentages (line multiplier, then basket, tier or birthday
 * percent), so every intermediate value is an integer and nothing is rounded before step 7.
 *
 * The breakdown has one row per step or rule that contributed. Its rows are whole points that add up to the
 * total: each row is floor(running sum after it) - floor(running sum before it), so rounding is never
 * counted twice and never lost. A line multiplier below 100% shows as a negative row.
 */
import { AppError } from '../shared/errors.js';
import { zoneOffsetMs, type ProgramConfig } from './program.js';

/** The kinds of earning rule. */
export type EarningRuleKind = 'line_multiplier' | 'basket_multiplier' | 'basket_bonus';

/** When a rule applies; every condition present must hold, and an absent or empty list means no restriction. */
export interface EarningConditions {
  categories?: string[];
  skus?: string[];
  storeIds?: string[];
  /** 0 = Sunday … 6 = Saturday, on the store's wall clock. */
  daysOfWeek?: number[];
  /**
   * Window start, inclusive, as a store-local wall-clock time carried in the Date's UTC fields (how a Postgres
   * `timestamp without time zone` or `new Date('2026-02-18T00:00Z')` reads), so one campaign starts at local
   * midnight in every store of a brand whatever its zone.
   */
  from?: Date;
  /** Window end, exclusive, as a store-local wall-clock time like `from`. */
  to?: Date;
  /** Minimum eligible spend (excluded lines do not count), in minor units. */
  minSpendMinor?: number;
  tiers?: string[];
}

/** An earning rule as stored; rules carry no updatedAt on purpose, since an edit must not change precedence. */
export interface EarningRule {
  id: string;
  name: string;
  kind: EarningRuleKind;
  priority: number;
  createdAt: Date;
  /** Basket rules only: stackable rules all apply, non-stackable ones compete and one wins. */
  stackable: boolean;
  /** Multiplier rules: 200 = 2x; a non-negative integer. */
  multiplierPercent?: number;
  /** basket_bonus rules: whole points; a non-negative integer. */
  bonusPoints?: number;
  conditions: EarningConditions;
}

/** One receipt line; amountMinor is what the member paid for the line, net of discounts. */
export interface EarningLine {
  sku: string;
  category: string;
  quantity: number;
  amountMinor: number;
}

/** What the engine needs to know about the member. */
export interface EarningMember {
  tierCode: string;
  /** YYYY-MM-DD, or null when unknown. */
  birthday: string | null;
  isFirstPurchase: boolean;
}

/** Everything one earning computation depends on. */
export interface EarningInput {
  lines: EarningLine[];
  /** The transaction total; zero or negative (void, refund) earns nothing. */
  totalMinor: number;
  storeId: string;
  /** IANA zone of the store, e.g. Asia/Dubai; day of week, campaign windows and birthday month use it. */
  storeTimeZone: string;
  occurredAt: Date;
  member: EarningMember;
  program: ProgramConfig;
  rules: EarningRule[];
}

/** The step a breakdown row comes from. */
export type EarningStep =
  | 'base'
  | 'line_multiplier'
  | 'basket_multiplier'
  | 'tier_bonus'
  | 'birthday_bonus'
  | 'first_purchase_bonus'
  | 'basket_bonus';

/** One contribution to the points earned; rule rows carry the rule's id. */
export interface EarningBreakdownRow {
  step: EarningStep;
  ruleId?: string;
  points: number;
}

/** Points earned and where they came from; the rows' points add up to `points`. */
export interface EarningResult {
  points: number;
  breakdown: EarningBreakdownRow[];
}

/** Rule precedence as a sort comparator: higher priority first, then earliest createdAt, then smallest id. */
export function compareRulePrecedence(a: EarningRule, b: EarningRule): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const ta = a.createdAt.getTime();
  const tb = b.createdAt.getTime();
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// Two nested percentages (line multiplier, then basket/tier/birthday percent) stay exact with 100 x 100.
const PERCENT = 100;
const SUB_POINTS = PERCENT * PERCENT;
const DAY_MS = 86_400_000;
const NONE: readonly EarningRule[] = [];

/** Floor of a / b for integers, exact for safe integers (float division of a non-multiple could round up). */
function floorDiv(a: number, b: number): number {
  let r = a % b;
  if (r < 0) r += b;
  return (a - r) / b;
}

function listHas(list: readonly string[] | undefined, value: string): boolean {
  return list === undefined || list.length === 0 || list.includes(value);
}

function lineMatches(c: EarningConditions, line: EarningLine): boolean {
  return listHas(c.categories, line.category) && listHas(c.skus, line.sku);
}

function isEligible(line: EarningLine, program: ProgramConfig): boolean {
  return line.amountMinor > 0 && !program.excludedCategories.includes(line.category) && !program.excludedSkus.includes(line.sku);
}

function invalid(message: string): AppError {
  return new AppError('INVALID_INPUT', message);
}

function checkRule(rule: EarningRule): void {
  const value = rule.kind === 'basket_bonus' ? rule.bonusPoints : rule.multiplierPercent;
  if (value === undefined || !Number.isSafeInteger(value) || value < 0) {
    const field = rule.kind === 'basket_bonus' ? 'bonusPoints' : 'multiplierPercent';
    throw invalid(`earning rule ${rule.id} (${rule.kind}) needs ${field} as a non-negative integer`);
  }
}

/** Month 1-12 of a YYYY-MM-DD birthday, read without allocating. */
function birthdayMonth(birthday: string): number {
  const m = (birthday.charCodeAt(5) - 48) * 10 + (birthday.charCodeAt(6) - 48);
  if (birthday.length !== 10 || birthday.charCodeAt(4) !== 45 || !(m >= 1 && m <= 12)) {
    throw invalid(`birthday "${birthday}" is not YYYY-MM-DD`);
  }
  return m;
}

/** The first rule by precedence in an already sorted list that is not stackable, or undefined. */
function firstNonStackable(sorted: readonly EarningRule[]): EarningRule | undefined {
  for (const r of sorted) if (!r.stackable) return r;
  return undefined;
}

/** Points one purchase earns, with a breakdown; see the order of evaluation at the top of this file. */
export function computeEarning(input: EarningInput): EarningResult {
  const { lines, program, member } = input;
  if (!(input.totalMinor > 0)) return { points: 0, breakdown: [] };

  // Step 1: eligible total.
  let eligibleTotal = 0;
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountMinor)) throw invalid(`line ${line.sku}: amountMinor must be an integer`);
    if (isEligible(line, program)) eligibleTotal += line.amountMinor;
  }
  if (eligibleTotal <= 0) return { points: 0, breakdown: [] };

  // The store's wall clock, computed only if a rule or the birthday needs it (Intl is the slow part).
  const at = input.occurredAt.getTime();
  let wallMs = Number.NaN;
  const wall = (): number => (Number.isNaN(wallMs) ? (wallMs = at + zoneOffsetMs(at, input.storeTimeZone)) : wallMs);

  // Rules whose basket-level conditions hold, by kind.
  let lineRules: EarningRule[] | undefined;
  let basketMultipliers: EarningRule[] | undefined;
  let basketBonuses: EarningRule[] | undefined;
  for (const rule of input.rules) {
    checkRule(rule);
    const c = rule.conditions;
    if (!listHas(c.storeIds, input.storeId) || !listHas(c.tiers, member.tierCode)) continue;
    if (c.minSpendMinor !== undefined && eligibleTotal < c.minSpendMinor) continue;
    if (c.from !== undefined && wall() < c.from.getTime()) continue;
    if (c.to !== undefined && wall() >= c.to.getTime()) continue;
    if (c.daysOfWeek !== undefined && c.daysOfWeek.length > 0) {
      // 1 January 1970 was a Thursday (4).
      const dow = (((Math.floor(wall() / DAY_MS) + 4) % 7) + 7) % 7;
      if (!c.daysOfWeek.includes(dow)) continue;
    }
    if (rule.kind === 'line_multiplier') {
      (lineRules ??= []).push(rule);
      continue;
    }
    if ((c.categories?.length ?? 0) > 0 || (c.skus?.length ?? 0) > 0) {
      let any = false;
      for (const line of lines) {
        if (isEligible(line, program) && lineMatches(c, line)) {
          any = true;
          break;
        }
      }
      if (!any) continue;
    }
    if (rule.kind === 'basket_multiplier') (basketMultipliers ??= []).push(rule);
    else (basketBonuses ??= []).push(rule);
  }
  const lineSorted = lineRules ? lineRules.sort(compareRulePrecedence) : NONE;

  // Steps 2 and 3, per line, in sub-points.
  const ratePoints = program.basePointsPerUnit.points;
  const lineExtra = lineSorted.length > 0 ? new Array<number>(lineSorted.length).fill(0) : undefined;
  let baseUnits = 0;
  for (const line of lines) {
    if (!isEligible(line, program)) continue;
    const base = line.amountMinor * ratePoints * SUB_POINTS;
    baseUnits += base;
    if (lineExtra === undefined) continue;
    for (let k = 0; k < lineSorted.length; k++) {
      const rule = lineSorted[k] as EarningRule;
      if (!lineMatches(rule.conditions, line)) continue;
      // base is a multiple of 100, so this percentage is exact.
      lineExtra[k] = (lineExtra[k] as number) + (base / PERCENT) * ((rule.multiplierPercent as number) - PERCENT);
      break;
    }
  }

  const scale = program.minorUnitsPerMajor * program.basePointsPerUnit.perMajorUnits * SUB_POINTS;
  const breakdown: EarningBreakdownRow[] = [];
  let running = 0;
  let runningFloor = 0;
  const add = (step: EarningStep, units: number, ruleId?: string): void => {
    if (units === 0) return;
    running += units;
    const f = floorDiv(running, scale);
    breakdown.push(ruleId === undefined ? { step, points: f - runningFloor } : { step, ruleId, points: f - runningFloor });
    runningFloor = f;
  };

  add('base', baseUnits);
  let step3Units = baseUnits;
  if (lineExtra !== undefined) {
    for (let k = 0; k < lineSorted.length; k++) {
      const extra = lineExtra[k] as number;
      step3Units += extra;
      add('line_multiplier', extra, (lineSorted[k] as EarningRule).id);
    }
  }
  // Every line's step-3 value is a multiple of 100, so the percentages below are exact too.
  const step3Hundredth = step3Units / PERCENT;

  // Step 4.
  if (basketMultipliers) {
    basketMultipliers.sort(compareRulePrecedence);
    const winner = firstNonStackable(basketMultipliers);
    for (const rule of basketMultipliers) {
      if (rule.stackable || rule === winner) {
        add('basket_multiplier', step3Hundredth * Math.max(0, (rule.multiplierPercent as number) - PERCENT), rule.id);
      }
    }
  }

  // Step 5.
  const tierPercent = Object.hasOwn(program.tierBonusPercent, member.tierCode) ? (program.tierBonusPercent[member.tierCode] ?? 0) : 0;
  add('tier_bonus', step3Hundredth * tierPercent);

  // Step 6.
  if (member.birthday !== null && program.birthdayMonthBonusPercent > 0) {
    const month = new Date(wall()).getUTCMonth() + 1;
    if (month === birthdayMonth(member.birthday)) add('birthday_bonus', (baseUnits / PERCENT) * program.birthdayMonthBonusPercent);
  }

  // Step 7. All terms are integers, so an unsafe total means the inputs overflowed exact arithmetic.
  if (!Number.isSafeInteger(running) || !Number.isSafeInteger(baseUnits)) {
    throw invalid('earning inputs are too large (or not integers) to compute points exactly');
  }
  let points = runningFloor;

  // Step 8.
  if (member.isFirstPurchase && program.firstPurchaseBonus > 0) {
    points += program.firstPurchaseBonus;
    breakdown.push({ step: 'first_purchase_bonus', points: program.firstPurchaseBonus });
  }
  if (basketBonuses) {
    basketBonuses.sort(compareRulePrecedence);
    const winner = firstNonStackable(basketBonuses);
    for (const rule of basketBonuses) {
      const bonus = rule.bonusPoints as number;
      if ((rule.stackable || rule === winner) && bonus > 0) {
        points += bonus;
        breakdown.push({ step: 'basket_bonus', ruleId: rule.id, points: bonus });
      }
    }
  }
  return { points, breakdown };
}
