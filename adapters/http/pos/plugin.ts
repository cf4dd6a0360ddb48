// The POS REST API under /api/v1 and its OpenAPI documentation at /docs.
//
// A request goes: onRequest `identify` (looks the Bearer key up; never refuses by itself) → onRequest rate limit,
// counted per API key id, or per client IP while there is no valid key (so guessing keys is limited too) → preParsing
// `requireKey` (401 before any body is read) → body parsing (JSON, or NDJSON streamed with byte and line caps) →
// validation by zod (400 naming the field) → handler → outcome mapped to a status in outcomes.ts.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { verifyApiKey } from '../../../core/api-keys/index.js';
import { createTransactionCoalescer } from '../../../core/pos/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import { customerRoutes } from './customers.routes.js';
import { openApiInfo } from './docs.js';
import { giftCardRoutes } from './gift-cards.routes.js';
import { NdjsonBody, NdjsonLimitError, readNdjson, type NdjsonLimits } from './ndjson.js';
import { PosApiError } from './outcomes.js';
import type { PosRouteContext } from './route-context.js';
import { zodValidatorCompiler } from './schemas.js';
import { reportRoutes } from './reports.routes.js';
import { transactionRoutes } from './transactions.routes.js';
import { voucherRoutes } from './vouchers.routes.js';

/** Where the API is mounted. */
export const POS_API_PREFIX = '/api/v1';
/** Where the documentation is served (`/docs/json` is the OpenAPI document). */
export const POS_DOCS_PREFIX = '/docs';

/** Requests per window: per API key, and per client IP for requests without a valid key. */
export const DEFAULT_POS_RATE_LIMIT = { max: 600, unauthenticatedMax: 30, windowMs: 60_000 } as const;
/** Caps of one NDJSON upload: 500 sales, 2 MiB. */
export const DEFAULT_BULK_LIMITS: NdjsonLimits = { maxLines: 500, maxBytes: 2 * 1024 * 1024 };

/** What the POS API is built from. */
export interface PosApiOptions {
  deps: CoreDeps;
  brandId: string;
  rateLimit?: {
    max?: number;
    unauthenticatedMax?: number;
    windowMs?: number;
    /** Shares the counters between app instances; without it each process counts on its own. */
    redis?: Redis;
  };
  bulk?: Partial<NdjsonLimits>;
}

// Swagger UI's own files only: the page works offline and cannot be made to load scripts from elsewhere.
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'";

/** The fastify plugin serving the POS API under /api/v1 and its documentation at /docs. */
export function posApiPlugin(options: PosApiOptions): FastifyPluginAsync {
  return async (app) => {
    await app.register(swagger, { openapi: openApiInfo });
    await app.register(swaggerUi, { routePrefix: POS_DOCS_PREFIX, staticCSP: DOCS_CSP, uiConfig: { deepLinking: true } });
    await app.register(posApiRoutes(options), { prefix: POS_API_PREFIX });
  };
}

function posApiRoutes(options: PosApiOptions): FastifyPluginAsync {
  const limits = { ...DEFAULT_POS_RATE_LIMIT, ...options.rateLimit };
  const ctx: PosRouteContext = {
    deps: options.deps,
    brandId: options.brandId,
    bulk: { ...DEFAULT_BULK_LIMITS, ...options.bulk },
    sales: createTransactionCoalescer(options.deps),
  };

  return async (api: FastifyInstance) => {
    api.setValidatorCompiler(zodValidatorCompiler);
    // Response schemas are documentation; serializing with them would silently drop any field they do not list.
    api.setSerializerCompiler(() => (data) => JSON.stringify(data));
    api.setErrorHandler(posErrorHandler);
    api.decorateRequest('posApiKey', null);

    api.addHook('onRequest', async (req) => {
      const key = bearerToken(req);
      req.posApiKey = key ? await verifyApiKey(ctx.deps, { brandId: ctx.brandId, key }) : null;
    });

    await api.register(rateLimit, {
      hook: 'onRequest',
      timeWindow: limits.windowMs,
      keyGenerator: (req) => (req.posApiKey ? `key:${req.posApiKey.id}` : `ip:${req.ip}`),
      max: (_req, key) => (key.startsWith('key:') ? limits.max : limits.unauthenticatedMax),
      nameSpace: `pos-api:${ctx.brandId}:`,
      // With Redis down, tills keep selling rather than every request failing: the limit is skipped, not enforced.
      ...(limits.redis ? { redis: limits.redis, skipOnError: true } : {}),
      errorResponseBuilder: (_req, c) => new PosApiError(c.statusCode, 'RATE_LIMITED', `at most ${c.max} requests per ${Math.round(limits.windowMs / 1000)} s; retry in ${c.after}`),
    });

    api.addHook('preParsing', async (req, _reply, payload) => {
      if (!req.posApiKey) {
        const message = req.headers.authorization ? 'the API key is wrong or revoked' : 'send an API key: Authorization: Bearer pos_…';
        throw new PosApiError(401, 'UNAUTHORIZED', message, {}, { 'www-authenticate': 'Bearer' });
      }
      return payload;
    });

    api.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], async (req: FastifyRequest, payload: AsyncIterable<Buffer>) => {
      const declared = Number(req.headers['content-length']);
      if (declared > ctx.bulk.maxBytes) throw new NdjsonLimitError(`the body must be at most ${ctx.bulk.maxBytes} bytes`);
      return new NdjsonBody(await readNdjson(payload, ctx.bulk));
    });

    transactionRoutes(api, ctx);
    customerRoutes(api, ctx);
    voucherRoutes(api, ctx);
    giftCardRoutes(api, ctx);
    reportRoutes(api, ctx);
  };
}

/** The token of an `Authorization: Bearer …` header, or null. */
function bearerToken(req: FastifyRequest): string | null {
  const m = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

// Refusals this API raises itself are sent as they are; anything else goes on to the server's handler (errors.ts),
// which already turns validation errors into 400 VALIDATION_FAILED and hides internal ones.
function posErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof PosApiError) {
    reply.headers(err.headers);
    return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, ...err.extra } });
  }
  throw err;
}
