// The inbox side of the WhatsApp Web channel: an incoming message is filtered and stored in the durable inbox; the
// processor then normalizes it, runs the bot and sends the replies through the browser session.
import type { Logger } from 'pino';
import type { InboundSink, OutboundReply, PushResult, Reply } from '../../../core/conversation/message.js';
import type { Inbox } from '../../../core/inbox/index.js';
import type { Clock } from '../../../core/shared/index.js';
import { renderNumberedTurn, type PlannedReply } from '../numbered-options.js';
import { createTextDelivery } from '../text-delivery.js';
import { pushTexts } from '../text-push.js';
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
  /**
   * Sends one reply outside a turn (an agent's message, a survey) as turn replies go: numbered options from 1,
   * remembered so "1" comes back as that button's payload. Not connected → `{ status: 'failed', code: 'TEMPORARY' }`;
   * an invalid wid → INVALID_RECIPIENT, and the customer is marked unreachable. Never throws.
   */
  push: (chatId: string, reply: Reply) => Promise<PushResult>;
}

/** Builds the channel. Logs ids, types and codes only: never texts, phone numbers or wa ids. */
export function createWhatsAppWebChannel(opts: WhatsAppWebChannelOptions): WhatsAppWebChannel {
  const log = opts.log.child({ channel: 'whatsapp-web' });
  const memory = opts.options ?? createOptionMemory();
  const deliver = createTextDelivery({
    sink: opts.sink,
    log,
    label: 'whatsapp web',
    // Only the error's class name: whatsapp-web.js messages can quote the chat id (a phone number).
    describeError: (err) => (err instanceof Error ? err.name : 'non-error thrown'),
    sendText: async (chatId, text) => (await opts.send(chatId, text)).id._serialized,
    toChannelError: wwebError,
    maxTemporaryRetries: opts.maxTemporaryRetries ?? 3,
    onRecipientFailure: async (code, { externalUserId }) => {
      if (code !== 'INVALID_RECIPIENT') return;
      await opts.markUnreachable?.(externalUserId).catch((err: unknown) => log.warn({ reason: err instanceof Error ? err.name : 'non-error' }, 'whatsapp web unreachable mark failed'));
    },
  });

  /** Renders a turn's replies with one running option number, and remembers the options for the customer's answer. */
  const renderTurn = (chatId: string, replies: readonly OutboundReply[]): Array<PlannedReply<WwebRendered>> =>
    renderNumberedTurn(replies, renderReply, {
      remember: (buttons) => memory.remember(chatId, buttons, opts.clock.now()),
      unrenderable: (out, err) => log.error({ outboundId: out.id, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'whatsapp web reply cannot be rendered'),
    });

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
    await deliver(msg, renderTurn(msg.chatId, turn.replies));
  };

  const push = async (chatId: string, reply: Reply): Promise<PushResult> => {
    // Numbered like one turn's replies, and remembered: the options a customer answers are the latest they saw.
    const rendered = renderTurn(chatId, [{ id: 'push', reply }])[0]?.rendered;
    if (!rendered) return { status: 'failed', code: 'UNKNOWN' };
    return pushTexts({
      texts: rendered.texts,
      sendText: async (text) => (await opts.send(chatId, text)).id._serialized,
      toChannelError: wwebError,
      log,
      label: 'whatsapp web',
      onFailure: async (code) => {
        if (code === 'INVALID_RECIPIENT') await opts.markUnreachable?.(chatId);
      },
    });
  };

  return { accept, process, push };
}
