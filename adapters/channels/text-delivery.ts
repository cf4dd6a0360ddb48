// Delivery of a turn's replies as plain texts, one chat at a time, for the channels that send each rendered reply as
// one or more text messages (WeChat's customer-service API, WhatsApp Web). What really differs per channel (how a
// text is sent, how a failure becomes a ChannelError, which failure means "unreachable", what of an error may be
// logged) is passed in.
import type { Logger } from 'pino';
import type { InboundMessage, InboundSink } from '../../core/conversation/message.js';
import type { ChannelError, ChannelErrorCode } from './channel-error.js';
import type { PlannedReply } from './numbered-options.js';

// Failures that repeat for every later message to the same customer: stop sending for the rest of the turn.
const RECIPIENT_LEVEL: ReadonlySet<ChannelErrorCode> = new Set(['AUTH', 'BLOCKED_BY_USER', 'INVALID_RECIPIENT', 'WINDOW_CLOSED']);
// Bounded, so a flood of failing events cannot grow it without limit.
const MAX_TRACKED_RETRIES = 10_000;

/** What `createTextDelivery` needs. */
export interface TextDeliveryOptions {
  sink: Pick<InboundSink, 'recordDelivery'>;
  /** The channel's logger. */
  log: Logger;
  /** Starts the log messages ("wechat" → "wechat delivery failed", "wechat delivery record failed"). */
  label: string;
  /** The reason logged when a delivery record fails (what of an error may be logged differs per channel). */
  describeError: (err: unknown) => string;
  /** Sends one text; resolves to the platform's message id when it gives one. */
  sendText: (chatId: string, text: string) => Promise<string | undefined>;
  /** The closed-set error for whatever `sendText` threw. */
  toChannelError: (err: unknown) => ChannelError;
  /** How often a turn that sent nothing is handed back to the inbox for a temporary failure. */
  maxTemporaryRetries: number;
  /** Called once when a recipient-level failure stops the turn (e.g. to mark the customer unreachable). */
  onRecipientFailure?: (code: ChannelErrorCode, ctx: { outboundId: string; externalUserId: string }) => Promise<void>;
}

/** The inbound message a turn answers: where its replies go, and the key of its retry count. */
export type TurnTarget = Pick<InboundMessage, 'chatId' | 'platformMessageId' | 'externalUserId'>;

/**
 * Builds the delivery of a turn's planned replies. It sends them in order and records each one's outcome. It throws
 * the failure, for the inbox to retry with back-off, only for a temporary failure (TEMPORARY, RATE_LIMITED) before
 * anything of the turn was sent and while the event has retries left: then nothing is sent twice. Any other failure
 * is recorded on its reply; a recipient-level one also records the rest of the turn as failed with the same code
 * without sending it.
 */
export function createTextDelivery(opts: TextDeliveryOptions): (msg: TurnTarget, plan: ReadonlyArray<PlannedReply<{ texts: readonly string[] }>>) => Promise<void> {
  const { log, label } = opts;
  // Attempts per event that ended in "retry later"; in memory, so a restart allows a few more (still bounded by the inbox).
  const retries = new Map<string, number>();

  // Never throws: the messages already went out, so a failed record is logged and the turn goes on.
  const recordDelivery = async (outboundId: string, outcome: { platformMessageId?: string; error?: string }) => {
    try {
      await opts.sink.recordDelivery(outboundId, outcome);
    } catch (err) {
      log.error({ outboundId, reason: opts.describeError(err) }, `${label} delivery record failed`);
    }
  };

  return async (msg, plan) => {
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
          lastId = (await opts.sendText(msg.chatId, text)) ?? lastId;
          sentAny = true;
        } catch (err) {
          failure = opts.toChannelError(err);
          log.warn({ outboundId: out.id, code: failure.code, part: index + 1, parts: rendered.texts.length, reason: failure.message }, `${label} delivery failed`);
          break;
        }
      }
      if (!failure) {
        await recordDelivery(out.id, lastId !== undefined ? { platformMessageId: lastId } : {});
        continue;
      }
      const eventId = msg.platformMessageId;
      const attempts = retries.get(eventId) ?? 0;
      if (!sentAny && (failure.code === 'TEMPORARY' || failure.code === 'RATE_LIMITED') && attempts < opts.maxTemporaryRetries) {
        if (retries.size >= MAX_TRACKED_RETRIES) retries.delete(retries.keys().next().value!);
        retries.set(eventId, attempts + 1);
        throw failure; // the inbox retries with back-off; nothing was sent, so nothing is sent twice
      }
      retries.delete(eventId);
      await recordDelivery(out.id, { error: failure.code });
      if (RECIPIENT_LEVEL.has(failure.code)) {
        stopCode = failure.code;
        await opts.onRecipientFailure?.(failure.code, { outboundId: out.id, externalUserId: msg.externalUserId });
      }
    }
    retries.delete(msg.platformMessageId);
  };
}
