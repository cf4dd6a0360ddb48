// The parts of LINE webhook bodies we read, as zod schemas. Objects are loose: LINE adds fields over time, and a field
// we do not know must never turn a genuine event into an error. Only what we rely on is required.
import { z } from 'zod';

/** Who an event came from: a 1:1 chat with a user, or a group or multi-person chat. */
export const lineSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('user'), userId: z.string().min(1).max(100) }),
  z.looseObject({ type: z.literal('group'), groupId: z.string().min(1).max(100), userId: z.string().optional() }),
  z.looseObject({ type: z.literal('room'), roomId: z.string().min(1).max(100), userId: z.string().optional() }),
]);

/** Fields every webhook event has. `type` stays a string: unknown types are ignored, not rejected. */
export const lineEvent = z.looseObject({
  type: z.string().min(1).max(64),
  webhookEventId: z.string().min(1).max(100),
  timestamp: z.number().int().nonnegative(),
  // Absent on some event types (e.g. unsend); a user source is what makes an event a customer conversation.
  source: z.unknown().optional(),
  // 'standby' means another channel (e.g. a chat module) is answering this user: we must stay silent.
  mode: z.string().optional(),
  replyToken: z.string().min(1).max(200).optional(),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }).optional(),
});

/** One webhook event as far as the envelope check goes. */
export type LineEvent = z.infer<typeof lineEvent>;

/** A webhook body. `events` is empty when LINE's console verifies the webhook URL. */
export const lineWebhookBody = z.looseObject({
  destination: z.string().max(100).optional(),
  events: z.array(z.unknown()).max(1000),
});

/** The message object of a `message` event. */
export const lineMessageContent = z.looseObject({
  id: z.string().min(1).max(100),
  type: z.string().min(1).max(64),
  text: z.string().max(20_000).optional(),
  // The message this one quotes (a reply in a group); a bot's message id here makes a staff thread.
  quotedMessageId: z.string().min(1).max(100).optional(),
});

/** The postback object of a `postback` event (a pressed quick reply or template button). */
export const linePostbackContent = z.looseObject({ data: z.string().max(1000) });
