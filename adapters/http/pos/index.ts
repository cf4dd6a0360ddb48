/** The POS REST API (under /api/v1) with its OpenAPI documentation (at /docs). */
export { posApiPlugin, POS_API_PREFIX, POS_DOCS_PREFIX, DEFAULT_POS_RATE_LIMIT, DEFAULT_BULK_LIMITS } from './plugin.js';
export type { PosApiOptions } from './plugin.js';
