import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { DEFAULT_PROGRAM, expiryFor, parseProgramConfig, ProgramConfigError, zoneOffsetMs } from './program.js';

describe('parseProgramConfig', () => {
  it('gives the documented defaults for {}', () => {
    expect(parseProgramConfig({})).toEqual({
      currency: 'AED',
      minorUnitsPerMajor: 100,
      basePointsPerUnit: { points: 1, perMajorUnits: 1 },
      tierBonusPercent: { silver: 5, gold: 10, platinum: 15, diamond: 20 },
      pendingDays: 14,
      expiry: { policy: 'months_after_earn', months: 12 },
      tierQualification: 'rolling_12_months',
      downgradeGraceDays: 30,
      birthdayMonthBonusPercent: 100,
      firstPurchaseBonus: 100,
      referral: { referrerPoints: 300, refereePoints: 200, maxReferrals: 20 },
      excludedCategories: ['gift_card'],
      excludedSkus: [],
    });
    expect(DEFAULT_PROGRAM).toEqual(parseProgramConfig({}));
  });

  it('hands out fresh defaults, and DEFAULT_PROGRAM is frozen so no caller can change it for everyone', () => {
    const a = parseProgramConfig({});
    a.excludedCategories.push('voucher');
    expect(parseProgramConfig({}).excludedCategories).toEqual(['gift_card']);
    expect(() => DEFAULT_PROGRAM.excludedCategories.push('voucher')).toThrow(TypeError);
    expect(Object.isFrozen(DEFAULT_PROGRAM.tierBonusPercent)).toBe(true);
  });

  it.each([
    [0.5, { points: 1, perMajorUnits: 2 }],
    [2, { points: 2, perMajorUnits: 1 }],
    [0.1, { points: 1, perMajorUnits: 10 }],
    [0.3, { points: 3, perMajorUnits: 10 }],
    [1.25, { points: 5, perMajorUnits: 4 }],
    [0.0005, { points: 1, perMajorUnits: 2_000 }],
    [0, { points: 0, perMajorUnits: 1 }],
  ])('turns a decimal base rate %d into the exact ratio %o', (rate, expected) => {
    expect(parseProgramConfig({ basePointsPerUnit: rate }).basePointsPerUnit).toEqual(expected);
  });

  it("leaves other modules' sections of the brand settings alone but still refuses a misspelt programme key", () => {
    expect(parseProgramConfig({ campaigns: { maxPerWeek: 2 }, pendingDays: 3 }).pendingDays).toBe(3);
    expect(() => parseProgramConfig({ campaigns: {}, pendingDay: 3 })).toThrow(/pendingDay: unknown setting/);
  });

  it('accepts and reduces a ratio, such as 1 point per 3 AED', () => {
    expect(parseProgramConfig({ basePointsPerUnit: { points: 1, perMajorUnits: 3 } }).basePointsPerUnit).toEqual({ points: 1, perMajorUnits: 3 });
    expect(parseProgramConfig({ basePointsPerUnit: { points: 10, perMajorUnits: 20 } }).basePointsPerUnit).toEqual({ points: 1, perMajorUnits: 2 });
  });

  it('fills a partly given nested setting from its defaults and takes the other expiry policies', () => {
    const cfg = parseProgramConfig({ referral: { referrerPoints: 500 }, expiry: { policy: 'end_of_year' }, tierQualification: 'lifetime' });
    expect(cfg.referral).toEqual({ referrerPoints: 500, refereePoints: 200, maxReferrals: 20 });
    expect(cfg.expiry).toEqual({ policy: 'end_of_year' });
    expect(parseProgramConfig({ expiry: { policy: 'never' } }).expiry).toEqual({ policy: 'never' });
  });

  it('lists every bad field in one error', () => {
    let error: unknown;
    try {
      parseProgramConfig({
        currency: 'aed',
        pendingDays: -1,
        basePointsPerUnit: 0.123456,
        expiry: { policy: 'months_after_earn' },
        tierBonusPercent: { gold: 10.5 },
        excludedSkus: 'GIFT-01',
        pendingDay: 7,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProgramConfigError);
    expect(error).toBeInstanceOf(AppError);
    const e = error as ProgramConfigError;
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.problems).toHaveLength(7);
    for (const field of ['currency:', 'pendingDays:', 'basePointsPerUnit:', 'expiry.months:', 'tierBonusPercent.gold:', 'excludedSkus:', 'pendingDay: unknown setting']) {
      expect(e.message).toContain(field);
    }
    expect(e.message).toMatch(/basePointsPerUnit: use at most 4 decimal places/);
  });

  it('names an unknown expiry policy and a bad ratio field', () => {
    expect(() => parseProgramConfig({ expiry: { policy: 'when_we_feel_like_it' } })).toThrow(/expiry\.policy/);
    expect(() => parseProgramConfig({ basePointsPerUnit: { points: 1, perMajorUnits: 0 } })).toThrow(/basePointsPerUnit\.perMajorUnits/);
    expect(() => parseProgramConfig({ basePointsPerUnit: -1 })).toThrow(/basePointsPerUnit/);
  });

  it.each([null, 'settings', 42, []])('rejects a non-object (%o)', (json) => {
    expect(() => parseProgramConfig(json)).toThrow(ProgramConfigError);
  });
});

describe('zoneOffsetMs', () => {
  it('knows fixed and DST zones', () => {
    const h = 3_600_000;
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Asia/Dubai')).toBe(4 * h);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Asia/Taipei')).toBe(8 * h);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'America/New_York')).toBe(-5 * h);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'America/New_York')).toBe(-4 * h);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12, 0, 0, 750), 'UTC')).toBe(0);
  });

  it('throws AppError for an unknown zone', () => {
    expect(() => zoneOffsetMs(0, 'Nowhere/Special')).toThrow(AppError);
  });
});

describe('expiryFor', () => {
  const endOfYear = parseProgramConfig({ expiry: { policy: 'end_of_year' } });
  const months = (n: number) => parseProgramConfig({ expiry: { policy: 'months_after_earn', months: n } });

  it('end_of_year is 23:59:59.999 on 31 December in Taipei (15:59:59.999 UTC)', () => {
    expect(expiryFor(new Date('2026-06-15T04:00:00Z'), endOfYear, 'Asia/Taipei')).toEqual(new Date('2026-12-31T15:59:59.999Z'));
  });

  it('end_of_year uses the local year: 17:00 UTC on 31 Dec is already 1 Jan in Taipei', () => {
    expect(expiryFor(new Date('2026-12-31T15:59:59.999Z'), endOfYear, 'Asia/Taipei')).toEqual(new Date('2026-12-31T15:59:59.999Z'));
    expect(expiryFor(new Date('2026-12-31T17:00:00Z'), endOfYear, 'Asia/Taipei')).toEqual(new Date('2027-12-31T15:59:59.999Z'));
  });

  it('end_of_year in Dubai', () => {
    expect(expiryFor(new Date('2026-03-01T00:00:00Z'), endOfYear, 'Asia/Dubai')).toEqual(new Date('2026-12-31T19:59:59.999Z'));
  });

  it('months_after_earn clamps 31 January + 1 month to 28 February, or 29 in a leap year', () => {
    expect(expiryFor(new Date('2026-01-31T02:00:00Z'), months(1), 'Asia/Taipei')).toEqual(new Date('2026-02-28T02:00:00Z'));
    expect(expiryFor(new Date('2028-01-31T02:00:00Z'), months(1), 'Asia/Taipei')).toEqual(new Date('2028-02-29T02:00:00Z'));
  });

  it('months_after_earn counts on the local calendar: 30 Jan 17:00 UTC is 31 Jan in Taipei, so it clamps to 28 Feb local', () => {
    // Counting on the UTC calendar would give 2026-02-28T17:00Z, i.e. 1 March in Taipei.
    expect(expiryFor(new Date('2026-01-30T17:00:00Z'), months(1), 'Asia/Taipei')).toEqual(new Date('2026-02-27T17:00:00Z'));
  });

  it('months_after_earn keeps the instant for 12 months and crosses year ends', () => {
    expect(expiryFor(new Date('2026-03-15T09:30:12.345Z'), DEFAULT_PROGRAM, 'Asia/Dubai')).toEqual(new Date('2027-03-15T09:30:12.345Z'));
    expect(expiryFor(new Date('2026-11-30T06:00:00Z'), months(3), 'Asia/Dubai')).toEqual(new Date('2027-02-28T06:00:00Z'));
  });

  it('months_after_earn keeps the local time of day across a DST change', () => {
    // 10:00 EST in January -> 10:00 EDT in April.
    expect(expiryFor(new Date('2026-01-15T15:00:00Z'), months(3), 'America/New_York')).toEqual(new Date('2026-04-15T14:00:00Z'));
  });

  it('never expires under the never policy', () => {
    expect(expiryFor(new Date('2026-01-01T00:00:00Z'), parseProgramConfig({ expiry: { policy: 'never' } }), 'Asia/Dubai')).toBeNull();
  });
});
