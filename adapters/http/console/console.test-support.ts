// Test-only: the console plugin with the real desk on a test database, listening on 127.0.0.1, and what the tests need
// around it (agents with passwords, customers asking for a person, a recording pusher instead of a platform).
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAgentDesk, type AgentDesk } from '../../../bots/agent/index.js';
import { createAgent } from '../../../core/agents/index.js';
import { lockConversation, recordInbound, type ChannelName, type PushResult, type Reply } from '../../../core/conversation/index.js';
import { resolveCustomer } from '../../../core/customers/index.js';
import { requestHandoff } from '../../../core/handoff/index.js';
import type { CoreDeps } from '../../../core/shared/index.js';
import { schema } from '../../../db/index.js';
import { installErrorHandler } from '../errors.js';
import { staffFilesPlugin } from '../staff-files.js';
import { consolePlugin, type ConsoleOptions } from './plugin.js';

/** One message the desk pushed to a customer. */
export interface PushedMessage {
  channel: ChannelName;
  chatId: string;
  reply: Reply;
}

/** A running console on a test database. */
export interface ConsoleHarness {
  url: string;
  app: FastifyInstance;
  desk: AgentDesk;
  /** What would have gone to customers' chats, in order. */
  pushed: PushedMessage[];
  /** What the next pushes answer (default: sent). */
  pushResult: PushResult;
  /** Creates an agent (on duty unless told) with a password; returns its id. */
  agent(login: string, name: string, password: string, opts?: { onDuty?: boolean; languages?: string[] }): Promise<string>;
  /** A customer who wrote on `channel` and asked for a person; the handoff and where they chat. */
  customerAsking(opts?: { name?: string; language?: string; text?: string; channel?: ChannelName }): Promise<{ handoffId: number; conversationId: string; chatId: string; customerId: string }>;
  /** The customer writes again while the conversation is with a person. */
  customerWrites(conversationId: string, chatId: string, text: string, channel?: ChannelName): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the console plugin (real desk, recording pusher, no team chat) and the staff-files route for `brandId` on
 * `deps.db`; pass `staffSink` to turn the command box on.
 */
export async function startConsoleHarness(
  deps: CoreDeps,
  opts: { brandId: string } & Partial<Omit<ConsoleOptions, 'deps' | 'brandId' | 'desk'>>,
): Promise<ConsoleHarness> {
  const { brandId } = opts;
  // The pusher reads the harness's fields at each call, so a test can swap them.
  const harness: { pushed: PushedMessage[]; pushResult: PushResult } = { pushed: [], pushResult: { status: 'sent', platformMessageId: 'p1' } };
  const desk = createAgentDesk({
    ...deps,
    brandId,
    pusher: (target, reply) => {
      harness.pushed.push({ ...target, reply });
      return Promise.resolve(harness.pushResult);
    },
    teamChat: null,
  });
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  await app.register(consolePlugin({ secureCookies: false, ...opts, deps, brandId, desk }));
  // Files in command-box replies are links to this route, as in the app.
  await app.register(staffFilesPlugin({ deps, brandId }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const result: ConsoleHarness = Object.assign(harness, {
    url,
    app,
    desk,
    async agent(login, name, password, agentOpts = {}) {
      const created = await createAgent(deps, { brandId, login, name, password, onDuty: agentOpts.onDuty ?? false, languages: agentOpts.languages ?? ['en', 'ar'] });
      if (created.status !== 'created') throw new Error(`agent ${login} exists`);
      return created.agent.id;
    },
    async customerAsking(c = {}) {
      const chatId = randomUUID();
      const channel = c.channel ?? 'telegram';
      const { customer } = await resolveCustomer(deps, { brandId, channel, externalId: chatId, displayName: c.name ?? 'Layla' });
      if (c.name !== undefined) await deps.db.update(schema.customers).set({ name: c.name }).where(eq(schema.customers.id, customer.id));
      const conversation = await deps.db.transaction(async (tx) => {
        const txDeps = { ...deps, db: tx };
        const conv = await lockConversation(txDeps, { brandId, channel, chatId, customerId: customer.id });
        await tx.update(schema.conversations).set({ language: c.language ?? 'en' }).where(eq(schema.conversations.id, conv.id));
        await recordInbound(txDeps, { brandId, conversationId: conv.id, msg: { channel, externalUserId: chatId, chatId, platformMessageId: randomUUID(), text: c.text ?? 'I want a human', timestamp: deps.clock.now() } });
        return conv;
      });
      const requested = await requestHandoff(deps, { brandId, conversationId: conversation.id, customerId: customer.id, reason: 'asked' });
      await desk.handoffRequested(requested.handoff.id);
      return { handoffId: requested.handoff.id, conversationId: conversation.id, chatId, customerId: customer.id };
    },
    async customerWrites(conversationId, chatId, text, channel = 'telegram') {
      const inbound = await deps.db.transaction((tx) =>
        recordInbound({ ...deps, db: tx }, { brandId, conversationId, msg: { channel, externalUserId: chatId, chatId, platformMessageId: randomUUID(), text, timestamp: deps.clock.now() } }),
      );
      await desk.customerWrote({ conversationId, messageId: inbound.id });
    },
    close: () => app.close(),
  } satisfies Omit<ConsoleHarness, 'pushed' | 'pushResult'>);
  return result;
}
