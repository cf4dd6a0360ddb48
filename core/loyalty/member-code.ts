import { randomInt } from 'node:crypto';

/** A 10-digit member code with a Luhn check digit, so a mistyped code at the till is caught. */
export function generateMemberCode(): string {
  let body = String(randomInt(1, 10)); // no leading zero: spreadsheets drop it
  for (let i = 0; i < 8; i++) body += String(randomInt(0, 10));
  return body + String(luhnCheckDigit(body));
}

/** True when `code` is 10 digits with a valid Luhn check digit. */
export function isValidMemberCode(code: string): boolean {
  return /^\d{10}$/.test(code) && luhnCheckDigit(code.slice(0, 9)) === Number(code[9]);
}

function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
