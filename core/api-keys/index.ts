/** API keys for store tills: created once and shown once, stored hashed, scoped to a store or a brand, revocable. */
export { createApiKey, verifyApiKey, revokeApiKey, listApiKeys, parseApiKey, hashApiKey, LAST_USED_RESOLUTION_MS, VERIFIED_TTL_MS } from './api-keys.js';
export type { ApiKeyPrincipal, ApiKeyView } from './api-keys.js';
