// The inbox processor of the WeChat channel: normalizes a stored event, runs the bot and delivers its replies through
// the customer-service API (WeChat's passive reply is always the empty "success": its 5-second limit is too short
// for a bot turn, and the customer-service API lets a turn send several messages).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InboundSink, OutboundReply, Reply } from '../../../core/conversation/message.js';
import type { Clock } from '../../../core/shared/index.js';
import { ChannelError, type ChannelErrorCode } from '../channel-error.js';
import type { WechatApi } from './wechat.api.js';
import { toInboundMessage } from './wechat.normalize.js';
import { createOptionMemory, type OptionMemory } from './wechat.options.js';
import { renderReply, type WechatRendered } from './wechat.render.js';

/** WeChat's customer-service window: messages may be sent for 48 hours after the customer's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 60 * 60 * 1000;

/** True while the customer-service window opened by a message at `lastInboundAt` is still open at `now`. */
export function customerServiceWindowOpen(lastInboundAt: Date | null | undefined, now: Date): boolean {
  if (!lastInboundAt) return false;
  const age = now.getTime() - lastInboundAt.getTime();
  return age >= 0 && age < CUSTOMER_SERVICE_WINDOW_MS;
}

/** What `createWechatChannel` needs. */
export interface WechatChannelOptions {
  api: WechatApi;
  sink: InboundSink;
  clock: Clock;
  log: Logger;
  /** Where numbered options are remembered (default: in memory, 1 h TTL). */
  options?: OptionMemory;
  /** Records that a customer cannot be reached any more (unfollowed or blocked the account). */
  markUnreachable?: (openId: string) => Promise<void>;
  /** How often a turn that sent nothing is handed back to the inbox for a temporary failure (default 3). */
  maxTemporaryRetries?: number;
  /** Longest wait for a rate limit's Retry-After before sending again once (default 10 s). */
  maxRateLimitWaitMs?: number;
  /** How to wait (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
}

/** The WeChat channel's behaviour, without its HTTP routes. */
export interface WechatChannel {
  /** The inbox processor: one stored event end to end. Throws only for a temporary failure before anything was sent. */
  process: (payload: unknown) => Promise<void>;
  /**
   * Sends a reply outside a conversation turn (a campaign, an agent's message). Refuses with a WINDOW_CLOSED
   * ChannelError, without calling WeChat, when the customer's last message is 48 hours old or more.
   */
  sendProactive: (input: { openid: string; reply: Reply; lastInboundAt: Date | null }) => Promise<{ msgId?: string }>;
}

// Failures that repeat for every later message to the same customer: stop calling WeChat for the rest of the turn.
const RECIPIENT_LEVEL: ReadonlySet<ChannelErrorCode> = new Set(['AUTH', 'BLOCKED_BY_USER', 'INVALID_RECIPIENT', 'WINDOW_CLOSED']);
const fieldsSchema = z.record(z.string(), z.string());
// Bounded, so a flood of failing events cannot grow it without limit.
const MAX_TRACKED_RETRIES = 10_000;

/** Builds the WeChat channel. */
export function createWechatChannel(opts: WechatChannelOptions): WechatChannel {
  const log = opts.log.child({ channel: 'wechat' });
  const memory = opts.options ?? createOptionMemory();
  const maxTemporaryRetries = opts.maxTemporaryRetries ?? 3;
  const maxWaitMs = opts.maxRateLimitWaitMs ?? 10_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Attempts per event that ended in "retry later"; in memory, so a restart allows a few more (still bounded by the inbox).
  const retries = new Map<string, number>();

  const recordDelivery = async (outboundId: string, outcome: { platformMessageId?: string; error?: string }) => {
    try {
      await opts.sink.recordDelivery(outboundId, outcome);
    } catch (err) {
      log.error({ outboundId, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'wechat delivery record failed');
    }
  };

  /** Sends one text, waiting once for a short Retry-After. */
  const sendText = async (openid: string, content: string): Promise<{ msgId?: string }> => {
    try {
      return await opts.api.sendText(openid, content);
    } catch (err) {
      if (err instanceof ChannelError && err.code === 'RATE_LIMITED' && err.retryAfterMs !== undefined && err.retryAfterMs <= maxWaitMs) {
        await sleep(err.retryAfterMs);
        return opts.api.sendText(openid, content);
      }
      throw err;
    }
  };

  /** Renders a turn's replies with one running option number, and remembers the options for the customer's answer. */
  const renderTurn = (openid: string, replies: readonly OutboundReply[]): Array<{ out: OutboundReply; rendered: WechatRendered | null }> => {
    const buttons: WechatRendered['buttons'] = [];
    const rendered = replies.map((out) => {
      try {
        const r = renderReply(out.reply, buttons.length + 1);
        buttons.push(...r.buttons);
        return { out, rendered: r };
      } catch (err) {
        log.error({ outboundId: out.id, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'wechat reply cannot be rendered');
        return { out, rendered: null };
      }
    });
    memory.remember(openid, buttons, opts.clock.now());
    return rendered;
  };

  const process = async (payload: unknown): Promise<void> => {
    const parsed = fieldsSchema.safeParse(payload);
    if (!parsed.success) {
      // Stored by our own webhook, so this is a bug or a tampered row: retrying cannot help.
      log.error({}, 'wechat stored event has an unexpected shape; dropped');
      return;
    }
    const msg = toInboundMessage(parsed.data, (openid, text) => memory.resolve(openid, text, opts.clock.now()));
    if (!msg) return;
    const turn = await opts.sink.handle(msg);
    // The inbox already dropped WeChat's redeliveries, so a duplicate turn here is our own retry of an event whose
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
          lastId = (await sendText(msg.chatId, text)).msgId ?? lastId;
          sentAny = true;
        } catch (err) {
          failure = err instanceof ChannelError ? err : new ChannelError('UNKNOWN', 'WeChat send failed', { cause: err });
          log.warn({ outboundId: out.id, code: failure.code, part: index + 1, parts: rendered.texts.length, reason: failure.message }, 'wechat delivery failed');
          break;
        }
      }
      if (!failure) {
        await recordDelivery(out.id, lastId !== undefined ? { platformMessageId: lastId } : {});
        continue;
      }
      const eventId = msg.platformMessageId;
      const attempts = retries.get(eventId) ?? 0;
      if (!sentAny && (failure.code === 'TEMPORARY' || failure.code === 'RATE_LIMITED') && attempts < maxTemporaryRetries) {
        if (retries.size >= MAX_TRACKED_RETRIES) retries.delete(retries.keys().next().value!);
        retries.set(eventId, attempts + 1);
        throw failure; // the inbox retries with back-off; nothing was sent, so nothing is sent twice
      }
      retries.delete(eventId);
      await recordDelivery(out.id, { error: failure.code });
      if (RECIPIENT_LEVEL.has(failure.code)) {
        stopCode = failure.code;
        if (failure.code === 'BLOCKED_BY_USER') {
          log.warn({ outboundId: out.id }, 'wechat customer unreachable (unfollowed or blocked)');
          await opts.markUnreachable?.(msg.externalUserId).catch((err: unknown) => log.warn({ reason: String(err) }, 'wechat unreachable mark failed'));
        }
      }
    }
    retries.delete(msg.platformMessageId);
  };

  return {
    process,
    async sendProactive({ openid, reply, lastInboundAt }) {
      if (!customerServiceWindowOpen(lastInboundAt, opts.clock.now())) {
        throw new ChannelError('WINDOW_CLOSED', 'WeChat customer-service window (48 h) is closed');
      }
      const rendered = renderTurn(openid, [{ id: 'proactive', reply }])[0]?.rendered;
      if (!rendered) throw new ChannelError('UNKNOWN', 'WeChat reply cannot be rendered');
      let last: { msgId?: string } = {};
      for (const text of rendered.texts) last = await sendText(openid, text);
      return last;
    },
  };
}
