// WeChat's webhook: GET is the URL verification (echo `echostr`), POST carries messages and events as XML.
// Every POST is authenticated from the query string (and, in safe mode, from the encrypted body) before anything
// is stored; a verified event goes to the durable inbox and WeChat gets "success" at once.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Inbox } from '../../../core/inbox/index.js';
import type { Clock } from '../../../core/shared/index.js';
import { decryptMessage, signatureMatches, WechatAuthError } from './wechat.crypto.js';
import { routeEvent } from './wechat.normalize.js';
import { parseWechatXml, WECHAT_XML_LIMIT, WechatXmlError } from './wechat.xml.js';

/** How far a request's timestamp may be from our clock before it counts as a replay (5 minutes). */
export const WECHAT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Options for `wechatWebhookPlugin`. */
export interface WechatWebhookOptions {
  /** Route path, e.g. `/wechat/webhook`. */
  path: string;
  /** The Token configured in the WeChat console. */
  token: string;
  appId: string;
  /** The AES key in safe mode; unset in plain mode. */
  aesKey?: Buffer;
  clock: Clock;
  inbox: Pick<Inbox, 'accept'>;
  log: Logger;
}

type Query = Partial<Record<'signature' | 'timestamp' | 'nonce' | 'echostr' | 'msg_signature' | 'encrypt_type', string>>;

const STATUS_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Fastify plugin serving WeChat's webhook at `path` (GET verification and POST events). Register it in its own scope. */
export const wechatWebhookPlugin: FastifyPluginAsync<WechatWebhookOptions> = (fastify, opts) => {
  const log = opts.log.child({ channel: 'wechat' });
  // Each unknown or ignored type is logged once per process, so a chatty event type cannot flood the logs.
  const loggedTypes = new Set<string>();

  // WeChat posts text/xml; whatever the content type, the body is read raw (and capped) for the checks below.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WECHAT_XML_LIMIT }, (_req, body, done) => done(null, body));

  fastify.setErrorHandler((error, request, reply) => {
    const status = typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ reason: error instanceof Error ? error.name : 'non-error thrown' }, 'wechat webhook failed');
      // A 5xx makes WeChat retry (3 times); the inbox dedupes what was already stored.
      return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error' } });
    }
    return reply.code(status).send({ error: { code: STATUS_CODES[status] ?? 'BAD_REQUEST', message: error instanceof Error ? error.message : 'Bad request' } });
  });

  const unauthorized = (reply: FastifyReply, message: string) => reply.code(401).send({ error: { code: 'UNAUTHORIZED', message } });
  const badRequest = (reply: FastifyReply, message: string) => reply.code(400).send({ error: { code: 'BAD_REQUEST', message } });

  /** The checks every request passes first: a fresh timestamp, a nonce, and the query signature. */
  const checkQuery = (query: Query, requireSignature: boolean): string | null => {
    const { timestamp, nonce, signature } = query;
    if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !nonce) return 'Missing timestamp or nonce';
    if (Math.abs(opts.clock.now().getTime() - Number(timestamp) * 1000) > WECHAT_MAX_CLOCK_SKEW_MS) return 'Stale timestamp';
    if ((requireSignature || signature !== undefined) && !signatureMatches(signature, [opts.token, timestamp, nonce])) return 'Wrong signature';
    return null;
  };

  fastify.get(opts.path, async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
    const q = request.query;
    if (typeof q.echostr !== 'string' || q.echostr === '') return badRequest(reply, 'Missing echostr');
    if (q.msg_signature !== undefined && opts.aesKey) {
      // Safe-mode verification: echostr is encrypted and covered by msg_signature.
      const problem = checkQuery(q, false);
      if (problem) return unauthorized(reply, problem);
      if (!signatureMatches(q.msg_signature, [opts.token, q.timestamp!, q.nonce!, q.echostr])) return unauthorized(reply, 'Wrong msg_signature');
      try {
        return await reply.type('text/plain').send(decryptMessage(opts.aesKey, opts.appId, q.echostr));
      } catch (err) {
        if (err instanceof WechatAuthError) return unauthorized(reply, err.message);
        throw err;
      }
    }
    const problem = checkQuery(q, true);
    if (problem) return unauthorized(reply, problem);
    return reply.type('text/plain').send(q.echostr);
  });

  fastify.post(
    opts.path,
    {
      // Before the body is read: a forged or replayed request costs us no parsing at all.
      onRequest: async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
        const q = request.query;
        const problem = checkQuery(q, !opts.aesKey);
        if (problem) return unauthorized(reply, problem);
        if (opts.aesKey && typeof q.msg_signature !== 'string') return unauthorized(reply, 'Safe mode needs msg_signature');
      },
    },
    async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let fields: Record<string, string>;
      try {
        fields = parseWechatXml(body);
        if (opts.aesKey) {
          // Safe mode: only the encrypted form is accepted, so a plain body cannot bypass msg_signature.
          const encrypted = fields.Encrypt;
          if (!encrypted) return await unauthorized(reply, 'Safe mode needs an Encrypt field');
          const q = request.query;
          if (!signatureMatches(q.msg_signature, [opts.token, q.timestamp!, q.nonce!, encrypted])) return await unauthorized(reply, 'Wrong msg_signature');
          fields = parseWechatXml(decryptMessage(opts.aesKey, opts.appId, encrypted));
        }
      } catch (err) {
        if (err instanceof WechatXmlError) return badRequest(reply, `Malformed XML: ${err.message}`);
        if (err instanceof WechatAuthError) return unauthorized(reply, err.message);
        throw err;
      }
      const route = routeEvent(fields);
      if (route.action === 'reject') return badRequest(reply, route.reason);
      if (route.action === 'ignore') {
        if (!loggedTypes.has(route.type)) {
          loggedTypes.add(route.type);
          log.info({ type: route.type }, 'wechat event type ignored');
        }
        return reply.type('text/plain').send('success');
      }
      await opts.inbox.accept({ channel: 'wechat', eventId: route.eventId, chatKey: route.chatKey, payload: fields });
      // "success" is WeChat's empty passive reply: no retry, and no "service unavailable" shown to the customer.
      return reply.type('text/plain').send('success');
    },
  );
  return Promise.resolve();
};
