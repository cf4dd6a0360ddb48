// The inbox processor of the WeChat channel: normalizes a stored event, runs the bot and delivers its replies through
// the customer-service API (WeChat's passive reply is always the empty "success": its 5-second limit is too short
// for a bot turn, and the customer-service API lets a turn send several messages).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { InboundSink, OutboundReply, PushResult, Reply } from '../../../core/conversation/message.js';
import type { Clock } from '../../../core/shared/index.js';
import { ChannelError } from '../channel-error.js';
import { renderNumberedTurn, type PlannedReply } from '../numbered-options.js';
import { createTextDelivery } from '../text-delivery.js';
import { pushTexts } from '../text-push.js';
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
  /**
   * When the customer (openid) last wrote; null if never. `push` sends nothing once that is 48 hours old. Without it
   * `push` leaves the window to WeChat (45015 → window closed).
   */
  lastInboundAt?: (openid: string) => Promise<Date | null>;
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
  /**
   * Sends one reply outside a turn (an agent's message, a survey) as turn replies go: numbered options numbered from
   * 1 and remembered, so the customer's "1" comes back as that button's payload. Outside the 48-hour window (by
   * `lastInboundAt`, or WeChat's 45015) nothing is sent: `{ status: 'window_closed', template: false }` (this channel
   * has no templates). Other failures are `{ status: 'failed', code }`; BLOCKED_BY_USER marks the customer unreachable.
   */
  push: (openid: string, reply: Reply) => Promise<PushResult>;
}

const fieldsSchema = z.record(z.string(), z.string());

/** Builds the WeChat channel. */
export function createWechatChannel(opts: WechatChannelOptions): WechatChannel {
  const log = opts.log.child({ channel: 'wechat' });
  const memory = opts.options ?? createOptionMemory();
  const maxTemporaryRetries = opts.maxTemporaryRetries ?? 3;
  const maxWaitMs = opts.maxRateLimitWaitMs ?? 10_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

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

  const deliver = createTextDelivery({
    sink: opts.sink,
    log,
    label: 'wechat',
    describeError: (err) => (err instanceof Error ? err.message : 'non-error thrown'),
    sendText: async (openid, text) => (await sendText(openid, text)).msgId,
    toChannelError: (err) => (err instanceof ChannelError ? err : new ChannelError('UNKNOWN', 'WeChat send failed', { cause: err })),
    maxTemporaryRetries,
    onRecipientFailure: async (code, { outboundId, externalUserId }) => {
      if (code !== 'BLOCKED_BY_USER') return;
      log.warn({ outboundId }, 'wechat customer unreachable (unfollowed or blocked)');
      await opts.markUnreachable?.(externalUserId).catch((err: unknown) => log.warn({ reason: String(err) }, 'wechat unreachable mark failed'));
    },
  });

  /** Renders a turn's replies with one running option number, and remembers the options for the customer's answer. */
  const renderTurn = (openid: string, replies: readonly OutboundReply[]): Array<PlannedReply<WechatRendered>> =>
    renderNumberedTurn(replies, renderReply, {
      remember: (buttons) => memory.remember(openid, buttons, opts.clock.now()),
      unrenderable: (out, err) => log.error({ outboundId: out.id, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'wechat reply cannot be rendered'),
    });

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
    await deliver(msg, renderTurn(msg.chatId, turn.replies));
  };

  const push = async (openid: string, reply: Reply): Promise<PushResult> => {
    if (opts.lastInboundAt) {
      let last: Date | null;
      try {
        last = await opts.lastInboundAt(openid);
      } catch (err) {
        log.error({ reason: err instanceof Error ? err.name : 'non-error thrown' }, 'wechat push: last message time unknown');
        return { status: 'failed', code: 'TEMPORARY' };
      }
      if (!customerServiceWindowOpen(last, opts.clock.now())) {
        log.info({}, 'wechat push: 48-hour window closed, nothing sent');
        return { status: 'window_closed', template: false };
      }
    }
    // Numbered like one turn's replies, and remembered: the options a customer answers are the latest they saw.
    const rendered = renderTurn(openid, [{ id: 'push', reply }])[0]?.rendered;
    if (!rendered) return { status: 'failed', code: 'UNKNOWN' };
    const result = await pushTexts({
      texts: rendered.texts,
      sendText: async (text) => (await sendText(openid, text)).msgId,
      toChannelError: (err) => (err instanceof ChannelError ? err : new ChannelError('UNKNOWN', 'WeChat send failed', { cause: err })),
      log,
      label: 'wechat',
      onFailure: async (code) => {
        if (code === 'BLOCKED_BY_USER') await opts.markUnreachable?.(openid);
      },
    });
    return result.status === 'failed' && result.code === 'WINDOW_CLOSED' ? { status: 'window_closed', template: false } : result;
  };

  return {
    process,
    push,
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
