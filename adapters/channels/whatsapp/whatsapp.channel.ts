import type { Logger } from 'pino';
import type { InboundSink, OutboundReply } from '../../../core/conversation/message.js';
import type { Clock } from '../../../core/shared/index.js';
import { ChannelError, type ChannelErrorCode } from '../channel-error.js';
import type { GraphClient } from './whatsapp.client.js';
import type { WhatsAppConfig } from './whatsapp.config.js';
import { storedEvent, type StoredEvent } from './whatsapp.events.js';
import { toInboundMessage } from './whatsapp.normalize.js';
import { languageOf, renderReply, type GraphMessage, type WhatsAppSend } from './whatsapp.render.js';
import { toStatusUpdate, type StatusRecorder } from './whatsapp.statuses.js';
import { isWindowOpen, sendOutsideWindow } from './whatsapp.window.js';

/** How sends are retried in place when WhatsApp is busy or briefly unreachable. */
export interface RetryPolicy {
  /** Tries per message part, the first included (default 3). */
  attempts: number;
  /** First back-off when the platform gives no hint, doubled each time (default 1 s). */
  baseMs: number;
  /** Longest wait we accept; a longer retry hint is recorded as RATE_LIMITED instead (default 30 s). */
  maxWaitMs: number;
}

/** What `createWhatsAppProcessor` needs. */
export interface WhatsAppProcessorOptions {
  client: GraphClient;
  sink: InboundSink;
  templates: WhatsAppConfig['templates'];
  recordStatus: StatusRecorder;
  log: Logger;
  clock: Clock;
  retry?: Partial<RetryPolicy>;
  /** Waits between retries; tests pass one that records the delay instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Marks each processed message read (blue ticks); default true. */
  markRead?: boolean;
  /** Records that a customer cannot be reached any more (blocked us, or the number is gone). */
  markUnreachable?: (waId: string) => Promise<void>;
}

// Failures that will repeat for every later reply in the same turn: stop calling WhatsApp for this chat.
const RECIPIENT_LEVEL: ReadonlySet<ChannelErrorCode> = new Set(['AUTH', 'BLOCKED_BY_USER', 'INVALID_RECIPIENT', 'WINDOW_CLOSED']);

/**
 * A send that waits and tries again in place on RATE_LIMITED (with the platform's hint, when it fits the policy) and
 * TEMPORARY; every failure it gives up on is thrown as a `ChannelError`. Shared by turns and pushes.
 */
export function createRetryingSend(opts: {
  client: GraphClient;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}): (to: string, message: GraphMessage) => Promise<string> {
  const retry: RetryPolicy = { attempts: 3, baseMs: 1000, maxWaitMs: 30_000, ...opts.retry };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (to, message) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await opts.client.send(to, message);
      } catch (err) {
        const failure = err instanceof ChannelError ? err : new ChannelError('UNKNOWN', describe(err), { cause: err });
        const retryable = failure.code === 'RATE_LIMITED' || failure.code === 'TEMPORARY';
        const wait = failure.retryAfterMs ?? retry.baseMs * 2 ** (attempt - 1);
        if (!retryable || attempt >= retry.attempts || wait > retry.maxWaitMs) throw failure;
        opts.log.info({ code: failure.code, attempt, waitMs: wait }, 'whatsapp send will be retried');
        await sleep(wait);
      }
    }
  };
}

/**
 * The inbox processor for WhatsApp events: a message is normalized, handed to the bot and its replies delivered;
 * a status is recorded on our outbound message. Throws (so the inbox retries) only when the bot itself failed,
 * before anything was sent; delivery failures are recorded per reply and never retried by the inbox, because
 * WhatsApp has no idempotency key and a retried turn would send its first replies twice.
 */
export function createWhatsAppProcessor(opts: WhatsAppProcessorOptions): (payload: unknown) => Promise<void> {
  const log = opts.log.child({ channel: 'whatsapp' });
  const sendWithRetry = createRetryingSend({
    client: opts.client,
    log,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });

  const recordDelivery = async (outboundId: string, outcome: { platformMessageId?: string; error?: string }) => {
    try {
      await opts.sink.recordDelivery(outboundId, outcome);
    } catch (err) {
      // The message is already out (or already failed); losing the record must not stop the next reply.
      log.error({ outboundId, reason: describe(err) }, 'whatsapp delivery record failed');
    }
  };

  /** Sends one reply; returns the failure code if it failed. Logs codes and ids only: no text, no phone numbers. */
  const deliver = async (to: string, out: OutboundReply): Promise<ChannelErrorCode | undefined> => {
    let parts: WhatsAppSend[];
    try {
      parts = renderReply(out.reply);
    } catch (err) {
      log.error({ outboundId: out.id, reason: describe(err) }, 'whatsapp reply cannot be rendered');
      await recordDelivery(out.id, { error: 'UNKNOWN' });
      return 'UNKNOWN';
    }
    let primaryId: string | undefined;
    for (const [index, part] of parts.entries()) {
      try {
        const wamid = await sendWithRetry(to, part.message);
        if (part.primary) primaryId = wamid;
      } catch (err) {
        const failure = err as ChannelError;
        log.warn({ outboundId: out.id, code: failure.code, retryAfterMs: failure.retryAfterMs, part: index + 1, parts: parts.length, reason: failure.message }, 'whatsapp delivery failed');
        await recordDelivery(out.id, { error: failure.code });
        return failure.code;
      }
    }
    await recordDelivery(out.id, primaryId !== undefined ? { platformMessageId: primaryId } : {});
    return undefined;
  };

  /** The window is closed: send the re-engagement template once (if configured) and record why the replies did not go. */
  const windowClosed = async (to: string, replies: OutboundReply[]): Promise<void> => {
    const first = replies[0];
    if (!first) return;
    const result = await sendOutsideWindow(opts.client, opts.templates, { to, language: languageOf(first.reply) });
    if (result.status === 'template_sent') log.info({ template: result.template, platformMessageId: result.platformMessageId }, 'whatsapp window closed: re-engagement template sent');
    else log.warn({ outcome: result.status, code: result.code }, 'whatsapp window closed: replies not sent');
    // What the bot said did not reach the customer either way: the template only invites them back.
    for (const out of replies) await recordDelivery(out.id, { error: 'WINDOW_CLOSED' });
  };

  const processMessage = async (event: Extract<StoredEvent, { kind: 'message' }>): Promise<void> => {
    const msg = toInboundMessage(event.message, event.profileName);
    if (!msg) {
      log.debug({ platformMessageId: event.message.id, type: event.message.type }, 'whatsapp message ignored');
      return;
    }
    const turn = await opts.sink.handle(msg);
    if (turn.duplicate) {
      log.debug({ platformMessageId: msg.platformMessageId }, 'whatsapp duplicate delivery, nothing sent');
      return;
    }
    if (opts.markRead !== false) {
      // Blue ticks are a courtesy: failing to set them must not hold up the answer.
      await opts.client.markRead(msg.platformMessageId).catch((err: unknown) => log.debug({ reason: describe(err) }, 'whatsapp mark read failed'));
    }
    // The message we answer opened (or kept open) the window; it may have closed if processing was held up a day.
    if (!isWindowOpen(msg.timestamp, opts.clock.now())) {
      await windowClosed(msg.chatId, turn.replies);
      return;
    }
    for (const [index, out] of turn.replies.entries()) {
      const code = await deliver(msg.chatId, out);
      if (code === 'WINDOW_CLOSED') {
        // WhatsApp's clock says the window closed (ours was off): fall back as if we had known.
        await windowClosed(msg.chatId, turn.replies.slice(index + 1));
        return;
      }
      if (code && RECIPIENT_LEVEL.has(code)) {
        for (const rest of turn.replies.slice(index + 1)) await recordDelivery(rest.id, { error: code });
        if (code === 'BLOCKED_BY_USER' || code === 'INVALID_RECIPIENT') {
          await opts.markUnreachable?.(msg.externalUserId).catch((err: unknown) => log.warn({ reason: describe(err) }, 'whatsapp unreachable mark failed'));
        }
        return;
      }
    }
  };

  const processStatus = async (event: Extract<StoredEvent, { kind: 'status' }>): Promise<void> => {
    const update = toStatusUpdate(event.status);
    if (!update) {
      log.debug({ status: event.status.status }, 'whatsapp status ignored');
      return;
    }
    const outcome = await opts.recordStatus(update);
    log.debug({ platformMessageId: update.platformMessageId, status: update.status, code: update.error, outcome }, 'whatsapp status processed');
  };

  return async (payload) => {
    const parsed = storedEvent.safeParse(payload);
    if (!parsed.success) {
      // Retrying cannot fix a payload we stored ourselves; say so once and move on.
      log.error({ issues: parsed.error.issues.length }, 'whatsapp inbox event unreadable, dropped');
      return;
    }
    if (parsed.data.kind === 'message') await processMessage(parsed.data);
    else await processStatus(parsed.data);
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
}
