/** Consent: per purpose and channel, with wording version, time and source; append-only history. */
export { recordConsent, consentInForce } from './consent.js';
export type { ConsentPurpose, ConsentInput } from './consent.js';
