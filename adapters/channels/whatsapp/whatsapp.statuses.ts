// Delivery statuses (sent, delivered, read, failed) WhatsApp reports for the messages we sent, by wamid.
import { recordDeliveryStatus } from '../../../core/conversation/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import type { ChannelErrorCode } from '../channel-error.js';
import { codeFor } from './whatsapp.errors.js';
import type { WebhookStatus } from './whatsapp.events.js';

/** A status update normalized: the wamid it is about and what happened. */
export interface WhatsAppStatusUpdate {
  platformMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** For `failed`: Meta's error code mapped to the closed set. */
  error?: ChannelErrorCode;
  at?: Date;
}

/** Where status updates go. */
export type StatusRecorder = (update: WhatsAppStatusUpdate) => Promise<'recorded' | 'unknown_message' | 'not_stored'>;

const KNOWN = new Set(['sent', 'delivered', 'read', 'failed']);

/** Reads one webhook status; null for statuses we do not track (e.g. `deleted`, `warning`). */
export function toStatusUpdate(status: WebhookStatus): WhatsAppStatusUpdate | null {
  if (!KNOWN.has(status.status)) return null;
  const update: WhatsAppStatusUpdate = { platformMessageId: status.id, status: status.status as WhatsAppStatusUpdate['status'] };
  if (status.timestamp !== undefined) update.at = new Date(Number(status.timestamp) * 1000);
  if (update.status === 'failed') update.error = codeFor(400, status.errors?.[0]?.code);
  return update;
}

/**
 * Records a status on our stored outbound message, found by its wamid (core's `recordDeliveryStatus`: indexed, and a
 * receipt never moves a message backwards). `sent` is already recorded when the API accepted the message.
 */
export function createStatusRecorder(deps: CoreDeps, brandId: string): StatusRecorder {
  return async (update) => {
    if (update.status === 'sent') return 'not_stored';
    const found = await recordDeliveryStatus(deps, {
      brandId,
      channel: 'whatsapp',
      platformMessageId: update.platformMessageId,
      status: update.status,
      ...(update.error ? { error: update.error } : {}),
    });
    return found ? 'recorded' : 'unknown_message';
  };
}
