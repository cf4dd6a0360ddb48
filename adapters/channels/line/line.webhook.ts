import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Inbox } from '../../../core/inbox/index.js';
import { lineEvent, lineWebhookBody } from './line.events.js';
import { normalizeLineEvent } from './line.normalize.js';
import { verifyLineSignature } from './line.signature.js';

/** Where LINE posts webhook events (set the same path in the LINE Developers console). */
export const LINE_WEBHOOK_PATH = '/line/webhook';
/** Largest webhook body we read; LINE batches events, but a batch is far smaller than this. */
export const LINE_WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Options for `lineWebhookPlugin`. */
export interface LineWebhookOptions {
  channelSecret: string;
  inbox: Pick<Inbox, 'accept'>;
  log: Logger;
  /** Logs a message at most once per key per process (unknown event types, group chats). */
  logOnce: (key: string, level: 'debug' | 'info' | 'warn', fields: Record<string, unknown>, msg: string) => void;
  path?: string;
  bodyLimit?: number;
  /** Groups that are team workspaces: their events are stored for the staff side. */
  staffGroupIds?: readonly string[];
}

/**
 * Fastify plugin serving LINE's webhook. Registered in its own scope, it reads every body as raw bytes so the
 * signature is checked on exactly what LINE signed, before anything is parsed or stored. Customer events are
 * stored in the inbox (deduped on webhookEventId) and LINE gets its 200 at once; the work happens in the background.
 * Events the bot does not act on (groups, standby, unknown types, odd shapes) are not stored at all.
 */
export const lineWebhookPlugin: FastifyPluginAsync<LineWebhookOptions> = (fastify, opts) => {
  const bodyLimit = opts.bodyLimit ?? LINE_WEBHOOK_BODY_LIMIT;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  fastify.post(opts.path ?? LINE_WEBHOOK_PATH, { bodyLimit }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verifyLineSignature(opts.channelSecret, raw, request.headers['x-line-signature'])) {
      opts.log.warn({ bytes: raw.length }, 'line webhook signature rejected');
      return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Missing or wrong x-line-signature' } });
    }
    const body = lineWebhookBody.safeParse(parseJson(raw));
    if (!body.success) {
      opts.log.warn({ bytes: raw.length }, 'line webhook body has an unexpected shape');
      return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'Body must be a JSON object with an events array' } });
    }
    // In order: events of one chat arrive oldest first, and the inbox processes a chat in the order it stored them.
    for (const candidate of body.data.events) {
      const event = lineEvent.safeParse(candidate);
      if (!event.success) {
        opts.logOnce('shape', 'warn', {}, 'line webhook event with an unexpected shape skipped');
        continue;
      }
      const normalized = normalizeLineEvent(event.data);
      switch (normalized.kind) {
        case 'message':
          await opts.inbox.accept({ channel: 'line', eventId: event.data.webhookEventId, chatKey: normalized.message.chatId, payload: event.data });
          break;
        case 'unfollow':
          await opts.inbox.accept({ channel: 'line', eventId: event.data.webhookEventId, chatKey: normalized.userId, payload: event.data });
          break;
        case 'group':
          // A team workspace's messages go to the staff side; any other group is nobody's business here.
          if (normalized.chatType === 'group' && opts.staffGroupIds?.includes(normalized.chatId)) {
            await opts.inbox.accept({ channel: 'line', eventId: event.data.webhookEventId, chatKey: normalized.chatId, payload: event.data });
          } else {
            opts.logOnce('group', 'debug', { chatType: normalized.chatType }, 'line group chat event ignored (not a staff workspace)');
          }
          break;
        case 'standby':
          opts.logOnce('standby', 'info', {}, 'line standby event ignored (another channel is answering this chat)');
          break;
        case 'ignored':
          opts.logOnce(`type:${normalized.eventType}`, 'info', { eventType: normalized.eventType }, 'line event type ignored');
          break;
      }
    }
    return reply.code(200).send({});
  });
  return Promise.resolve();
};

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
