import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { compareRulePrecedence, computeEarning, type EarningInput, type EarningLine, type EarningRule } from './earning-rules.js';
import { parseProgramConfig, type ProgramConfig } from './program.js';

// 1 point per AED, no first-purchase bonus, so each test switches on only the step it is about.
const PROGRAM: ProgramConfig = parseProgramConfig({ firstPurchaseBonus: 0 });
// A Tuesday afternoon in Dubai (2026-03-03 14:00 +04:00), outside any birthday used below.
const TUESDAY = new Date('2026-03-03T10:00:00Z');

const line = (amountMinor: number, category = 'perfume', sku = `SKU-${category}`): EarningLine => ({ sku, category, quantity: 1, amountMinor });

function input(overrides: Partial<EarningInput> & { lines: EarningLine[] }): EarningInput {
  return {
    totalMinor: overrides.lines.reduce((s, l) => s + l.amountMinor, 0),
    storeId: 'store-dxb-1',
    storeTimeZone: 'Asia/Dubai',
    occurredAt: TUESDAY,
    member: { tierCode: 'bronze', birthday: null, isFirstPurchase: false },
    program: PROGRAM,
    rules: [],
    ...overrides,
  };
}

let seq = 0;
function rule(partial: Partial<EarningRule> & Pick<EarningRule, 'kind'>): EarningRule {
  seq += 1;
  return {
    id: `rule-${String(seq).padStart(3, '0')}`,
    name: `rule ${seq}`,
    priority: 0,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    stackable: false,
    conditions: {},
    ...partial,
  };
}

/** The rows must always add up to the total: that is the breakdown's contract. */
function earn(i: EarningInput) {
  const result = computeEarning(i);
  expect(result.breakdown.reduce((s, r) => s + r.points, 0)).toBe(result.points);
  return result;
}

describe('step 0: non-positive totals', () => {
  it.each([0, -5_000])('a total of %i earns nothing, not even the first purchase bonus', (totalMinor) => {
    const program = parseProgramConfig({});
    const r = earn(input({ lines: [line(5_000)], totalMinor, program, member: { tierCode: 'gold', birthday: null, isFirstPurchase: true } }));
    expect(r).toEqual({ points: 0, breakdown: [] });
  });
});

describe('step 1: exclusions', () => {
  it('drops excluded categories, excluded SKUs and lines of zero or negative amount', () => {
    const program = parseProgramConfig({ firstPurchaseBonus: 0, excludedSkus: ['BAG-01'] });
    const r = earn(
      input({
        program,
        lines: [line(10_000, 'gift_card'), line(2_000, 'packaging', 'BAG-01'), line(-1_500, 'discount'), line(0, 'sample'), line(4_250, 'perfume')],
        totalMinor: 14_750,
      }),
    );
    expect(r).toEqual({ points: 42, breakdown: [{ step: 'base', points: 42 }] });
  });

  it('a basket of only excluded lines earns nothing, not even the first purchase bonus', () => {
    const program = parseProgramConfig({});
    const r = earn(input({ program, lines: [line(50_000, 'gift_card')], member: { tierCode: 'bronze', birthday: null, isFirstPurchase: true } }));
    expect(r).toEqual({ points: 0, breakdown: [] });
  });

  it('excluded lines never receive a line multiplier', () => {
    const r = earn(input({ lines: [line(10_000, 'gift_card'), line(1_000)], rules: [rule({ kind: 'line_multiplier', multiplierPercent: 500 })] }));
    expect(r.points).toBe(50);
  });
});

describe('step 2: base points', () => {
  it('earns floor(amount x rate) on the sum of lines', () => {
    // 12.34 + 5.00 = 17.34 AED at 1 point per AED.
    expect(earn(input({ lines: [line(1_234), line(500)] }))).toEqual({ points: 17, breakdown: [{ step: 'base', points: 17 }] });
  });

  it('keeps a 0.5 point per AED rate exact across three lines of AED 1.99', () => {
    const program = parseProgramConfig({ firstPurchaseBonus: 0, basePointsPerUnit: 0.5 });
    // 3 x 1.99 x 0.5 = 2.985 -> 2. Flooring per line would give 0, rounding per line 3.
    expect(earn(input({ program, lines: [line(199), line(199), line(199)] })).points).toBe(2);
  });

  it('keeps a 1/3 point per AED rate exact: three lines of AED 1 make exactly one point', () => {
    const program = parseProgramConfig({ firstPurchaseBonus: 0, basePointsPerUnit: { points: 1, perMajorUnits: 3 } });
    // In floating point 1/3 + 1/3 + 1/3 can fall just short of 1 and floor to 0.
    expect(earn(input({ program, lines: [line(100), line(100), line(100)] })).points).toBe(1);
  });

  it('ten lines of AED 0.10 make exactly one point (0.1 summed ten times is 0.9999999999999999 in floats)', () => {
    expect(earn(input({ lines: Array.from({ length: 10 }, () => line(10)) })).points).toBe(1);
  });

  it('stays exact over a thousand small lines at 0.25 point per AED', () => {
    const program = parseProgramConfig({ firstPurchaseBonus: 0, basePointsPerUnit: 0.25 });
    // 1000 x 0.03 AED x 0.25 = 7.5 -> 7.
    expect(earn(input({ program, lines: Array.from({ length: 1_000 }, () => line(3)) })).points).toBe(7);
  });

  it('honours minorUnitsPerMajor (a currency with three decimals)', () => {
    const program = parseProgramConfig({ firstPurchaseBonus: 0, currency: 'KWD', minorUnitsPerMajor: 1_000, basePointsPerUnit: 2 });
    // 1.234 KWD x 2 points per KWD = 2.468 -> 2.
    expect(earn(input({ program, lines: [line(1_234)] })).points).toBe(2);
  });
});

describe('step 3: line multipliers', () => {
  it('multiplies only the matching lines', () => {
    const oud = rule({ kind: 'line_multiplier', multiplierPercent: 200, conditions: { categories: ['oud'] } });
    const r = earn(input({ lines: [line(10_000, 'oud'), line(5_000, 'musk')], rules: [oud] }));
    expect(r).toEqual({
      points: 250,
      breakdown: [
        { step: 'base', points: 150 },
        { step: 'line_multiplier', ruleId: oud.id, points: 100 },
      ],
    });
  });

  it('applies only ONE line multiplier per line, never both', () => {
    const a = rule({ kind: 'line_multiplier', priority: 5, multiplierPercent: 300 });
    const b = rule({ kind: 'line_multiplier', priority: 1, multiplierPercent: 200, stackable: true });
    expect(earn(input({ lines: [line(10_000)], rules: [a, b] })).points).toBe(300);
  });

  it('on a priority tie the rule created first wins, even when the other was edited last and is listed first', () => {
    const older = rule({ kind: 'line_multiplier', priority: 10, multiplierPercent: 300, createdAt: new Date('2025-01-01T00:00:00Z') });
    const newer = rule({ kind: 'line_multiplier', priority: 10, multiplierPercent: 200, createdAt: new Date('2025-06-01T00:00:00Z') });
    // As a loader ordering by updated_at desc would hand them over: the newer rule was edited yesterday.
    const editedRow = { ...newer, updatedAt: new Date('2026-03-02T00:00:00Z') };
    const olderRow = { ...older, updatedAt: new Date('2025-01-01T00:00:00Z') };
    for (const rules of [[editedRow, olderRow], [olderRow, editedRow]]) {
      const r = earn(input({ lines: [line(10_000)], rules }));
      expect(r.points).toBe(300);
      expect(r.breakdown).toContainEqual({ step: 'line_multiplier', ruleId: older.id, points: 200 });
    }
  });

  it('on a tie of priority and createdAt the smallest id wins', () => {
    const t = new Date('2025-01-01T00:00:00Z');
    const b = { ...rule({ kind: 'line_multiplier', multiplierPercent: 200, createdAt: t }), id: 'b' };
    const a = { ...rule({ kind: 'line_multiplier', multiplierPercent: 400, createdAt: t }), id: 'a' };
    expect(earn(input({ lines: [line(1_000)], rules: [b, a] })).points).toBe(40);
  });

  it('priority beats age: a newer rule with higher priority wins', () => {
    const old = rule({ kind: 'line_multiplier', priority: 10, multiplierPercent: 300, createdAt: new Date('2024-01-01T00:00:00Z') });
    const young = rule({ kind: 'line_multiplier', priority: 20, multiplierPercent: 200, createdAt: new Date('2026-01-01T00:00:00Z') });
    expect(earn(input({ lines: [line(10_000)], rules: [old, young] })).points).toBe(200);
  });

  it('chooses per line: a line the top rule does not match falls to the next rule', () => {
    const oud = rule({ kind: 'line_multiplier', priority: 9, multiplierPercent: 300, conditions: { categories: ['oud'] } });
    const all = rule({ kind: 'line_multiplier', priority: 1, multiplierPercent: 200 });
    const r = earn(input({ lines: [line(1_000, 'oud'), line(1_000, 'musk')], rules: [all, oud] }));
    expect(r.points).toBe(30 + 20);
    expect(r.breakdown).toEqual([
      { step: 'base', points: 20 },
      { step: 'line_multiplier', ruleId: oud.id, points: 20 },
      { step: 'line_multiplier', ruleId: all.id, points: 10 },
    ]);
  });

  it('matches SKUs', () => {
    const sku = rule({ kind: 'line_multiplier', multiplierPercent: 500, conditions: { skus: ['OUD-50ML'] } });
    expect(earn(input({ lines: [line(1_000, 'oud', 'OUD-50ML'), line(1_000, 'oud', 'OUD-100ML')], rules: [sku] })).points).toBe(60);
  });

  it('a multiplier below 100% earns less and shows as a negative row', () => {
    const half = rule({ kind: 'line_multiplier', multiplierPercent: 50, conditions: { categories: ['sale'] } });
    const r = earn(input({ lines: [line(3_000, 'sale'), line(1_000)], rules: [half] }));
    expect(r).toEqual({ points: 25, breakdown: [{ step: 'base', points: 40 }, { step: 'line_multiplier', ruleId: half.id, points: -15 }] });
  });

  it('does not reorder the caller’s rules array', () => {
    const a = rule({ kind: 'line_multiplier', priority: 1, multiplierPercent: 200 });
    const b = rule({ kind: 'line_multiplier', priority: 2, multiplierPercent: 300 });
    const rules = [a, b];
    earn(input({ lines: [line(1_000)], rules }));
    expect(rules).toEqual([a, b]);
  });
});

describe('step 4: basket multipliers', () => {
  it('a 2x campaign adds 100% of the step-3 points, after line multipliers', () => {
    const line2x = rule({ kind: 'line_multiplier', multiplierPercent: 200 });
    const campaign = rule({ kind: 'basket_multiplier', multiplierPercent: 200 });
    const r = earn(input({ lines: [line(10_000)], rules: [campaign, line2x] }));
    expect(r).toEqual({
      points: 400,
      breakdown: [
        { step: 'base', points: 100 },
        { step: 'line_multiplier', ruleId: line2x.id, points: 100 },
        { step: 'basket_multiplier', ruleId: campaign.id, points: 200 },
      ],
    });
  });

  it('only the highest-priority non-stackable one applies; every stackable one adds; they add, not compound', () => {
    const ramadan = rule({ kind: 'basket_multiplier', priority: 5, multiplierPercent: 200 });
    const weekend = rule({ kind: 'basket_multiplier', priority: 1, multiplierPercent: 150 });
    const memberDay = rule({ kind: 'basket_multiplier', priority: 0, multiplierPercent: 200, stackable: true });
    const r = earn(input({ lines: [line(10_000)], rules: [weekend, memberDay, ramadan] }));
    // 100 + 100 (Ramadan) + 100 (member day) = 300: 3x, not 2 x 2 = 4x, and the weekend 1.5x is outranked.
    expect(r.points).toBe(300);
    expect(r.breakdown.map((row) => row.ruleId)).toEqual([undefined, ramadan.id, memberDay.id]);
  });

  it('non-stackable ties go to the rule created first', () => {
    const first = rule({ kind: 'basket_multiplier', multiplierPercent: 300, createdAt: new Date('2025-01-01T00:00:00Z') });
    const second = rule({ kind: 'basket_multiplier', multiplierPercent: 200, createdAt: new Date('2025-02-01T00:00:00Z') });
    expect(earn(input({ lines: [line(10_000)], rules: [second, first] })).points).toBe(300);
  });

  it('a basket multiplier below 100% takes nothing away', () => {
    const odd = rule({ kind: 'basket_multiplier', multiplierPercent: 50 });
    expect(earn(input({ lines: [line(10_000)], rules: [odd] }))).toEqual({ points: 100, breakdown: [{ step: 'base', points: 100 }] });
  });

  it('a category condition on a basket rule needs one eligible matching line, then multiplies the whole basket', () => {
    const oudWeek = rule({ kind: 'basket_multiplier', multiplierPercent: 200, conditions: { categories: ['oud'] } });
    expect(earn(input({ lines: [line(1_000, 'musk')], rules: [oudWeek] })).points).toBe(10);
    expect(earn(input({ lines: [line(1_000, 'musk'), line(1_000, 'oud')], rules: [oudWeek] })).points).toBe(40);
  });

  describe('Wednesday member day in Asia/Dubai', () => {
    const memberDay = rule({ kind: 'basket_multiplier', multiplierPercent: 200, stackable: true, conditions: { daysOfWeek: [3] } });
    const at = (iso: string) => earn(input({ lines: [line(10_000)], rules: [memberDay], occurredAt: new Date(iso) })).points;

    it('applies at 01:30 Wednesday in Dubai although it is still Tuesday 21:30 in UTC', () => {
      expect(new Date('2026-03-03T21:30:00Z').getUTCDay()).toBe(2);
      expect(at('2026-03-03T21:30:00Z')).toBe(200);
    });

    it('starts at Dubai midnight and ends at the next Dubai midnight', () => {
      expect(at('2026-03-03T19:59:59.999Z')).toBe(100);
      expect(at('2026-03-03T20:00:00.000Z')).toBe(200);
      expect(at('2026-03-04T19:59:59.999Z')).toBe(200);
      expect(at('2026-03-04T20:00:00.000Z')).toBe(100);
    });
  });

  describe('Ramadan window (from inclusive, to exclusive, on the store wall clock)', () => {
    // Ramadan 1447: 18 Feb 2026 to the eve of Eid, 20 Mar 2026, as local wall-clock times.
    const ramadan = rule({
      kind: 'basket_multiplier',
      multiplierPercent: 200,
      conditions: { from: new Date('2026-02-18T00:00:00Z'), to: new Date('2026-03-20T00:00:00Z') },
    });
    const at = (iso: string, storeTimeZone = 'Asia/Dubai') =>
      earn(input({ lines: [line(10_000)], rules: [ramadan], occurredAt: new Date(iso), storeTimeZone })).points;

    it('starts at exactly 00:00 on 18 Feb in Dubai (20:00 UTC the day before)', () => {
      expect(at('2026-02-17T19:59:59.999Z')).toBe(100);
      expect(at('2026-02-17T20:00:00.000Z')).toBe(200);
    });

    it('ends just before 00:00 on 20 Mar in Dubai', () => {
      expect(at('2026-03-19T19:59:59.999Z')).toBe(200);
      expect(at('2026-03-19T20:00:00.000Z')).toBe(100);
    });

    it('starts at local midnight in a store in another zone too (Kuala Lumpur, +08:00)', () => {
      expect(at('2026-02-17T15:59:59.999Z', 'Asia/Kuala_Lumpur')).toBe(100);
      expect(at('2026-02-17T16:00:00.000Z', 'Asia/Kuala_Lumpur')).toBe(200);
    });
  });
});

describe('step 5: tier bonus', () => {
  const member = (tierCode: string) => ({ tierCode, birthday: null, isFirstPurchase: false });

  it('adds the tier percent and floors once: 19.99 AED at platinum 15% is 22.9885 -> 22, not 19 + 2', () => {
    const r = earn(input({ lines: [line(1_999)], member: member('platinum') }));
    expect(r).toEqual({ points: 22, breakdown: [{ step: 'base', points: 19 }, { step: 'tier_bonus', points: 3 }] });
  });

  it('is a percent of the step-3 points, not of the basket-multiplied points', () => {
    const line2x = rule({ kind: 'line_multiplier', multiplierPercent: 200 });
    const campaign = rule({ kind: 'basket_multiplier', multiplierPercent: 200 });
    // step 3 = 200; campaign +200; gold 10% of 200 = +20.
    expect(earn(input({ lines: [line(10_000)], rules: [line2x, campaign], member: member('gold') })).points).toBe(420);
  });

  it('gives nothing to a tier that is not listed (including inherited object keys)', () => {
    expect(earn(input({ lines: [line(10_000)], member: member('bronze') })).points).toBe(100);
    expect(earn(input({ lines: [line(10_000)], member: member('constructor') })).points).toBe(100);
  });
});

describe('step 6: birthday month bonus', () => {
  const born = (birthday: string | null) => ({ tierCode: 'bronze', birthday, isFirstPurchase: false });

  it('doubles the base points (100%) in the birthday month', () => {
    const r = earn(input({ lines: [line(4_550)], member: born('1990-03-21') }));
    expect(r).toEqual({ points: 91, breakdown: [{ step: 'base', points: 45 }, { step: 'birthday_bonus', points: 46 }] });
  });

  it('is a percent of the step-2 base, not of multiplied points', () => {
    const line3x = rule({ kind: 'line_multiplier', multiplierPercent: 300 });
    expect(earn(input({ lines: [line(10_000)], rules: [line3x], member: born('1990-03-21') })).points).toBe(300 + 100);
  });

  it('uses the store’s wall clock: 1 June 01:00 in Dubai is still 31 May in UTC', () => {
    const occurredAt = new Date('2026-05-31T21:00:00Z');
    expect(earn(input({ lines: [line(10_000)], occurredAt, member: born('1988-06-30') })).points).toBe(200);
    expect(earn(input({ lines: [line(10_000)], occurredAt, member: born('1988-05-01') })).points).toBe(100);
    // The same instant in a store in New York is still 31 May: May birthdays get it there.
    expect(earn(input({ lines: [line(10_000)], occurredAt, storeTimeZone: 'America/New_York', member: born('1988-05-01') })).points).toBe(200);
  });

  it('gives nothing outside the month, without a birthday, or when the programme sets 0%', () => {
    expect(earn(input({ lines: [line(10_000)], member: born('1990-04-01') })).points).toBe(100);
    expect(earn(input({ lines: [line(10_000)], member: born(null) })).points).toBe(100);
    const program = parseProgramConfig({ firstPurchaseBonus: 0, birthdayMonthBonusPercent: 0 });
    expect(earn(input({ lines: [line(10_000)], program, member: born('1990-03-21') })).points).toBe(100);
  });

  it('rejects a malformed birthday', () => {
    expect(() => computeEarning(input({ lines: [line(10_000)], member: born('21/03/1990') }))).toThrow(AppError);
  });
});

describe('steps 7 and 8: one floor, then whole-point bonuses', () => {
  it('floors the sum of all fractional steps once', () => {
    // 0.5/AED on 1.99 AED: base 0.995, line 2x +0.995, gold 10% of 1.99 = 0.199; total 2.189 -> 2.
    const program = parseProgramConfig({ firstPurchaseBonus: 0, basePointsPerUnit: 0.5 });
    const line2x = rule({ kind: 'line_multiplier', multiplierPercent: 200 });
    const r = earn(input({ program, lines: [line(199)], rules: [line2x], member: { tierCode: 'gold', birthday: null, isFirstPurchase: false } }));
    expect(r).toEqual({
      points: 2,
      breakdown: [
        { step: 'base', points: 0 },
        { step: 'line_multiplier', ruleId: line2x.id, points: 1 },
        { step: 'tier_bonus', points: 1 },
      ],
    });
  });

  it('adds the first purchase bonus after flooring', () => {
    const program = parseProgramConfig({ basePointsPerUnit: 0.5 });
    const r = earn(input({ program, lines: [line(199)], member: { tierCode: 'bronze', birthday: null, isFirstPurchase: true } }));
    expect(r).toEqual({ points: 100, breakdown: [{ step: 'base', points: 0 }, { step: 'first_purchase_bonus', points: 100 }] });
    expect(earn(input({ program, lines: [line(199)] })).points).toBe(0);
  });

  it('adds the highest-priority non-stackable basket bonus and every stackable one', () => {
    const big = rule({ kind: 'basket_bonus', priority: 3, bonusPoints: 50 });
    const small = rule({ kind: 'basket_bonus', priority: 1, bonusPoints: 500 });
    const stack = rule({ kind: 'basket_bonus', priority: 0, bonusPoints: 7, stackable: true });
    const r = earn(input({ lines: [line(1_000)], rules: [stack, small, big] }));
    expect(r).toEqual({
      points: 67,
      breakdown: [
        { step: 'base', points: 10 },
        { step: 'basket_bonus', ruleId: big.id, points: 50 },
        { step: 'basket_bonus', ruleId: stack.id, points: 7 },
      ],
    });
  });

  it('bonus points are never multiplied by campaigns or tier', () => {
    const bonus = rule({ kind: 'basket_bonus', bonusPoints: 40 });
    const campaign = rule({ kind: 'basket_multiplier', multiplierPercent: 300 });
    const program = parseProgramConfig({});
    const r = earn(input({ program, lines: [line(1_000)], rules: [bonus, campaign], member: { tierCode: 'diamond', birthday: null, isFirstPurchase: true } }));
    // 10 + 20 (3x) + 2 (diamond 20%) = 32, then +100 first purchase +40 bonus.
    expect(r.points).toBe(172);
  });
});

describe('conditions', () => {
  it('minSpend counts the eligible total, excluded lines do not help, and the boundary is inclusive', () => {
    const spend200 = rule({ kind: 'basket_bonus', bonusPoints: 50, conditions: { minSpendMinor: 20_000 } });
    expect(earn(input({ lines: [line(20_000, 'gift_card'), line(5_000)], rules: [spend200] })).points).toBe(50);
    expect(earn(input({ lines: [line(19_999)], rules: [spend200] })).points).toBe(199);
    expect(earn(input({ lines: [line(20_000)], rules: [spend200] })).points).toBe(250);
  });

  it('tiers restricts a rule to members of those tiers', () => {
    const vip = rule({ kind: 'basket_multiplier', multiplierPercent: 200, conditions: { tiers: ['gold', 'platinum'] } });
    const noTierBonus = parseProgramConfig({ firstPurchaseBonus: 0, tierBonusPercent: {} });
    const as = (tierCode: string) => earn(input({ program: noTierBonus, lines: [line(10_000)], rules: [vip], member: { tierCode, birthday: null, isFirstPurchase: false } })).points;
    expect(as('silver')).toBe(100);
    expect(as('gold')).toBe(200);
    expect(as('platinum')).toBe(200);
  });

  it('storeIds restricts a rule to those stores', () => {
    const mall = rule({ kind: 'basket_bonus', bonusPoints: 25, conditions: { storeIds: ['store-dxb-mall'] } });
    expect(earn(input({ lines: [line(1_000)], rules: [mall] })).points).toBe(10);
    expect(earn(input({ lines: [line(1_000)], rules: [mall], storeId: 'store-dxb-mall' })).points).toBe(35);
  });

  it('a non-matching rule does not block a lower one: conditions are checked before precedence', () => {
    const vipOnly = rule({ kind: 'line_multiplier', priority: 9, multiplierPercent: 500, conditions: { tiers: ['diamond'] } });
    const everyone = rule({ kind: 'line_multiplier', priority: 1, multiplierPercent: 200 });
    expect(earn(input({ lines: [line(1_000)], rules: [vipOnly, everyone] })).points).toBe(20);
  });

  it('an empty list means no restriction', () => {
    const r = rule({ kind: 'basket_bonus', bonusPoints: 5, conditions: { categories: [], storeIds: [], tiers: [], daysOfWeek: [] } });
    expect(earn(input({ lines: [line(1_000)], rules: [r] })).points).toBe(15);
  });
});

describe('bad input', () => {
  it('rejects a rule without its amount and an unknown time zone', () => {
    expect(() => computeEarning(input({ lines: [line(1_000)], rules: [rule({ kind: 'basket_multiplier' })] }))).toThrow(/multiplierPercent/);
    expect(() => computeEarning(input({ lines: [line(1_000)], rules: [rule({ kind: 'basket_bonus', bonusPoints: 1.5 })] }))).toThrow(/bonusPoints/);
    const weekday = rule({ kind: 'basket_bonus', bonusPoints: 1, conditions: { daysOfWeek: [1] } });
    expect(() => computeEarning(input({ lines: [line(1_000)], rules: [weekday], storeTimeZone: 'Mars/Olympus' }))).toThrow(/time zone/);
  });

  it('rejects fractional amounts and amounts too large to compute exactly', () => {
    expect(() => computeEarning(input({ lines: [line(10.5)] }))).toThrow(AppError);
    expect(() => computeEarning(input({ lines: [line(1e12)], rules: [rule({ kind: 'line_multiplier', multiplierPercent: 200 })] }))).toThrow(/too large/);
  });
});

describe('compareRulePrecedence', () => {
  it('sorts by priority desc, then createdAt asc, then id asc', () => {
    const t1 = new Date('2025-01-01T00:00:00Z');
    const t2 = new Date('2025-02-01T00:00:00Z');
    const base = { name: 'r', kind: 'basket_bonus' as const, stackable: false, bonusPoints: 1, conditions: {} };
    const rules: EarningRule[] = [
      { ...base, id: 'd', priority: 1, createdAt: t1 },
      { ...base, id: 'c', priority: 5, createdAt: t2 },
      { ...base, id: 'b', priority: 5, createdAt: t1 },
      { ...base, id: 'a', priority: 5, createdAt: t1 },
    ];
    expect([...rules].sort(compareRulePrecedence).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
