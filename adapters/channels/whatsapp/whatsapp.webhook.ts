import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Inbox } from '../../../core/inbox/index.js';
import { messagesValue, webhookEnvelope, webhookMessage, webhookStatus } from './whatsapp.events.js';
import { isValidSignature, sameSecret } from './whatsapp.signature.js';

/** Options for `whatsappWebhookPlugin`. */
export interface WhatsAppWebhookOptions {
  /** Route path, e.g. `/whatsapp/webhook`. */
  path: string;
  appSecret: string;
  verifyToken: string;
  /** Our phone number id: events for the account's other numbers are not ours to answer. */
  phoneNumberId: string;
  inbox: Pick<Inbox, 'accept'>;
  log: Logger;
  /** Largest body accepted (default 1 MiB; Meta batches at most a few hundred KB). */
  bodyLimit?: number;
}

const STATUS_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * Fastify plugin serving WhatsApp's webhook: `GET path` answers Meta's verification handshake, `POST path` takes
 * event deliveries. Register it with `app.register`: its raw-body JSON parser and error handler stay in its scope.
 *
 * A POST is refused with 401 unless `X-Hub-Signature-256` matches the raw body, before the body is even parsed.
 * Each message and status is then stored in the inbox (deduped on the wamid, or status id + status) and the
 * request answered 200 at once; the inbox processes the events in the background, in order per customer.
 */
export const whatsappWebhookPlugin: FastifyPluginAsync<WhatsAppWebhookOptions> = (fastify, opts) => {
  const log = opts.log.child({ channel: 'whatsapp' });
  // Each unexpected kind of event is logged once per process: Meta may send thousands, and they are all alike.
  const reported = new Set<string>();
  const reportOnce = (kind: string, detail: string) => {
    const key = `${kind}:${detail}`;
    if (reported.has(key) || reported.size > 1000) return;
    reported.add(key);
    log.info({ kind, detail }, 'whatsapp webhook event ignored');
  };

  // The signature covers the exact bytes Meta sent, so the body is kept raw and parsed only after the check.
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: opts.bodyLimit ?? 1024 * 1024 }, (_request, body, done) => done(null, body));

  fastify.setErrorHandler((error, request, reply) => {
    const status = typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ reason: error instanceof Error ? error.name : 'non-error thrown' }, 'whatsapp webhook failed');
      // A 5xx makes Meta deliver the batch again later; the inbox dedupes what was already stored.
      return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error' } });
    }
    return reply.code(status).send({ error: { code: STATUS_CODES[status] ?? 'BAD_REQUEST', message: error instanceof Error ? error.message : 'Bad request' } });
  });

  fastify.get(opts.path, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    if (mode !== 'subscribe' || typeof token !== 'string' || !sameSecret(token, opts.verifyToken) || typeof challenge !== 'string') {
      return reply.code(403).send({ error: { code: 'FORBIDDEN', message: 'Verification failed' } });
    }
    // Echoed as plain text, only when it is the number Meta sends: no reflected markup from a guessed token.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'Bad challenge' } });
    return reply.code(200).type('text/plain').send(challenge);
  });

  fastify.post(opts.path, async (request, reply) => {
    const raw = request.body;
    const signature = request.headers['x-hub-signature-256'];
    if (!Buffer.isBuffer(raw) || !isValidSignature(raw, typeof signature === 'string' ? signature : undefined, opts.appSecret)) {
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Missing or wrong X-Hub-Signature-256' } });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return badRequest(reply, 'Body is not valid JSON');
    }
    const envelope = webhookEnvelope.safeParse(json);
    if (!envelope.success) return badRequest(reply, 'Body must be an object with entry[].changes[]');
    if (envelope.data.object !== 'whatsapp_business_account') {
      reportOnce('object', envelope.data.object.slice(0, 64));
      return reply.code(200).send({ ok: true });
    }
    // Stored one by one, in Meta's order: the inbox keeps that order per customer.
    for (const entry of envelope.data.entry) {
      for (const change of entry.changes) {
        if (change.field !== 'messages') {
          reportOnce('field', change.field.slice(0, 64));
          continue;
        }
        const value = messagesValue.safeParse(change.value);
        if (!value.success) {
          reportOnce('shape', 'messages value');
          continue;
        }
        if (value.data.metadata.phone_number_id !== opts.phoneNumberId) {
          reportOnce('phone_number_id', 'another number of the account');
          continue;
        }
        for (const item of value.data.messages ?? []) {
          const message = webhookMessage.safeParse(item);
          if (!message.success) {
            reportOnce('shape', 'message');
            continue;
          }
          const m = message.data;
          const profileName = value.data.contacts?.find((c) => c.wa_id === m.from)?.profile?.name;
          await opts.inbox.accept({ channel: 'whatsapp', eventId: m.id, chatKey: m.from, payload: { kind: 'message', message: m, ...(profileName ? { profileName } : {}) } });
        }
        for (const item of value.data.statuses ?? []) {
          const status = webhookStatus.safeParse(item);
          if (!status.success) {
            reportOnce('shape', 'status');
            continue;
          }
          const s = status.data;
          // Several statuses arrive per message (sent, delivered, read): each is its own event.
          await opts.inbox.accept({ channel: 'whatsapp', eventId: `status:${s.id}:${s.status}`, chatKey: s.recipient_id, payload: { kind: 'status', status: s } });
        }
      }
    }
    return reply.code(200).send({ ok: true });
  });
  return Promise.resolve();
};

function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: { code: 'BAD_REQUEST', message } });
}
