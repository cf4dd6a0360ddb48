// The segment language: a hand-written lexer and recursive-descent parser. Grammar (keywords and field names are
// case-insensitive):
//   expression := or
//   or         := and ('or' and)*
//   and        := not ('and' not)*
//   not        := 'not' not | '(' or ')' | comparison
//   comparison := field ( op value | ['not'] 'in' '(' value (',' value)* ')' | ['not'] 'between' value 'and' value )
//   op         := = | != | < | <= | > | >=        (== and <> are accepted too)
//   value      := number | date (YYYY-MM-DD) | 'string' | "string" | bare words (joined by one space)
// The parser also checks each value against its field's kind (numbers for points, dates for enrolled, ...), so
// everything but the brand's own data (tiers, stores) is rejected here, with the position of the offending token.
import { FIELD_NAMES, closest, lookupField, monthNumber, rfmCode, suggestField, type FieldDef, type SegmentField } from './fields.js';

/** A parse or validation error: what is wrong, and the 0-based character position of the offending token. */
export type SegmentError = { message: string; position: number };

/** Comparison operators; `!=`, `not in` and `not between` are the negations of `=`, `in` and `between`. */
export type SegmentOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'between' | 'not between';

/**
 * A value as the parser checked it: a number for numeric fields (lifetime spend in major units), 1–12 for months,
 * 'YYYY-MM-DD' for dates, the canonical word for fixed choices, the text as typed for tiers, stores, cities, text.
 */
export interface SegmentValue {
  value: string | number;
  position: number;
}

/** One `field op value(s)` condition; `position` is where the field name starts. */
export interface SegmentComparison {
  kind: 'compare';
  field: SegmentField;
  op: SegmentOp;
  /** One value, or the list of `in`, or the two bounds of `between`. */
  values: SegmentValue[];
  position: number;
}

/** The parsed expression. */
export type SegmentAst = { kind: 'and' | 'or'; left: SegmentAst; right: SegmentAst } | { kind: 'not'; operand: SegmentAst } | SegmentComparison;

/** Longer expressions are refused: a chat command never needs more, and it bounds the recursion. */
export const MAX_EXPRESSION_LENGTH = 2000;

type TokenKind = 'word' | 'number' | 'string' | 'date' | 'op' | '(' | ')' | ',' | 'eof' | 'bad';

interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Strings without quotes, operators normalized (== → =, <> → !=); otherwise the text. */
  value: string;
  position: number;
}

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between']);
const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{M}\p{N}_-]/u;
// Chat keyboards turn straight quotes into curly ones; both close as typed.
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value = text.slice(i, end)) => {
    tokens.push({ kind, text: text.slice(i, end), value, position: i });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    if (ch === '(' || ch === ')' || ch === ',') {
      push(ch, i + 1);
    } else if (/^(<=|>=|!=|<>|==)/.test(rest)) {
      const two = rest.slice(0, 2);
      push('op', i + 2, two === '<>' ? '!=' : two === '==' ? '=' : two);
    } else if (ch === '<' || ch === '>' || ch === '=') {
      push('op', i + 1);
    } else if (ch in QUOTES) {
      const close = QUOTES[ch]!;
      let value = '';
      let j = i + 1;
      // A closing single quote right before a letter is an apostrophe: 'Can't lose them'.
      while (j < text.length && (text[j] !== close || (close !== '"' && close !== '”' && /\p{L}/u.test(text[j + 1] ?? '')))) {
        // A backslash takes the next character as it is (a quote inside a string).
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) return bad(tokens, `unterminated string: the ${ch} opened here is never closed`, i);
      push('string', j + 1, value);
    } else if (/^-?\d/.test(rest)) {
      const date = /^\d{4}-\d{2}-\d{2}(?![\p{L}\p{N}_-])/u.exec(rest);
      const dateLike = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?![\p{L}\p{N}_])/u.exec(rest);
      const num = /^-?\d+(\.\d+)?/.exec(rest)![0];
      if (date) push('date', i + date[0].length);
      else if (dateLike) return bad(tokens, `write dates as YYYY-MM-DD, e.g. 2026-01-31`, i);
      else if (WORD_PART.test(text[i + num.length] ?? '') && !num.startsWith('-')) push('word', wordEnd(text, i));
      else push('number', i + num.length);
    } else if (WORD_START.test(ch)) {
      push('word', wordEnd(text, i));
    } else {
      return bad(tokens, `unexpected character '${ch}'`, i);
    }
  }
  tokens.push({ kind: 'eof', text: '', value: '', position: text.length });
  return tokens;
}

function wordEnd(text: string, start: number): number {
  let j = start;
  while (j < text.length && WORD_PART.test(text[j]!)) j++;
  return j;
}

// The lexer stops at the first bad character; the parser reports it when it gets there, so an earlier syntax error
// is reported first.
function bad(tokens: Token[], message: string, position: number): Token[] {
  tokens.push({ kind: 'bad', text: message, value: message, position });
  return tokens;
}

const ORDERED_KINDS = new Set(['integer', 'money', 'days', 'date', 'month', 'tier']);
const ARTICLE: Partial<Record<SegmentField, string>> = { channel: 'a channel', consent: 'a consent value (a channel, any or none)', nps: 'an NPS category', rfm: 'an RFM segment' };

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): SegmentAst {
    if (this.peek().kind === 'eof') throw new ParseFailure('empty expression', 0);
    const ast = this.or();
    const t = this.peek();
    if (t.kind === ')') throw new ParseFailure(`unexpected ')' without a matching '('`, t.position);
    if (t.kind !== 'eof') throw new ParseFailure(`unexpected '${t.text}' after a complete condition; join conditions with and / or`, t.position);
    return ast;
  }

  private peek(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind === 'bad') throw new ParseFailure(t.value, t.position);
    return t;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private atKeyword(keyword: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.value.toLowerCase() === keyword;
  }

  private or(): SegmentAst {
    let left = this.and();
    while (this.atKeyword('or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): SegmentAst {
    let left = this.not();
    while (this.atKeyword('and')) {
      this.next();
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): SegmentAst {
    if (this.atKeyword('not')) {
      this.next();
      return { kind: 'not', operand: this.not() };
    }
    const open = this.peek();
    if (open.kind === '(') {
      this.next();
      const inner = this.or();
      const close = this.peek();
      if (close.kind !== ')') throw new ParseFailure(`expected ')' to close the '(' at ${open.position}`, close.position);
      this.next();
      return inner;
    }
    return this.comparison();
  }

  private comparison(): SegmentComparison {
    const previous = this.tokens[this.pos - 1];
    const t = this.next();
    if (t.kind === 'eof') throw new ParseFailure(`expected a condition (field operator value) after '${previous?.text ?? ''}'`, t.position);
    if (t.kind !== 'word' || KEYWORDS.has(t.value.toLowerCase())) throw new ParseFailure(`expected a field name, got '${t.text}'`, t.position);
    const def = lookupField(t.value);
    if (!def) {
      const hint = suggestField(t.value);
      throw new ParseFailure(`unknown field '${t.text}' at ${t.position}${hint ? ` — did you mean ${hint}?` : `; fields: ${FIELD_NAMES.join(', ')}`}`, t.position);
    }
    const opToken = this.next();
    let op: SegmentOp;
    if (opToken.kind === 'op') op = opToken.value as SegmentOp;
    else if (opToken.kind === 'word' && /^(in|between)$/i.test(opToken.value)) op = opToken.value.toLowerCase() as SegmentOp;
    else if (opToken.kind === 'word' && /^not$/i.test(opToken.value)) {
      const after = this.next();
      if (!(after.kind === 'word' && /^(in|between)$/i.test(after.value))) throw new ParseFailure(`expected 'in' or 'between' after 'not'`, after.position);
      op = `not ${after.value.toLowerCase()}` as SegmentOp;
    } else {
      throw new ParseFailure(`expected an operator after '${t.text}' (= != < <= > >= in, not in, between)${opToken.kind === 'eof' ? '' : `, got '${opToken.text}'`}`, opToken.position);
    }
    const ordered = ORDERED_KINDS.has(def.kind);
    if (!ordered && !['=', '!=', 'in', 'not in'].includes(op)) throw new ParseFailure(`'${op}' does not apply to ${def.name}; use =, !=, in or not in`, opToken.position);

    const opText = op.replace(/^not /, '');
    let values: SegmentValue[];
    if (op === 'in' || op === 'not in') {
      values = this.list(def);
    } else if (op === 'between' || op === 'not between') {
      const low = this.value(def, 'between');
      if (!this.atKeyword('and')) throw new ParseFailure(`expected 'and' between the two bounds of between`, this.peek().position);
      this.next();
      const high = this.value(def, 'and');
      if (def.kind !== 'tier' && low.value > high.value) throw new ParseFailure(`between takes the smaller value first: ${String(low.value)} is more than ${String(high.value)}`, low.position);
      values = [low, high];
    } else {
      values = [this.value(def, opText)];
    }
    return { kind: 'compare', field: def.name, op, values, position: t.position };
  }

  private list(def: FieldDef): SegmentValue[] {
    const open = this.next();
    if (open.kind !== '(') throw new ParseFailure(`expected '(' after in, e.g. ${def.name} in (a, b)`, open.position);
    const values = [this.value(def, '(')];
    for (;;) {
      const t = this.next();
      if (t.kind === ')') return values;
      if (t.kind !== ',') throw new ParseFailure(`expected ',' or ')' in the list`, t.position);
      values.push(this.value(def, ','));
    }
  }

  private value(def: FieldDef, after: string): SegmentValue {
    const t = this.peek();
    const position = t.position;
    const fail = (expected: string): never => {
      throw new ParseFailure(`expected ${expected} after '${after}' for ${def.name}${t.kind === 'eof' ? '' : `, got '${t.text}'`}`, position);
    };
    const number = (): number => {
      if (t.kind !== 'number') fail('a number');
      this.next();
      return Number(t.value);
    };
    switch (def.kind) {
      case 'integer': {
        const n = number();
        const { min, max } = def;
        if (min !== undefined && max !== undefined && (!Number.isInteger(n) || n < min || n > max)) fail(`a score ${min}–${max}`);
        if (!Number.isInteger(n) || (min !== undefined && n < min)) fail(min === undefined ? 'a whole number' : `a whole number ≥ ${min}`);
        return { value: n, position };
      }
      case 'money': {
        const n = number();
        if (!/^-?\d+(\.\d{1,2})?$/.test(t.value)) fail('an amount with at most 2 decimals');
        return { value: n, position };
      }
      case 'days': {
        const n = number();
        if (!Number.isInteger(n) || n < 0) fail('a whole number of days');
        return { value: n, position };
      }
      case 'date': {
        if (t.kind !== 'date' && t.kind !== 'string') fail('a date (YYYY-MM-DD)');
        if (!isRealDate(t.value)) fail('a date (YYYY-MM-DD)');
        this.next();
        return { value: t.value, position };
      }
      case 'month': {
        const m = t.kind === 'number' || t.kind === 'word' || t.kind === 'string' ? monthNumber(t.value) : undefined;
        if (m === undefined) fail('a month (1–12 or jan…dec)');
        this.next();
        return { value: m!, position };
      }
      case 'tier': {
        if (t.kind !== 'word' && t.kind !== 'string') fail('a tier name');
        return { value: this.words(), position };
      }
      case 'choice': {
        if (t.kind !== 'word' && t.kind !== 'string') fail(ARTICLE[def.name] ?? 'a value');
        const text = this.words();
        const choices = def.choices ?? [];
        const canonical = def.name === 'rfm' ? rfmCode(text) : choices.find((c) => c === text.toLowerCase());
        if (canonical === undefined) {
          const hint = closest(text.toLowerCase(), choices, (c) => c);
          throw new ParseFailure(`'${text}' is not ${ARTICLE[def.name] ?? 'a value'}${hint ? ` — did you mean ${hint}?` : ';'} ${def.choiceLabel ?? 'values'}: ${choices.join(', ')}`, position);
        }
        return { value: canonical, position };
      }
      default: {
        // tier-like free text: store, city, language, favourite category/product, tag.
        if (t.kind !== 'word' && t.kind !== 'string' && t.kind !== 'number') fail(def.kind === 'store' ? 'a store code, name or city' : 'a word or a quoted text');
        if (t.kind === 'number') {
          this.next();
          return { value: t.value, position };
        }
        const text = this.words();
        if (text.trim() === '') fail('a non-empty text');
        return { value: text, position };
      }
    }
  }

  /** A quoted string, or bare words up to the next keyword or symbol, joined by one space ("abu dhabi"). */
  private words(): string {
    const first = this.next();
    if (first.kind === 'string') return first.value;
    const parts = [first.value];
    while (this.peek().kind === 'word' && !KEYWORDS.has(this.peek().value.toLowerCase())) parts.push(this.next().value);
    return parts.join(' ');
  }
}

function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Parses a segment expression into its AST, checking fields, operators and value kinds (not tiers or stores). */
export function parseSegment(text: string): { ok: true; ast: SegmentAst } | { ok: false; error: SegmentError } {
  if (text.length > MAX_EXPRESSION_LENGTH) return { ok: false, error: { message: `expression is too long (at most ${MAX_EXPRESSION_LENGTH} characters)`, position: MAX_EXPRESSION_LENGTH } };
  try {
    return { ok: true, ast: new Parser(lex(text)).parse() };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, error: { message: err.message, position: err.position } };
    throw err;
  }
}

/** The expression on one line with a caret under the error's position, for a monospaced chat message. */
export function formatSegmentError(expression: string, error: SegmentError): string {
  const line = expression.replace(/[\r\n\t]/g, ' ');
  const at = Math.min(Math.max(0, error.position), line.length);
  return `${line}\n${' '.repeat(at)}^`;
}
