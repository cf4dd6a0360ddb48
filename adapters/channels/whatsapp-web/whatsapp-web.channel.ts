// The inbox side of the WhatsApp Web channel: an incoming message is filtered and stored in the durable inbox; the
// processor then normalizes it, runs the bot and sends the replies through the browser session.
import type { Logger } from 'pino';
import type { InboundSink, OutboundReply } from '../../../core/conversation/message.js';
import type { Inbox } from '../../../core/inbox/index.js';
import type { Clock } from '../../../core/shared/index.js';
import type { ChannelError, ChannelErrorCode } from '../channel-error.js';
import { createOptionMemory, type OptionMemory } from '../wechat/wechat.options.js';
import type { WwebMessageLike, WwebSentMessage } from './whatsapp-web.client.js';
import { wwebError } from './whatsapp-web.errors.js';
import { isCustomerMessage, storedMessage, toInboundMessage, toStoredMessage } from './whatsapp-web.normalize.js';
import { renderReply, type WwebRendered } from './whatsapp-web.render.js';

/** What `createWhatsAppWebChannel` needs. */
export interface WhatsAppWebChannelOptions {
  /** Sends one text (the connection: refuses with TEMPORARY while not logged in). */
  send: (chatId: string, text: string) => Promise<WwebSentMessage>;
  sink: InboundSink;
  inbox: Inbox;
  clock: Clock;
  log: Logger;
  /** Where numbered options are remembered (default: in memory, 1 h TTL). */
  options?: OptionMemory;
  /** How often a turn that sent nothing is handed back to the inbox for a temporary failure (default 3). */
  maxTemporaryRetries?: number;
  /** Records that a customer cannot be reached (the number is not on WhatsApp). */
  markUnreachable?: (waId: string) => Promise<void>;
}

/** The channel's message handling. */
export interface WhatsAppWebChannel {
  /** The client's 'message' listener: stores a customer's message in the inbox (others are dropped unstored). */
  accept: (message: WwebMessageLike) => Promise<void>;
  /** The inbox processor: one stored message end to end. Throws only for a temporary failure before anything was sent. */
  process: (payload: unknown) => Promise<void>;
}

// Failures that repeat for every later message to the same chat: stop sending for the rest of the turn.
const RECIPIENT_LEVEL: ReadonlySet<ChannelErrorCode> = new Set(['AUTH', 'BLOCKED_BY_USER', 'INVALID_RECIPIENT', 'WINDOW_CLOSED']);
const MAX_TRACKED_RETRIES = 10_000;

/** Builds the channel. Logs ids, types and codes only: never texts, phone numbers or wa ids. */
export function createWhatsAppWebChannel(opts: WhatsAppWebChannelOptions): WhatsAppWebChannel {
  const log = opts.log.child({ channel: 'whatsapp-web' });
  const memory = opts.options ?? createOptionMemory();
  const maxTemporaryRetries = opts.maxTemporaryRetries ?? 3;
  const retries = new Map<string, number>();

  const recordDelivery = async (outboundId: string, outcome: { platformMessageId?: string; error?: string }) => {
    try {
      await opts.sink.recordDelivery(outboundId, outcome);
    } catch (err) {
      log.error({ outboundId, reason: err instanceof Error ? err.name : 'non-error thrown' }, 'whatsapp web delivery record failed');
    }
  };

  /** Renders a turn's replies with one running option number, and remembers the options for the customer's answer. */
  const renderTurn = (chatId: string, replies: readonly OutboundReply[]) => {
    const buttons: WwebRendered['buttons'] = [];
    const plan = replies.map((out) => {
      try {
        const r = renderReply(out.reply, buttons.length + 1);
        buttons.push(...r.buttons);
        const rendered: WwebRendered | null = r;
        return { out, rendered };
      } catch (err) {
        log.error({ outboundId: out.id, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'whatsapp web reply cannot be rendered');
        return { out, rendered: null };
      }
    });
    memory.remember(chatId, buttons, opts.clock.now());
    return plan;
  };

  const accept = async (message: WwebMessageLike): Promise<void> => {
    if (!isCustomerMessage(message)) {
      log.debug({ type: message.type }, 'whatsapp web message ignored');
      return;
    }
    const stored = toStoredMessage(message);
    const { duplicate } = await opts.inbox.accept({ channel: 'whatsapp', eventId: stored.id, chatKey: stored.from, payload: stored });
    if (duplicate) log.debug({ platformMessageId: stored.id }, 'whatsapp web message seen before');
  };

  const process = async (payload: unknown): Promise<void> => {
    const parsed = storedMessage.safeParse(payload);
    if (!parsed.success) {
      // Stored by ourselves, so retrying cannot fix it.
      log.error({ issues: parsed.error.issues.length }, 'whatsapp web stored event unreadable, dropped');
      return;
    }
    const msg = toInboundMessage(parsed.data, (chatId, text) => memory.resolve(chatId, text, opts.clock.now()));
    if (!msg) return;
    const turn = await opts.sink.handle(msg);
    // The inbox already dropped repeated message ids, so a duplicate turn here is our own retry of a turn whose
    // replies were never sent (we throw only before the first send): deliver them now.
    const plan = renderTurn(msg.chatId, turn.replies);
    let sentAny = false;
    let stopCode: ChannelErrorCode | undefined;
    for (const { out, rendered } of plan) {
      if (stopCode) {
        await recordDelivery(out.id, { error: stopCode });
        continue;
      }
      if (!rendered) {
        await recordDelivery(out.id, { error: 'UNKNOWN' });
        continue;
      }
      let lastId: string | undefined;
      let failure: ChannelError | undefined;
      for (const [index, text] of rendered.texts.entries()) {
        try {
          lastId = (await opts.send(msg.chatId, text)).id._serialized;
          sentAny = true;
        } catch (err) {
          failure = wwebError(err);
          log.warn({ outboundId: out.id, code: failure.code, part: index + 1, parts: rendered.texts.length, reason: failure.message }, 'whatsapp web delivery failed');
          break;
        }
      }
      if (!failure) {
        await recordDelivery(out.id, lastId !== undefined ? { platformMessageId: lastId } : {});
        continue;
      }
      const attempts = retries.get(msg.platformMessageId) ?? 0;
      if (!sentAny && (failure.code === 'TEMPORARY' || failure.code === 'RATE_LIMITED') && attempts < maxTemporaryRetries) {
        if (retries.size >= MAX_TRACKED_RETRIES) retries.delete(retries.keys().next().value!);
        retries.set(msg.platformMessageId, attempts + 1);
        throw failure; // the inbox retries with back-off; nothing was sent, so nothing is sent twice
      }
      retries.delete(msg.platformMessageId);
      await recordDelivery(out.id, { error: failure.code });
      if (RECIPIENT_LEVEL.has(failure.code)) {
        stopCode = failure.code;
        if (failure.code === 'INVALID_RECIPIENT') {
          await opts.markUnreachable?.(msg.externalUserId).catch((err: unknown) => log.warn({ reason: err instanceof Error ? err.name : 'non-error' }, 'whatsapp web unreachable mark failed'));
        }
      }
    }
    retries.delete(msg.platformMessageId);
  };

  return { accept, process };
}
