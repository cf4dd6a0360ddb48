// The shapes of WhatsApp's webhook body and of the events this channel stores in the inbox. Only what we use is
// checked; everything else passes through (`looseObject`), so a field Meta adds tomorrow breaks nothing.
import { z } from 'zod';

/** The outer envelope Meta posts: one or more WhatsApp Business Accounts, each with changes. */
export const webhookEnvelope = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })) })),
});

const waId = z.string().regex(/^\d{1,20}$/);

/** One inbound message as Meta sends it (`value.messages[]`); the type-specific object is read by the normalizer. */
export const webhookMessage = z.looseObject({
  id: z.string().min(1).max(256),
  from: waId,
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string().min(1),
});
export type WebhookMessage = z.infer<typeof webhookMessage> & Record<string, unknown>;

/** One status update for a message we sent (`value.statuses[]`). */
export const webhookStatus = z.looseObject({
  id: z.string().min(1).max(256),
  status: z.string().min(1).max(32),
  timestamp: z.string().regex(/^\d{1,12}$/).optional(),
  recipient_id: z.string().min(1).max(64),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional() })).optional(),
});
export type WebhookStatus = z.infer<typeof webhookStatus>;

/** `value` of a `messages` change. */
export const messagesValue = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string() }),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

/** What the webhook stores in the inbox and the processor reads back. */
export const storedEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), profileName: z.string().optional(), message: webhookMessage }),
  z.object({ kind: z.literal('status'), status: webhookStatus }),
]);
export type StoredEvent = z.infer<typeof storedEvent>;
