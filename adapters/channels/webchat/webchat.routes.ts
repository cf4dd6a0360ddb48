// The web chat channel: the browser page posts a message and gets the replies in the response.
// The session id in the browser is the customer's identity on this channel; the message id makes retries safe.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { conversationHistory, type InboundSink, type Reply } from '../../../core/conversation/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import { errorBody } from '../../http/errors.js';

const id = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'must be 8-64 letters, digits or dashes (a UUID)');

const postBody = z
  .object({
    sessionId: id,
    messageId: id,
    // Longer texts are accepted (the bot answers "too long") up to the body limit; the cap stops abuse.
    text: z.string().max(100_000).optional(),
    payload: z.string().max(64).optional(),
    contact: z.string().max(32).optional(),
  })
  .refine((b) => b.text !== undefined || b.payload !== undefined || b.contact !== undefined, 'one of text, payload or contact is required');

/** What the web chat routes need. */
export interface WebchatOptions {
  sink: InboundSink;
  deps: CoreDeps;
  brandId: string;
}

/** `POST /api/webchat/messages` and `GET /api/webchat/history`. */
export const webchatRoutes: FastifyPluginAsync<WebchatOptions> = (app, opts) => {
  app.post('/api/webchat/messages', { bodyLimit: 256 * 1024 }, async (req, reply) => {
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) {
      return reply.status(400).send(errorBody('BAD_REQUEST', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')));
    }
    const b = parsed.data;
    const result = await opts.sink.handle({
      channel: 'web',
      externalUserId: b.sessionId,
      chatId: b.sessionId,
      platformMessageId: b.messageId,
      ...(b.text !== undefined ? { text: b.text } : {}),
      ...(b.payload !== undefined ? { payload: b.payload } : {}),
      // A phone typed in the browser is not verified: anyone can type any number.
      ...(b.contact !== undefined ? { contact: { phone: b.contact, verified: false }, text: b.contact } : {}),
      timestamp: new Date(),
    });
    // The replies travel in this response, so they are delivered once it is written.
    await Promise.all(result.replies.map((r) => opts.sink.recordDelivery(r.id, { platformMessageId: r.id })));
    return { replies: result.replies.map((r) => r.reply), duplicate: result.duplicate };
  });

  app.get('/api/webchat/history', async (req, reply) => {
    const q = z.object({ sessionId: id }).safeParse(req.query);
    if (!q.success) return reply.status(400).send(errorBody('BAD_REQUEST', `sessionId ${q.error.issues[0]?.message ?? 'is invalid'}`));
    const items = await conversationHistory(opts.deps, { brandId: opts.brandId, channel: 'web', chatId: q.data.sessionId, limit: 100 });
    return {
      messages: items.map((m) => {
        const body = m.body as Partial<Reply>;
        return {
          direction: m.direction,
          text: m.text,
          dir: m.direction === 'out' ? (body.dir ?? 'ltr') : 'auto',
          ...(m.direction === 'out' && body.buttons ? { buttons: body.buttons } : {}),
          at: m.at.toISOString(),
        };
      }),
    };
  });
  return Promise.resolve();
};
