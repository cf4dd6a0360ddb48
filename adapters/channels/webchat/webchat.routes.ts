// The web chat channel: the browser page posts a message and gets the replies in the response.
// The session id in the browser is the customer's identity on this channel; the message id makes retries safe.
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { conversationHistory, type HistoryItem, type InboundSink, type Reply } from '../../../core/conversation/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import { schema } from '../../../db/index.js';
import { errorBody } from '../../http/errors.js';
import { qrRef, toWebImage, toWebReply, webQrPng } from './webchat.qr.js';

// How far back the QR route looks for the message that carried a QR code (the history shows as many).
const QR_LOOKBACK = 200;

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

/** `POST /api/webchat/messages`, `GET /api/webchat/history` and `GET /api/webchat/qr` (QR images the bot sent). */
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
    // `id` is the stored message's id, as in the history: the page's poll knows these replies are already shown.
    return { replies: result.replies.map((r) => ({ ...toWebReply(r.reply, b.sessionId), id: r.id })), duplicate: result.duplicate };
  });

  app.get('/api/webchat/history', async (req, reply) => {
    const q = z.object({ sessionId: id }).safeParse(req.query);
    if (!q.success) return reply.status(400).send(errorBody('BAD_REQUEST', `sessionId ${q.error.issues[0]?.message ?? 'is invalid'}`));
    const items = await historyWithIds(opts.deps, { brandId: opts.brandId, chatId: q.data.sessionId, limit: 100 });
    return {
      messages: items.map((m) => {
        const body = m.body as Partial<Reply>;
        const image = m.direction === 'out' && body.image ? toWebImage(body.image, q.data.sessionId) : undefined;
        return {
          id: m.id,
          direction: m.direction,
          text: m.text,
          dir: m.direction === 'out' ? (body.dir ?? 'ltr') : 'auto',
          ...(m.direction === 'out' && body.buttons ? { buttons: body.buttons } : {}),
          ...(image ? { image } : {}),
          at: m.at.toISOString(),
        };
      }),
    };
  });

  // Draws only a QR code the bot sent to this very session: the payload never comes from the request, so the route
  // cannot be used to mint arbitrary QR codes (or to probe for other people's vouchers).
  app.get('/api/webchat/qr', async (req, reply) => {
    const q = z.object({ sessionId: id, ref: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits') }).safeParse(req.query);
    if (!q.success) return reply.status(400).send(errorBody('BAD_REQUEST', q.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')));
    const items = await conversationHistory(opts.deps, { brandId: opts.brandId, channel: 'web', chatId: q.data.sessionId, limit: QR_LOOKBACK });
    const payload = items
      .filter((m) => m.direction === 'out')
      .map((m) => (m.body as Partial<Reply>).image)
      .map((image) => (image && 'qr' in image && typeof image.qr === 'string' ? image.qr : null))
      .find((qr) => qr !== null && qrRef(qr) === q.data.ref);
    if (!payload) return reply.status(404).send(errorBody('NOT_FOUND', 'no such QR code in this conversation'));
    return reply
      .type('image/png')
      .header('cache-control', 'private, max-age=86400, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(await webQrPng(payload));
  });
  return Promise.resolve();
};

/**
 * The web chat's last `limit` messages, oldest first, as `conversationHistory` returns them plus each message's id:
 * the page polls this list for messages sent outside its own turns (an agent's reply, a survey) and needs a key that
 * stays the same across polls to show each once. A stand-in until core's `HistoryItem` carries the id.
 */
async function historyWithIds(deps: CoreDeps, input: { brandId: string; chatId: string; limit: number }): Promise<Array<HistoryItem & { id: string }>> {
  const rows = await deps.db
    .select({ id: schema.messages.id, direction: schema.messages.direction, text: schema.messages.text, body: schema.messages.body, at: schema.messages.createdAt })
    .from(schema.messages)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.messages.conversationId))
    .where(and(eq(schema.conversations.brandId, input.brandId), eq(schema.conversations.channel, 'web'), eq(schema.conversations.chatId, input.chatId)))
    // The id breaks ties between messages stored in the same millisecond, so the order is the same on every poll.
    .orderBy(desc(schema.messages.createdAt), desc(schema.messages.id))
    .limit(input.limit);
  return rows.reverse().map((r) => ({ id: r.id, direction: r.direction as 'in' | 'out', text: r.text ?? '', body: r.body, at: r.at }));
}
