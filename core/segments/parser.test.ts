import { describe, expect, it } from 'vitest';
import { formatSegmentError, parseSegment, type SegmentAst, type SegmentError } from './parser.js';

function ast(text: string): SegmentAst {
  const r = parseSegment(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message} at ${r.error.position}`);
  return r.ast;
}

function error(text: string): SegmentError {
  const r = parseSegment(text);
  if (r.ok) throw new Error(`${text}: parsed`);
  return r.error;
}

/** The AST as a compact string: comparisons as `field op values`, boolean nodes in prefix form. */
function show(a: SegmentAst): string {
  switch (a.kind) {
    case 'compare':
      return `${a.field} ${a.op} ${a.values.map((v) => JSON.stringify(v.value)).join(',')}`;
    case 'not':
      return `not(${show(a.operand)})`;
    default:
      return `${a.kind}(${show(a.left)}; ${show(a.right)})`;
  }
}

describe('parseSegment', () => {
  it('parses every operator', () => {
    expect(show(ast('points = 100'))).toBe('points = 100');
    expect(show(ast('points == 100'))).toBe('points = 100');
    expect(show(ast('points != 100'))).toBe('points != 100');
    expect(show(ast('points <> 100'))).toBe('points != 100');
    expect(show(ast('points < 100'))).toBe('points < 100');
    expect(show(ast('points <= 100'))).toBe('points <= 100');
    expect(show(ast('points > 100'))).toBe('points > 100');
    expect(show(ast('points >= 100'))).toBe('points >= 100');
    expect(show(ast('points in (1, 2,3)'))).toBe('points in 1,2,3');
    expect(show(ast('points not in (1)'))).toBe('points not in 1');
    expect(show(ast('points between 1 and 5'))).toBe('points between 1,5');
    expect(show(ast('points not between 1 and 5'))).toBe('points not between 1,5');
  });

  it('binds not tighter than and, and tighter than or; parentheses override', () => {
    expect(show(ast('visits = 1 or visits = 2 and not visits = 3'))).toBe('or(visits = 1; and(visits = 2; not(visits = 3)))');
    expect(show(ast('(visits = 1 or visits = 2) and visits = 3'))).toBe('and(or(visits = 1; visits = 2); visits = 3)');
    expect(show(ast('not (visits = 1 or visits = 2)'))).toBe('not(or(visits = 1; visits = 2))');
    expect(show(ast('not not visits = 1'))).toBe('not(not(visits = 1))');
    expect(show(ast('visits = 1 and visits = 2 and visits = 3'))).toBe('and(and(visits = 1; visits = 2); visits = 3)');
    // between's own `and` belongs to it.
    expect(show(ast('points between 1 and 5 and visits > 2'))).toBe('and(points between 1,5; visits > 2)');
  });

  it('takes keywords and field names in any case, and aliases', () => {
    expect(show(ast('TIER = Gold AND Points >= 5 OR NOT Spend > 10'))).toBe('or(and(tier = "Gold"; points >= 5); not(lifetime_spend > 10))');
    expect(show(ast('days_since_visit > 60'))).toBe('days_since_last_purchase > 60');
    expect(show(ast('points_balance < 3'))).toBe('points < 3');
    expect(show(ast('marketing_consent = WhatsApp'))).toBe('consent = "whatsapp"');
  });

  it('reads values: numbers, dates, quoted strings (straight or curly), bare words joined, months, RFM names', () => {
    expect(show(ast('lifetime_spend >= 99.5'))).toBe('lifetime_spend >= 99.5');
    expect(show(ast('enrolled < 2026-01-31'))).toBe('enrolled < "2026-01-31"');
    expect(show(ast('city = "Abu Dhabi"'))).toBe('city = "Abu Dhabi"');
    expect(show(ast("city = 'Abu Dhabi'"))).toBe('city = "Abu Dhabi"');
    expect(show(ast('city = abu   dhabi and tier = gold'))).toBe('and(city = "abu dhabi"; tier = "gold")');
    expect(show(ast('city = “Abu Dhabi”'))).toBe('city = "Abu Dhabi"');
    expect(show(ast('tag = "say \\"hi\\""'))).toBe('tag = "say \\"hi\\""');
    expect(show(ast('store = 101'))).toBe('store = "101"');
    expect(show(ast('birthday_month in (jan, 2, March, sept)'))).toBe('birthday_month in 1,2,3,9');
    expect(show(ast(`rfm = "Can't lose them"`))).toBe('rfm = "cant_lose_them"');
    expect(show(ast('rfm = ‘Can’t lose them’'))).toBe('rfm = "cant_lose_them"');
    expect(show(ast("rfm = 'Can't lose them' and points > 1"))).toBe('and(rfm = "cant_lose_them"; points > 1)');
    expect(show(ast('rfm in (potential loyalists, At_Risk, champions)'))).toBe('rfm in "potential_loyalists","at_risk","champions"');
    expect(show(ast('nps = Promoter'))).toBe('nps = "promoter"');
    expect(show(ast('tag = vip-2026'))).toBe('tag = "vip-2026"');
  });

  it('keeps the position of each value', () => {
    const a = ast('points > 5 and tier in (gold, "platinum")');
    if (a.kind !== 'and' || a.right.kind !== 'compare') throw new Error('shape');
    expect(a.right.position).toBe(15);
    expect(a.right.values.map((v) => v.position)).toEqual([24, 30]);
  });

  it('refuses empty and overlong expressions', () => {
    expect(error('')).toEqual({ message: 'empty expression', position: 0 });
    expect(error('   ')).toEqual({ message: 'empty expression', position: 0 });
    expect(error('visits > 1 or '.repeat(200)).message).toMatch(/too long/);
  });

  it('names unknown fields with a suggestion, at the field', () => {
    expect(error('tierr = gold')).toEqual({ message: "unknown field 'tierr' at 0 — did you mean tier?", position: 0 });
    expect(error('visits > 2 and pionts > 5')).toEqual({ message: "unknown field 'pionts' at 15 — did you mean points?", position: 15 });
    expect(error('days_since_last_purchse > 60').message).toContain('did you mean days_since_last_purchase?');
    expect(error('zodiac = leo').message).toMatch(/^unknown field 'zodiac' at 0; fields: tier, points, /);
  });

  it('rejects values of the wrong kind, pointing at the value', () => {
    expect(error('points = gold')).toEqual({ message: "expected a number after '=' for points, got 'gold'", position: 9 });
    expect(error('points >')).toEqual({ message: "expected a number after '>' for points", position: 8 });
    expect(error('tier > 5')).toEqual({ message: "expected a tier name after '>' for tier, got '5'", position: 7 });
    expect(error('visits > 2.5')).toEqual({ message: "expected a whole number ≥ 0 after '>' for visits, got '2.5'", position: 9 });
    expect(error('rfm_r = 6')).toEqual({ message: "expected a score 1–5 after '=' for rfm_r, got '6'", position: 8 });
    expect(error('lifetime_spend > 1.234').message).toBe("expected an amount with at most 2 decimals after '>' for lifetime_spend, got '1.234'");
    expect(error('days_since_last_purchase > 60d')).toEqual({ message: "expected a number after '>' for days_since_last_purchase, got '60d'", position: 27 });
    expect(error('enrolled > yesterday').message).toBe("expected a date (YYYY-MM-DD) after '>' for enrolled, got 'yesterday'");
    expect(error('enrolled > 2026-02-30').message).toBe("expected a date (YYYY-MM-DD) after '>' for enrolled, got '2026-02-30'");
    expect(error('enrolled > 31/01/2026')).toEqual({ message: 'write dates as YYYY-MM-DD, e.g. 2026-01-31', position: 11 });
    expect(error('birthday_month = 13').message).toBe("expected a month (1–12 or jan…dec) after '=' for birthday_month, got '13'");
    expect(error('channel = sms')).toEqual({ message: "'sms' is not a channel; channels: web, telegram, line, whatsapp, wechat", position: 10 });
    expect(error('channel = telegarm').message).toBe("'telegarm' is not a channel — did you mean telegram? channels: web, telegram, line, whatsapp, wechat");
    expect(error('rfm = sleepy').position).toBe(6);
  });

  it('rejects operators a field does not take', () => {
    expect(error('channel > web')).toEqual({ message: "'>' does not apply to channel; use =, !=, in or not in", position: 8 });
    expect(error('city between a and b')).toEqual({ message: "'between' does not apply to city; use =, !=, in or not in", position: 5 });
    expect(error('tier gold')).toEqual({ message: "expected an operator after 'tier' (= != < <= > >= in, not in, between), got 'gold'", position: 5 });
    expect(error('tier not gold')).toEqual({ message: "expected 'in' or 'between' after 'not'", position: 9 });
  });

  it('wants between bounds in order', () => {
    expect(error('points between 100 and 50')).toEqual({ message: 'between takes the smaller value first: 100 is more than 50', position: 15 });
    expect(error('enrolled between 2026-02-01 and 2026-01-01').position).toBe(17);
    expect(error('points between 1 or 5')).toEqual({ message: "expected 'and' between the two bounds of between", position: 17 });
    expect(show(ast('points between 5 and 5'))).toBe('points between 5,5');
  });

  it('points at broken structure', () => {
    expect(error('tier = gold )')).toEqual({ message: "unexpected ')' without a matching '('", position: 12 });
    expect(error('(tier = gold')).toEqual({ message: "expected ')' to close the '(' at 0", position: 12 });
    expect(error('tier = gold and')).toEqual({ message: "expected a condition (field operator value) after 'and'", position: 15 });
    // Bare words run together ("abu dhabi"), so a forgotten `and` shows up at the operator that follows.
    expect(error('tier = gold points > 5').position).toBe(19);
    expect(error('points > 5 tier = gold')).toEqual({ message: "unexpected 'tier' after a complete condition; join conditions with and / or", position: 11 });
    expect(error('points in 1, 2')).toEqual({ message: "expected '(' after in, e.g. points in (a, b)", position: 10 });
    expect(error('points in (1 2)')).toEqual({ message: "expected ',' or ')' in the list", position: 13 });
    expect(error('points in ()')).toEqual({ message: "expected a number after '(' for points, got ')'", position: 11 });
    expect(error("city = 'Dubai")).toEqual({ message: "unterminated string: the ' opened here is never closed", position: 7 });
    expect(error('and = 1')).toEqual({ message: "expected a field name, got 'and'", position: 0 });
  });

  it('turns SQL-looking input into errors at the first foreign character', () => {
    expect(error('tier = gold; drop table customers')).toEqual({ message: "unexpected character ';'", position: 11 });
    expect(error("tier = 'gold' -- comment")).toEqual({ message: "unexpected character '-'", position: 14 });
    expect(error('points > 1 /* x */')).toEqual({ message: "unexpected character '/'", position: 11 });
    expect(error('tier = gold or 1=1').message).toBe("expected a field name, got '1'");
    expect(error('tier = gold union select * from customers').message).toMatch(/^unexpected character '\*'/);
    expect(error('points > 1 | 1').position).toBe(11);
  });

  it('reports the earliest problem first', () => {
    // The syntax error at 7 comes before the bad character at 15.
    expect(error('points ) > 1 and ;').position).toBe(7);
  });
});

describe('formatSegmentError', () => {
  it('puts a caret under the position', () => {
    const text = 'tier = gold; drop table customers';
    expect(formatSegmentError(text, { message: "unexpected character ';'", position: 11 })).toBe(`${text}\n           ^`);
    expect(formatSegmentError('points >', { message: 'x', position: 8 })).toBe('points >\n        ^');
  });

  it('keeps the caret aligned for tabs and newlines, and within the line', () => {
    expect(formatSegmentError('a\tb\nc', { message: 'x', position: 4 })).toBe('a b c\n    ^');
    expect(formatSegmentError('abc', { message: 'x', position: 99 })).toBe('abc\n   ^');
    expect(formatSegmentError('abc', { message: 'x', position: -3 })).toBe('abc\n^');
  });
});
