// Test-only helpers for the LINE adapter tests: webhook event fixtures shaped like LINE's documentation examples,
// signing, and an in-memory inbox. The in-memory sink and log capture are shared with the Telegram tests.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChannelName } from '../../../core/conversation/message.js';
import type { EventProcessor, Inbox, InboundEvent } from '../../../core/inbox/index.js';
import { lineSignature } from './line.signature.js';

export { MemorySink, captureLogger, silentLogger, reply } from '../telegram/telegram.test-support.js';

/** A fresh LINE user id (`U` + 32 hex digits, as LINE issues them). */
export function lineUserId(): string {
  return `U${randomBytes(16).toString('hex')}`;
}

/** A webhook event id in LINE's ULID-like format. */
export function webhookEventId(): string {
  return randomUUID().replace(/-/g, '').toUpperCase().slice(0, 26);
}

type Fields = Record<string, unknown>;

/** The common part of an event from `userId` (1:1 chat). */
export function baseEvent(userId: string, type: string, extra: Fields = {}): Fields {
  return {
    type,
    mode: 'active',
    timestamp: 1_767_225_600_000,
    source: { type: 'user', userId },
    webhookEventId: webhookEventId(),
    deliveryContext: { isRedelivery: false },
    ...extra,
  };
}

/** A text message event. */
export function textEvent(userId: string, text: string, replyToken?: string): Fields {
  return baseEvent(userId, 'message', {
    ...(replyToken ? { replyToken } : {}),
    message: { id: String(Date.now()) + String(Math.floor(Math.random() * 1000)), type: 'text', quoteToken: 'q3Plxr4AgKd', text },
  });
}

/** A message event of another type (image, sticker, location…). */
export function messageEvent(userId: string, message: Fields, replyToken?: string): Fields {
  return baseEvent(userId, 'message', { ...(replyToken ? { replyToken } : {}), message: { id: '468789577898262530', ...message } });
}

/** A postback event (a pressed quick reply or template button). */
export function postbackEvent(userId: string, data: string, replyToken?: string): Fields {
  return baseEvent(userId, 'postback', { ...(replyToken ? { replyToken } : {}), postback: { data } });
}

/** A follow event (the user added the bot as a friend). */
export function followEvent(userId: string, replyToken?: string): Fields {
  return baseEvent(userId, 'follow', { ...(replyToken ? { replyToken } : {}), follow: { isUnblocked: false } });
}

/** A webhook body holding `events`, as LINE posts it. */
export function webhookBody(events: Fields[]): string {
  return JSON.stringify({ destination: 'U0123456789abcdef0123456789abcdef', events });
}

/** Headers LINE would send with `body`. */
export function signedHeaders(secret: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'x-line-signature': lineSignature(secret, body) };
}

/**
 * The in-memory implementation of the inbox port: stores each channel + event id once and processes events only when
 * `drain` is called, so tests see exactly what the webhook accepted before anything ran.
 */
export class MemoryInbox implements Inbox {
  readonly accepted: InboundEvent[] = [];
  private readonly queue: InboundEvent[] = [];
  private readonly processors = new Map<ChannelName, EventProcessor>();

  accept(event: InboundEvent): Promise<{ duplicate: boolean }> {
    if (this.accepted.some((e) => e.channel === event.channel && e.eventId === event.eventId)) return Promise.resolve({ duplicate: true });
    this.accepted.push(event);
    this.queue.push(event);
    return Promise.resolve({ duplicate: false });
  }

  register(channel: ChannelName, processor: EventProcessor): void {
    this.processors.set(channel, processor);
  }

  resume(): Promise<number> {
    return Promise.resolve(this.queue.length);
  }

  async drain(): Promise<void> {
    for (let event = this.queue.shift(); event; event = this.queue.shift()) await this.processors.get(event.channel)?.(event.payload);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
