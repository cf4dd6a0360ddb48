// Sends outside a conversation turn (an agent's reply, a CSAT or NPS question) on the WhatsApp Cloud API. Free-form
// messages reach the customer only inside the 24-hour customer-service window; outside it Graph accepts them and they
// silently never arrive, so we check first and send the approved re-engagement template instead (never the text).
import type { Logger } from 'pino';
import type { PushOptions, PushResult, Reply } from '../../../core/conversation/message.js';
import type { Clock } from '../../../core/shared/index.js';
import type { ChannelError } from '../channel-error.js';
import { createRetryingSend, type RetryPolicy } from './whatsapp.channel.js';
import type { GraphClient } from './whatsapp.client.js';
import type { WhatsAppConfig } from './whatsapp.config.js';
import { languageOf, renderReply, type WhatsAppSend } from './whatsapp.render.js';
import { isWindowOpen, sendOutsideWindow } from './whatsapp.window.js';

/** What `createWhatsAppPush` needs. */
export interface WhatsAppPushOptions {
  client: GraphClient;
  templates: WhatsAppConfig['templates'];
  /** When the customer (wa_id) last wrote to us; null if never. The window counts from it. */
  lastInboundAt: (waId: string) => Promise<Date | null>;
  clock: Clock;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Records that a customer cannot be reached any more (blocked us, or the number is gone), as turns do. */
  markUnreachable?: (waId: string) => Promise<void>;
}

/**
 * Builds the push: inside the window, the reply rendered as a turn reply is (reply buttons or a list, split text);
 * outside it (by our clock, or when Meta answers 131047), the re-engagement template for the reply's language when
 * one is configured (not with `template: false`), and `{ status: 'window_closed', template }` either way. Never throws; logs codes and wamids only
 * (the recipient is a phone number).
 */
export function createWhatsAppPush(opts: WhatsAppPushOptions): (waId: string, reply: Reply, pushOpts?: PushOptions) => Promise<PushResult> {
  const log = opts.log.child({ channel: 'whatsapp' });
  const send = createRetryingSend({
    client: opts.client,
    log,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });

  const windowClosed = async (waId: string, reply: Reply, pushOpts: PushOptions): Promise<PushResult> => {
    if (pushOpts.template === false) {
      log.info({}, 'whatsapp push: window closed, nothing sent (no template wanted)');
      return { status: 'window_closed', template: false };
    }
    const result = await sendOutsideWindow(opts.client, opts.templates, { to: waId, language: languageOf(reply) });
    if (result.status === 'template_sent') {
      log.info({ template: result.template, platformMessageId: result.platformMessageId }, 'whatsapp push: window closed, re-engagement template sent');
      return { status: 'window_closed', template: true };
    }
    log.warn({ outcome: result.status, code: result.code }, 'whatsapp push: window closed, nothing sent');
    return { status: 'window_closed', template: false };
  };

  return async (waId, reply, pushOpts = {}) => {
    let last: Date | null;
    try {
      last = await opts.lastInboundAt(waId);
    } catch (err) {
      // Without the last message's time we cannot tell whether free text would arrive: send nothing.
      log.error({ reason: err instanceof Error ? err.name : 'non-error thrown' }, 'whatsapp push: last message time unknown');
      return { status: 'failed', code: 'TEMPORARY' };
    }
    if (!last || !isWindowOpen(last, opts.clock.now())) return windowClosed(waId, reply, pushOpts);

    let parts: WhatsAppSend[];
    try {
      parts = renderReply(reply);
    } catch (err) {
      log.error({ reason: err instanceof Error ? err.message : 'non-error thrown' }, 'whatsapp push cannot be rendered');
      return { status: 'failed', code: 'UNKNOWN' };
    }
    let primaryId: string | undefined;
    for (const [index, part] of parts.entries()) {
      try {
        const wamid = await send(waId, part.message);
        if (part.primary) primaryId = wamid;
      } catch (err) {
        const failure = err as ChannelError;
        log.warn({ code: failure.code, retryAfterMs: failure.retryAfterMs, part: index + 1, parts: parts.length, reason: failure.message }, 'whatsapp push failed');
        // WhatsApp's clock says the window closed (ours was off): fall back as if we had known.
        if (failure.code === 'WINDOW_CLOSED') return windowClosed(waId, reply, pushOpts);
        if (failure.code === 'BLOCKED_BY_USER' || failure.code === 'INVALID_RECIPIENT') {
          await opts.markUnreachable?.(waId).catch((e: unknown) => log.warn({ reason: e instanceof Error ? e.name : 'non-error thrown' }, 'whatsapp unreachable mark failed'));
        }
        return { status: 'failed', code: failure.code };
      }
    }
    return primaryId !== undefined ? { status: 'sent', platformMessageId: primaryId } : { status: 'sent' };
  };
}
