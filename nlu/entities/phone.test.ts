import { describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhone } from './phone.js';

describe('parsePhone', () => {
  it.each([
    ['UAE mobile, local form', '050 123 4567', 'AE', '+971501234567'],
    ['UAE mobile, international form', '+971 50 123 4567', 'AE', '+971501234567'],
    ['UAE mobile with 00 prefix', '00971501234567', 'AE', '+971501234567'],
    ['UAE mobile with dashes', '050-123-4567', 'AE', '+971501234567'],
    ['Arabic-Indic digits', '٠٥٠١٢٣٤٥٦٧', 'AE', '+971501234567'],
    ['Arabic-Indic digits with a plus', '+٩٧١٥٠١٢٣٤٥٦٧', 'AE', '+971501234567'],
    ['Eastern Arabic digits', '۰۵۰۱۲۳۴۵۶۷', 'AE', '+971501234567'],
    ['full-width digits', '０５０１２３４５６７', 'AE', '+971501234567'],
    ['with bidi marks from a copied Arabic message', '\u200f+971 50 123 4567\u200f', 'AE', '+971501234567'],
    ['inside a sentence', 'رقمي ٠٥٠١٢٣٤٥٦٧', 'AE', '+971501234567'],
    ['Saudi mobile', '055 123 4567', 'SA', '+966551234567'],
    ['Hong Kong mobile', '9123 4567', 'HK', '+85291234567'],
    ['Taiwan mobile', '0912 345 678', 'TW', '+886912345678'],
    ['foreign number with country code overrides the default region', '+852 9123 4567', 'AE', '+85291234567'],
  ] as const)('%s: %s', (_name, text, region, e164) => {
    expect(parsePhone(text, region as CountryCode)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['too short', '12345', 'AE'],
    ['too long', '050 123 4567 8901', 'AE'],
    ['no digits', 'my number', 'AE'],
    ['empty', '', 'AE'],
    ['valid length but not a real range', '+971 19 123 4567', 'AE'],
  ] as const)('%s: %s', (_name, text, region) => {
    expect(parsePhone(text, region as CountryCode)).toEqual({ ok: false });
  });
});
