import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type AppErrorCode } from '../../core/shared/index.js';

const STATUS: Record<AppErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** The JSON error body every endpoint returns. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Builds an error body. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * Turns every error into `{ error: { code, message } }` with a fitting status: fastify's own 4xx (bad JSON,
 * body too large, schema validation) keep their status and message; unexpected errors say nothing internal.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) return reply.status(STATUS[err.code]).send(errorBody(err.code, err.message));
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const code = err.validation ? 'VALIDATION_FAILED' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
      return reply.status(status).send(errorBody(code, err.message));
    }
    req.log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, 'request failed');
    return reply.status(500).send(errorBody('INTERNAL', 'Something went wrong on our side.'));
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send(errorBody('NOT_FOUND', `No route for ${req.method} ${req.url.split('?')[0]}`)));
}
