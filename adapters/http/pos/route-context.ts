// What every POS route gets, and the two helpers they share: the authenticated key, and sending an outcome.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyPrincipal } from '../../../core/api-keys/index.js';
import type { TransactionCoalescer } from '../../../core/pos/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import type { NdjsonLimits } from './ndjson.js';
import { PosApiError, type HttpOutcome } from './outcomes.js';

/** Shared by the route modules. */
export interface PosRouteContext {
  deps: CoreDeps;
  brandId: string;
  bulk: NdjsonLimits;
  /** Single sales go through a group-commit coalescer: concurrent requests share one database transaction. */
  sales: TransactionCoalescer;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request was made with; set by the POS API's auth hook, null before or without one. */
    posApiKey: ApiKeyPrincipal | null;
  }
}

/** The request's key; the auth hook has already refused requests without one, so its absence is a wiring bug. */
export function principalOf(req: FastifyRequest): ApiKeyPrincipal {
  if (!req.posApiKey) throw new PosApiError(401, 'UNAUTHORIZED', 'an API key is required');
  return req.posApiKey;
}

/** Sends an outcome with its status and headers. */
export function send(reply: FastifyReply, outcome: HttpOutcome): FastifyReply {
  if (outcome.headers) reply.headers(outcome.headers);
  return reply.status(outcome.status).send(outcome.body);
}
