import { describe, expect, it } from 'vitest';
import { normalizeBirthday, normalizeCount, normalizeEmail, normalizeFlag, normalizeMemberCode, normalizePhone } from './normalize.js';
import { UnionFind } from './union-find.js';

describe('import normalization', () => {
  it('reads phones in local, international, 00 and Arabic-Indic forms as one E.164 number', () => {
    for (const raw of ['050 123 4567', '+971 50 123 4567', '00971-50-123-4567', '(050) 123.4567', '٠٥٠١٢٣٤٥٦٧']) {
      expect(normalizePhone(raw, 'AE')).toEqual({ ok: true, value: '+971501234567' });
    }
    expect(normalizePhone('0912345678', 'TW')).toEqual({ ok: true, value: '+886912345678' });
    expect(normalizePhone('12345', 'AE')).toEqual({ ok: false, reason: 'invalid_phone' });
    expect(normalizePhone('+971 12', 'AE').ok).toBe(false);
  });

  it('lower-cases emails and refuses what cannot be one', () => {
    expect(normalizeEmail('  Ana.B@Example.COM ')).toEqual({ ok: true, value: 'ana.b@example.com' });
    for (const bad of ['ana', 'ana@', 'ana@example', 'a b@example.com', 'ana@example.c']) expect(normalizeEmail(bad).ok).toBe(false);
  });

  it('accepts real past dates only as birthdays', () => {
    const today = new Date('2026-03-01T00:00:00Z');
    expect(normalizeBirthday('1988-02-29', today)).toEqual({ ok: true, value: '1988-02-29' });
    for (const bad of ['1990-02-30', '1989-02-29', '2027-01-01', '1899-12-31', '01/02/1990', '1990-1-2']) expect(normalizeBirthday(bad, today).ok).toBe(false);
  });

  it('reads counts, member codes and flags strictly', () => {
    expect(normalizeCount('6000', 'x')).toEqual({ ok: true, value: 6000 });
    for (const bad of ['-1', '1.5', '1e3', '', '99999999999']) expect(normalizeCount(bad, 'x')).toEqual({ ok: false, reason: 'x' });
    expect(normalizeMemberCode(' 1000-0000-16 ')).toEqual({ ok: true, value: '1000000016' });
    expect(normalizeMemberCode('1000000017').ok).toBe(false); // wrong check digit
    expect(normalizeMemberCode('LW-0001').ok).toBe(false);
    expect(normalizeFlag('Yes', 'f')).toEqual({ ok: true, value: true });
    expect(normalizeFlag('', 'f')).toEqual({ ok: true, value: false });
    expect(normalizeFlag('maybe', 'f').ok).toBe(false);
  });
});

describe('UnionFind', () => {
  it('joins rows transitively and names each group by its earliest row', () => {
    const u = new UnionFind();
    // Keys by kind: [phone, email]; the same text of another kind is another key.
    expect(u.add(0, ['1', 'a'])).toBe(0);
    expect(u.add(1, ['2', null])).toBe(1);
    expect(u.add(2, ['2', 'b'])).toBe(1);
    expect(u.groupCount).toBe(2);
    // Row 3 links group 1 (phone 2) to group 0 (email a): rows 1 and 2 now belong to group 0.
    expect(u.add(3, ['2', 'a'])).toBe(0);
    expect(u.add(4, ['b', null])).toBe(4);
    expect(u.add(5, [null, 'b'])).toBe(0);
    expect([0, 1, 2, 3, 5].map((r) => u.find(r))).toEqual([0, 0, 0, 0, 0]);
    expect(u.groupCount).toBe(2);
    for (let r = 6; r < 5002; r++) u.add(r, [`p${r}`, null]);
    expect(u.groupCount).toBe(4998);
    expect(() => u.add(10, [])).toThrow(/in order/);
  });
});
