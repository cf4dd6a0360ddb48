// Test-only helpers for the campaign integration tests: making a member reachable on a channel (identity, chat,
// consent, an inbound message), a recording CustomerPusher (the port, for engine checks that need no platform), and a
// LINE pusher over the real LINE channel pointed at a fake LINE API.
import { randomUUID } from 'node:crypto';
import { createLineChannel } from '../../adapters/channels/line/line.channel.js';
import { silentLogger } from '../../adapters/channels/line/line.test-support.js';
import { schema } from '../../db/index.js';
import { recordConsent } from '../consent/index.js';
import { setIdentityReachable } from '../customers/index.js';
import type { ChannelName, CustomerPusher, InboundSink, PushOptions, PushResult, Reply } from '../conversation/index.js';
import type { CoreDeps } from '../shared/index.js';

/** Gives a customer an identity and a chat on `channel`, with marketing consent unless `consent: false`. */
export async function reachOn(
  deps: CoreDeps,
  input: { brandId: string; customerId: string; channel: ChannelName; externalId?: string; consent?: boolean; inboundAt?: Date; unreachable?: boolean },
): Promise<{ chatId: string; conversationId: string }> {
  const chatId = input.externalId ?? randomUUID();
  await deps.db.insert(schema.channelIdentities).values({
    brandId: input.brandId,
    customerId: input.customerId,
    channel: input.channel,
    externalId: chatId,
    unreachableAt: input.unreachable ? deps.clock.now() : null,
  });
  const [conversation] = await deps.db
    .insert(schema.conversations)
    .values({ brandId: input.brandId, customerId: input.customerId, channel: input.channel, chatId })
    .returning({ id: schema.conversations.id });
  if (input.consent !== false) {
    await recordConsent(deps, { customerId: input.customerId, purpose: 'marketing', channel: input.channel, granted: true, wordingVersion: 'm-1', source: 'test' });
  }
  if (input.inboundAt) {
    await deps.db.insert(schema.messages).values({
      brandId: input.brandId,
      conversationId: conversation!.id,
      channel: input.channel,
      direction: 'in',
      platformMessageId: randomUUID(),
      text: 'hi',
      status: 'received',
      createdAt: input.inboundAt,
    });
  }
  return { chatId, conversationId: conversation!.id };
}

/** One push the recording pusher saw. */
export interface RecordedPush {
  channel: ChannelName;
  chatId: string;
  reply: Reply;
  opts: PushOptions | undefined;
}

/** A CustomerPusher that records pushes and answers per chat (default: sent); `gate` holds pushes until opened. */
export class RecordingPusher {
  readonly pushes: RecordedPush[] = [];
  private readonly answers = new Map<string, Array<PushResult | ((opts: PushOptions | undefined) => PushResult)>>();
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private seq = 0;

  /** Queues answers for pushes to `chatId` (the last one repeats). */
  answer(chatId: string, ...results: Array<PushResult | ((opts: PushOptions | undefined) => PushResult)>): void {
    this.answers.set(chatId, results);
  }

  /** Holds every push until `open()`. */
  close(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate?.();
    this.gate = null;
  }

  to(chatId: string): RecordedPush[] {
    return this.pushes.filter((p) => p.chatId === chatId);
  }

  readonly push: CustomerPusher = async (target, reply, opts) => {
    this.pushes.push({ ...target, reply, opts });
    if (this.gate) await this.gate;
    const queued = this.answers.get(target.chatId);
    const next = queued && queued.length > 1 ? queued.shift()! : queued?.[0];
    if (next === undefined) return { status: 'sent', platformMessageId: `pm-${++this.seq}` };
    return typeof next === 'function' ? next(opts) : next;
  };
}

/** The real LINE channel's push, pointed at `apiBaseUrl` (a fake LINE API); a block marks the identity unreachable. */
export function linePusher(deps: CoreDeps, input: { brandId: string; apiBaseUrl: string; token: string }): CustomerPusher {
  const sink: InboundSink = { handle: () => Promise.resolve({ duplicate: false, replies: [] }), recordDelivery: () => Promise.resolve() };
  const line = createLineChannel({
    config: { channelSecret: 'secret', accessToken: input.token, apiBaseUrl: input.apiBaseUrl, staffGroupIds: [] },
    sink,
    inbox: { accept: () => Promise.resolve({ duplicate: false }), register: () => undefined },
    log: silentLogger,
    retry: { attempts: 1, baseMs: 1, maxMs: 1 },
    markUnreachable: (userId) => setIdentityReachable(deps, { brandId: input.brandId, channel: 'line', externalId: userId, reachable: false }),
  });
  // The channel's push takes the options (the idempotency key) although its declared type predates them.
  const push: (chatId: string, reply: Reply, opts?: PushOptions) => Promise<PushResult> = line.push;
  return (target, reply, opts) => (target.channel === 'line' ? push(target.chatId, reply, opts) : Promise.resolve({ status: 'failed', code: 'NOT_CONFIGURED' }));
}
