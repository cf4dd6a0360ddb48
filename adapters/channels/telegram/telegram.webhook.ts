import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { TelegramChannel } from './telegram.channel.js';

/** Options for `telegramWebhookPlugin`. */
export interface TelegramWebhookOptions {
  /** Route path, e.g. `/telegram/webhook`. */
  path: string;
  /** The secret given to `setWebhook`; Telegram sends it back in `X-Telegram-Bot-Api-Secret-Token`. */
  secretToken: string;
  channel: Pick<TelegramChannel, 'handleUpdate'>;
}

// Telegram's rule for secret_token; checking it here turns a typo into a boot failure instead of 401s forever.
const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

// Only the envelope is checked: the secret already proves the sender is Telegram, and the normalizer copes
// with update types it does not know.
const updateEnvelope = z.looseObject({ update_id: z.int().nonnegative() });

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Fastify plugin serving Telegram's webhook at `POST path`. Register it with `app.register` so its error handler
 * stays scoped to this route. Unauthenticated requests are refused before the body is even parsed.
 */
export const telegramWebhookPlugin: FastifyPluginAsync<TelegramWebhookOptions> = (fastify, opts) => {
  if (!SECRET_TOKEN_PATTERN.test(opts.secretToken)) {
    // Rejected, not thrown: fastify only reports a plugin's failure through its promise.
    return Promise.reject(new Error('Telegram webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ or -'));
  }
  // Comparing fixed-length digests makes the check constant-time whatever length the caller sends.
  const expected = digest(opts.secretToken);

  // Fastify's own 400/413/415 (unparseable JSON, wrong content type) get our error shape too.
  fastify.setErrorHandler((error, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) {
      request.log.error({ reason: error instanceof Error ? error.message : 'non-error thrown' }, 'telegram webhook failed');
      // A 5xx makes Telegram deliver the update again later; the sink dedupes on update_id.
      return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error' } });
    }
    const message = error instanceof Error ? error.message : 'Bad request';
    return reply.code(status).send({ error: { code: STATUS_CODES[status] ?? 'BAD_REQUEST', message } });
  });

  fastify.post(
    opts.path,
    {
      onRequest: async (request, reply) => {
        const header = request.headers['x-telegram-bot-api-secret-token'];
        if (typeof header !== 'string' || !timingSafeEqual(digest(header), expected)) {
          return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Missing or wrong secret token' } });
        }
      },
    },
    async (request, reply) => {
      if (!updateEnvelope.safeParse(request.body).success) {
        return reply
          .code(400)
          .send({ error: { code: 'BAD_REQUEST', message: 'Body must be a JSON object with an integer update_id' } });
      }
      await opts.channel.handleUpdate(request.body as Update);
      return reply.code(200).send({ ok: true });
    },
  );
  return Promise.resolve();
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function statusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number') {
    return error.statusCode;
  }
  return 500;
}
