import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { InboundSink, OutboundReply } from '../../../core/conversation/message.js';
import { isRetryableChannelError, type ChannelError, type ChannelErrorCode } from '../channel-error.js';
import type { LineApiClient } from './line.client.js';
import { isAlreadyAccepted, isInvalidReplyToken, toChannelError } from './line.errors.js';
import { renderLineReply, type LineMessage } from './line.render.js';

/** Most messages one reply or push call may carry. */
export const LINE_MESSAGES_PER_CALL = 5;

/** How pushes are retried on 429 and 5xx (in process, with the same retry key). */
export interface LineRetryPolicy {
  /** Tries per push, the first included. */
  attempts: number;
  /** First back-off when LINE gives no Retry-After; doubled each time. */
  baseMs: number;
  /** Longest wait, whatever LINE asks: the chat's other events queue behind this one. */
  maxMs: number;
}

/** The default: three tries, 1 s then 2 s, never more than 30 s per wait. */
export const LINE_DEFAULT_RETRY: LineRetryPolicy = { attempts: 3, baseMs: 1000, maxMs: 30_000 };

/** What `deliverTurn` needs. */
export interface LineDeliveryDeps {
  client: LineApiClient;
  sink: Pick<InboundSink, 'recordDelivery'>;
  log: Logger;
  retry?: LineRetryPolicy;
  /** Waits between retries; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Records that the user blocked the bot. */
  markUnreachable?: (userId: string) => Promise<void>;
}

/** One turn's replies to one user. */
export interface LineTurn {
  userId: string;
  /** The event's reply token, when it is still worth trying (not redelivered, not stale). */
  replyToken?: string;
  replies: readonly OutboundReply[];
}

// Failures that will repeat for every later reply to this user: stop calling LINE for the rest of the turn.
const RECIPIENT_LEVEL: ReadonlySet<ChannelErrorCode> = new Set(['AUTH', 'BLOCKED_BY_USER', 'INVALID_RECIPIENT']);

interface Pending {
  out: OutboundReply;
  messages: LineMessage[];
  /** The platform id of each message once sent (undefined: not sent yet). */
  sent: Array<string | undefined>;
}

/**
 * Delivers a turn's replies: the reply token first (free, but single use, short-lived and at most 5 messages), then
 * pushes for whatever the token did not carry, each with an X-Line-Retry-Key derived from the stored outbound id, so a
 * retried push (429, 5xx, timeout) lands once. Each reply's outcome is recorded with `sink.recordDelivery`; nothing
 * here throws, because the turn is already stored and a retry of the whole event would send nothing new.
 */
export async function deliverTurn(deps: LineDeliveryDeps, turn: LineTurn): Promise<void> {
  const log = deps.log;
  const record = async (outboundId: string, outcome: { platformMessageId?: string; error?: string }) => {
    try {
      await deps.sink.recordDelivery(outboundId, outcome);
    } catch (err) {
      // The message is out (or failed) either way; losing the record must not stop the next reply.
      log.error({ outboundId, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'line delivery record failed');
    }
  };

  const pending: Pending[] = [];
  for (const [index, out] of turn.replies.entries()) {
    try {
      const messages = renderLineReply(out.reply, { followedByMore: index < turn.replies.length - 1 });
      pending.push({ out, messages, sent: messages.map(() => undefined) });
    } catch (err) {
      log.error({ outboundId: out.id, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'line reply cannot be rendered');
      await record(out.id, { error: 'UNKNOWN' });
    }
  }
  if (pending.length === 0) return;

  if (turn.replyToken !== undefined) {
    const stop = await replyWithToken(deps, turn.replyToken, pending);
    if (stop) {
      for (const item of pending) await record(item.out.id, { error: stop });
      return;
    }
  }

  let stopCode: ChannelErrorCode | undefined;
  for (const item of pending) {
    if (stopCode) {
      await record(item.out.id, { error: stopCode });
      continue;
    }
    const failure = await pushRest(deps, turn.userId, item);
    if (failure) {
      log.warn({ outboundId: item.out.id, code: failure.code, retryAfterMs: failure.retryAfterMs, reason: failure.message }, 'line delivery failed');
      if (failure.code === 'BLOCKED_BY_USER') {
        log.info({ userId: turn.userId }, 'line user unreachable (blocked the bot)');
        await deps.markUnreachable?.(turn.userId).catch((err: unknown) => log.warn({ reason: String(err) }, 'line unreachable mark failed'));
      }
      await record(item.out.id, { error: failure.code });
      if (RECIPIENT_LEVEL.has(failure.code)) stopCode = failure.code;
      continue;
    }
    await record(item.out.id, { platformMessageId: item.sent[item.sent.length - 1] ?? '' });
  }
}

/**
 * Sends the first (up to) 5 messages of the turn with the reply token. Returns a code only when the failure makes
 * pushing pointless too (a revoked token); otherwise whatever was not sent is left for pushes. A reply token that
 * failed with 5xx may or may not have been used: pushing then risks a duplicate, which beats a reply that never comes.
 */
async function replyWithToken(deps: LineDeliveryDeps, replyToken: string, pending: Pending[]): Promise<ChannelErrorCode | undefined> {
  const batch = pending.flatMap((item) => item.messages.map((message, index) => ({ item, index, message }))).slice(0, LINE_MESSAGES_PER_CALL);
  try {
    const res = await deps.client.replyMessage({ replyToken, messages: batch.map((b) => b.message) });
    for (const [j, b] of batch.entries()) b.item.sent[b.index] = res.sentMessages[j]?.id ?? '';
    return undefined;
  } catch (err) {
    const failure = toChannelError(err);
    if (failure.code === 'AUTH') {
      deps.log.error({ code: failure.code, reason: failure.message }, 'line reply refused: check LINE_CHANNEL_ACCESS_TOKEN');
      return failure.code;
    }
    const reason = isInvalidReplyToken(err) ? 'INVALID_REPLY_TOKEN' : failure.code;
    deps.log.info({ reason, outboundIds: pending.map((p) => p.out.id) }, 'line reply token not usable, pushing instead');
    return undefined;
  }
}

/** Pushes the messages of one reply the reply token did not carry, 5 per call. Returns the failure, if any. */
async function pushRest(deps: LineDeliveryDeps, userId: string, item: Pending): Promise<ChannelError | undefined> {
  const unsent = item.messages.map((message, index) => ({ message, index })).filter((m) => item.sent[m.index] === undefined);
  for (let start = 0; start < unsent.length; start += LINE_MESSAGES_PER_CALL) {
    const chunk = unsent.slice(start, start + LINE_MESSAGES_PER_CALL);
    const first = chunk[0];
    if (!first) break;
    // Derived, not random: the same outbound message part gets the same key on every try, even after a restart.
    const retryKey = lineRetryKey(`${item.out.id}:${first.index}`);
    const result = await pushWithRetry(deps, { to: userId, messages: chunk.map((m) => m.message) }, retryKey);
    if ('failure' in result) return result.failure;
    for (const [j, m] of chunk.entries()) item.sent[m.index] = result.ids[j] ?? result.ids[0] ?? '';
  }
  return undefined;
}

/**
 * Pushes `messages` to a user or group outside a turn (an agent's message, a survey, a team-chat post), 5 per call.
 * Each call gets a fresh random X-Line-Retry-Key, kept across that call's in-process retries: there is no stored
 * outbound id to derive a key from, and a second push of the same text later is a new message, not a retry.
 * Resolves with LINE's message ids in order, or the failure that stopped it (the chunks before it were sent).
 */
export async function pushMessages(
  deps: Pick<LineDeliveryDeps, 'client' | 'log' | 'retry' | 'sleep'>,
  to: string,
  messages: readonly LineMessage[],
  idempotencyKey?: string,
): Promise<{ ids: string[] } | { failure: ChannelError; ids: string[] }> {
  const ids: string[] = [];
  for (let start = 0; start < messages.length; start += LINE_MESSAGES_PER_CALL) {
    // A caller's key makes a re-run of the same push (a restarted campaign worker) land once; else each call is new.
    const retryKey = idempotencyKey === undefined ? randomUUID() : lineRetryKey(`${idempotencyKey}:${start}`);
    const result = await pushWithRetry(deps, { to, messages: messages.slice(start, start + LINE_MESSAGES_PER_CALL) }, retryKey);
    if ('failure' in result) return { failure: result.failure, ids };
    ids.push(...result.ids);
  }
  return { ids };
}

async function pushWithRetry(
  deps: Pick<LineDeliveryDeps, 'client' | 'log' | 'retry' | 'sleep'>,
  request: { to: string; messages: LineMessage[] },
  retryKey: string,
): Promise<{ ids: string[] } | { failure: ChannelError }> {
  const policy = deps.retry ?? LINE_DEFAULT_RETRY;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await deps.client.pushMessage(request, retryKey);
      return { ids: res.sentMessages.map((m) => m.id) };
    } catch (err) {
      // An earlier try got through (its answer was lost): LINE says so instead of sending it twice.
      if (isAlreadyAccepted(err)) return { ids: [`request:${err.acceptedRequestId ?? ''}`] };
      const failure = toChannelError(err);
      if (!isRetryableChannelError(failure.code) || attempt >= policy.attempts) return { failure };
      const waitMs = Math.min(failure.retryAfterMs ?? policy.baseMs * 2 ** (attempt - 1), policy.maxMs);
      deps.log.warn({ code: failure.code, attempt, waitMs }, 'line push failed, retrying with the same retry key');
      await sleep(waitMs);
    }
  }
}

/** A UUID (version 5 layout) derived from `name`: LINE wants retry keys in UUID format. */
export function lineRetryKey(name: string): string {
  const bytes = createHash('sha1').update(`line-retry-key:${name}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
