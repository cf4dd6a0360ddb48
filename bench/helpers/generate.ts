// Deterministic test data for the loyalty benchmark: a customers CSV with realistic names, phones and emails (and a
// known share of bad rows and duplicates), and POS purchases for the members it creates.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isValidMemberCode } from '../../core/loyalty/index.js';
import type { TransactionInput } from '../../core/pos/index.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same files, so runs compare. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Aisha', 'Fatima', 'Mariam', 'Noura', 'Layla', 'Omar', 'Ahmed', 'Khalid', 'Yousef', 'Hamad', 'Mei Ling', 'Wei', 'Jia Hui', 'Hao', 'John', 'Sarah', 'Priya', 'Arjun', 'Anna', 'David', 'Siti', 'Ravi', 'Chen', 'Lina', 'Rashid'];
const LAST = ['Al Mansoori', 'Al Nuaimi', 'Haddad', 'Khoury', 'Al Falasi', 'Chen', 'Lin', 'Wang', 'Tan', 'Lim', 'Smith', 'Johnson', 'Patel', 'Sharma', 'Garcia', 'Rahman', 'Abdullah', 'Wong', 'Nair', 'Ibrahim'];
const NATIVE = ['عائشة المنصوري', 'محمد الحداد', 'فاطمة الخوري', '陳美玲', '林志豪', '王小明'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'hotmail.com', 'example.ae'];
const MOBILE_PREFIXES = ['50', '52', '54', '55', '56', '58'];

/** A valid 10-digit member code (Luhn) for person `p`: distinct for every p below 800 million. */
export function memberCodeFor(p: number): string {
  const body = String(100_000_000 + p);
  for (let d = 0; d < 10; d++) if (isValidMemberCode(body + d)) return body + d;
  throw new Error('no check digit');
}

/** E.164 mobile number of person `p` (UAE numbering plan, distinct for every p below 60 million). */
export function phoneFor(p: number): string {
  return `+971${MOBILE_PREFIXES[p % 6]}${String(Math.floor(p / 6)).padStart(7, '0')}`;
}

/** What the customers file holds, for the purchases that follow. */
export interface CustomersFile {
  rows: number;
  badRows: number;
  duplicateRows: number;
  /** Member codes of the valid member rows (the members the import creates). */
  memberCodes: string[];
}

/**
 * Writes `rows` customer rows: about 2 % bad (unreadable phone or email, impossible birthday, no identifier) and
 * about 1 % duplicates of an earlier person (the phone in another format, the email in another case); half the
 * people are members with a member code and an opening balance.
 */
export async function writeCustomersCsv(file: string, rows: number, seed = 1): Promise<CustomersFile> {
  const rnd = prng(seed);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write('name,phone,email,birthday,language,member_code,points\n');
  const memberCodes: string[] = [];
  let badRows = 0;
  let duplicateRows = 0;
  let people = 0;
  let chunk: string[] = [];
  // Who was written with an email: a duplicate by email must be of someone who has one.
  const hasEmail = new Uint8Array(rows);
  for (let n = 0; n < rows; n++) {
    const r = rnd();
    let line: string;
    if (r < 0.02) {
      badRows++;
      const kind = Math.floor(rnd() * 4);
      line =
        kind === 0
          ? `Bad Phone ${n},+971 12,,,en,,`
          : kind === 1
            ? `Bad Email ${n},,someone(at)mail.com,,en,,`
            : kind === 2
              ? `Bad Birthday ${n},${phoneFor(10_000_000 + n)},,1990-02-30,en,,`
              : `No Identifier ${n},,,1990-01-01,en,,`;
    } else if (r < 0.03 && people > 0) {
      duplicateRows++;
      // The same person again, as another system or a cashier typed them.
      const p = Math.floor(rnd() * people);
      const phone = phoneFor(p);
      line = rnd() < 0.5 || !hasEmail[p] ? `,0${phone.slice(4, 6)} ${phone.slice(6, 9)} ${phone.slice(9)},,,,,` : `,,${emailFor(p).toUpperCase()},,,,`;
    } else {
      const p = people++;
      const first = FIRST[Math.floor(rnd() * FIRST.length)]!;
      const last = LAST[Math.floor(rnd() * LAST.length)]!;
      const name = rnd() < 0.1 ? NATIVE[Math.floor(rnd() * NATIVE.length)]! : `${first} ${last}`;
      const phone = phoneFor(p);
      const style = rnd();
      const written = style < 0.5 ? phone : style < 0.8 ? `0${phone.slice(4, 6)} ${phone.slice(6, 9)} ${phone.slice(9)}` : `00${phone.slice(1)}`;
      const email = rnd() < 0.8 ? emailFor(p) : '';
      if (email) hasEmail[p] = 1;
      const year = 1950 + Math.floor(rnd() * 56);
      const birthday = rnd() < 0.7 ? `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}` : '';
      const language = ['en', 'ar', 'zh'][Math.floor(rnd() * 3)]!;
      let code = '';
      let points = '';
      if (rnd() < 0.5) {
        code = memberCodeFor(p);
        memberCodes.push(code);
        points = String(Math.floor(Math.pow(rnd(), 3) * 20_000));
      }
      line = `${name},${written},${email},${birthday},${language},${code},${points}`;
    }
    chunk.push(line);
    if (chunk.length >= 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.write(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  out.end();
  await once(out, 'finish');
  return { rows, badRows, duplicateRows, memberCodes };
}

function emailFor(p: number): string {
  return `${FIRST[p % FIRST.length]!.toLowerCase().replace(/ /g, '')}.${LAST[(p * 7) % LAST.length]!.toLowerCase().replace(/ /g, '')}${p}@${DOMAINS[p % DOMAINS.length]}`;
}

/** A store of the bench brand. */
export interface BenchStore {
  id: string;
  code: string;
  timezone: string;
}

/**
 * `count` purchases: 90 % by member code (members buy several times), 5 % by phone (unverified: kept unmatched),
 * 5 % anonymous, and 0.5 % honest retries of an earlier purchase.
 */
export function makePurchases(count: number, brandId: string, stores: readonly BenchStore[], memberCodes: readonly string[], seed = 2): TransactionInput[] {
  const rnd = prng(seed);
  const now = Date.UTC(2026, 2, 1);
  const out: TransactionInput[] = [];
  for (let n = 0; n < count; n++) {
    if (n > 0 && rnd() < 0.005) {
      out.push(out[Math.floor(rnd() * n)]!);
      continue;
    }
    const store = stores[n % stores.length]!;
    const who = rnd();
    const customer =
      who < 0.9 ? { memberCode: memberCodes[Math.floor(Math.pow(rnd(), 1.5) * memberCodes.length)]! } : who < 0.95 ? { phone: phoneFor(Math.floor(rnd() * 1_000_000)) } : {};
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, k) => ({
      sku: `SKU-${Math.floor(rnd() * 500)}`,
      category: rnd() < 0.05 ? 'gift_card' : ['perfume', 'oud', 'accessories', 'home'][k % 4]!,
      quantity: 1 + Math.floor(rnd() * 2),
      amountMinor: 1_000 + Math.floor(rnd() * 50_000),
    }));
    out.push({
      brandId,
      storeId: store.id,
      externalId: `B-${n}`,
      customer,
      occurredAt: new Date(now - Math.floor(rnd() * 60 * 86_400_000)),
      currency: 'AED',
      totalMinor: lines.reduce((s, l) => s + l.amountMinor, 0),
      lines,
    });
  }
  return out;
}
