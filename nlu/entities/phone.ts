// The `max` metadata makes isValid() check the digits against each country's numbering plan;
// the default `min` metadata only checks the length, which lets typos through.
import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalizeText } from '../normalize.js';

/** A phone number in E.164 form, or a failure when the text holds no valid number. */
export type PhoneResult = { ok: true; e164: string } | { ok: false };

/**
 * Reads a phone number a customer typed (any digits: Latin, Arabic-Indic, full-width; local
 * or international form; surrounding words allowed) and returns it in E.164 when it is a valid
 * number; `defaultRegion` is the country assumed for numbers typed without a country code.
 */
export function parsePhone(text: string, defaultRegion: CountryCode): PhoneResult {
  const phone = parsePhoneNumberFromString(normalizeText(text), defaultRegion);
  return phone?.isValid() ? { ok: true, e164: phone.number } : { ok: false };
}
