// The durable inbox for webhook events. A channel's webhook verifies the platform's signature, hands the raw event
// to `accept` (stored once per channel and event id, so a redelivery is a no-op) and answers the platform at once;
// the event is then processed in the background, in arrival order per chat, and retried with back-off when
// processing fails. Events still unprocessed when the process stops (a crash, a deploy) are picked up again by
// `resume()` at the next start. Processing must be idempotent (the bot dedupes on the platform's message id).
import { and, asc, eq, inArray, lt, or } from 'drizzle-orm';
import type { ChannelName } from '../conversation/message.js';
import { schema } from '../../db/index.js';
import type { CoreDeps } from '../shared/index.js';

/** One verified platform event, as the webhook received it. */
export interface InboundEvent {
  channel: ChannelName;
  /** The platform's id for the event (LINE webhookEventId, WhatsApp wamid or status id, WeChat MsgId…). */
  eventId: string;
  /** Events with the same key are processed one at a time, in order (the chat or user the event belongs to). */
  chatKey: string;
  /** The raw event (JSON), for the channel's processor. */
  payload: unknown;
}

/** Processes one stored event of a channel; throwing means "try again later". */
export type EventProcessor = (payload: unknown) => Promise<void>;

/** The inbox. */
export interface Inbox {
  /** Stores the event unless already stored, then schedules it. Resolves once it is stored (before processing). */
  accept(event: InboundEvent): Promise<{ duplicate: boolean }>;
  /** Sets the processor for a channel's events; events accepted before it is set wait for `resume`. */
  register(channel: ChannelName, processor: EventProcessor): void;
  /** Schedules every stored event not yet processed (at start-up). */
  resume(): Promise<number>;
  /** Waits until everything scheduled so far is processed (or has failed for good). */
  drain(): Promise<void>;
  /** Stops scheduling retries and waits for the events in progress. */
  stop(): Promise<void>;
}

/** Settings of the inbox. */
export interface InboxOptions {
  /** Attempts before an event is marked failed (default 8: about four minutes of back-off in all). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled each time up to a minute (default 1000). */
  retryBaseMs?: number;
  /** A claim older than this belongs to a process that died: another may take the event over (default 5 min). */
  leaseMs?: number;
}

/** Creates the inbox over the database in `deps`. */
export function createInbox(deps: CoreDeps, options: InboxOptions = {}): Inbox {
  const maxAttempts = options.maxAttempts ?? 8;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const processors = new Map<ChannelName, EventProcessor>();
  const chains = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const schedule = (id: number, channel: ChannelName, chatKey: string): Promise<void> => {
    const key = `${channel}:${chatKey}`;
    // Each link swallows its own failure (logged), so one bad event never strands the chat's later events.
    const next = (chains.get(key) ?? Promise.resolve()).then(() =>
      processOne(id).catch((err: unknown) => deps.log.error({ inboundEventId: id, error: errorName(err) }, 'inbound event processing broke')),
    );
    const tracked = next.finally(() => {
      if (chains.get(key) === tracked) chains.delete(key);
    });
    chains.set(key, tracked);
    return tracked;
  };

  /**
   * Claims the event for this process (one conditional update: of two instances, or of a resumed and a fresh copy,
   * exactly one gets it; a claim past its lease is a dead process's and is taken over), runs the processor, and
   * records the outcome.
   */
  const processOne = async (id: number): Promise<void> => {
    const now = deps.clock.now();
    const [row] = await deps.db
      .update(schema.inboundEvents)
      .set({ status: 'processing', claimedAt: now })
      .where(
        and(
          eq(schema.inboundEvents.id, id),
          or(
            eq(schema.inboundEvents.status, 'received'),
            and(eq(schema.inboundEvents.status, 'processing'), lt(schema.inboundEvents.claimedAt, new Date(now.getTime() - leaseMs))),
          ),
        ),
      )
      .returning();
    if (!row) return; // done, failed, or another process has it
    const processor = processors.get(row.channel as ChannelName);
    if (!processor) {
      // Not ours to run yet: back to 'received' for the resume after this channel registers.
      await deps.db.update(schema.inboundEvents).set({ status: 'received', claimedAt: null }).where(eq(schema.inboundEvents.id, id));
      return;
    }
    try {
      await processor(row.payload);
      // The payload may hold personal data (texts, phone numbers): once processed, only the dedupe key stays.
      await deps.db
        .update(schema.inboundEvents)
        .set({ status: 'done', payload: null, processedAt: deps.clock.now(), attempts: row.attempts + 1 })
        .where(eq(schema.inboundEvents.id, id));
    } catch (err) {
      const attempts = row.attempts + 1;
      const failed = attempts >= maxAttempts;
      const error = errorName(err);
      await deps.db
        .update(schema.inboundEvents)
        .set({ attempts, error, claimedAt: null, status: failed ? 'failed' : 'received', ...(failed ? { processedAt: deps.clock.now() } : {}) })
        .where(eq(schema.inboundEvents.id, id));
      deps.log[failed ? 'error' : 'warn']({ inboundEventId: id, channel: row.channel, attempts, error }, failed ? 'inbound event failed for good' : 'inbound event failed; will retry');
      if (!failed && !stopped) {
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            void schedule(id, row.channel as ChannelName, row.chatKey);
          },
          Math.min(retryBaseMs * 2 ** (attempts - 1), 60_000),
        );
        timers.add(timer);
      }
    }
  };

  return {
    async accept(event) {
      const rows = await deps.db
        .insert(schema.inboundEvents)
        .values({ channel: event.channel, eventId: event.eventId, chatKey: event.chatKey, payload: event.payload as Record<string, unknown>, receivedAt: deps.clock.now() })
        .onConflictDoNothing()
        .returning({ id: schema.inboundEvents.id });
      const id = rows[0]?.id;
      if (id === undefined) return { duplicate: true };
      if (!stopped) void schedule(id, event.channel, event.chatKey);
      return { duplicate: false };
    },
    register(channel, processor) {
      processors.set(channel, processor);
    },
    async resume() {
      const rows = await deps.db
        .select({ id: schema.inboundEvents.id, channel: schema.inboundEvents.channel, chatKey: schema.inboundEvents.chatKey })
        .from(schema.inboundEvents)
        .where(and(inArray(schema.inboundEvents.status, ['received', 'processing']), lt(schema.inboundEvents.attempts, maxAttempts)))
        .orderBy(asc(schema.inboundEvents.id));
      for (const r of rows) void schedule(r.id, r.channel as ChannelName, r.chatKey);
      return rows.length;
    },
    async drain() {
      while (chains.size > 0) await Promise.allSettled([...chains.values()]);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      while (chains.size > 0) await Promise.allSettled([...chains.values()]);
    },
  };
}

/** Deletes processed events older than `before` (their ids only guard against late redeliveries). */
export async function pruneInbox(deps: CoreDeps, before: Date): Promise<number> {
  const rows = await deps.db
    .delete(schema.inboundEvents)
    .where(and(inArray(schema.inboundEvents.status, ['done', 'failed']), lt(schema.inboundEvents.receivedAt, before)))
    .returning({ id: schema.inboundEvents.id });
  return rows.length;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.constructor.name : typeof err;
}
