// How a channel adapter plugs into the app. Each channel owns its settings (read from the environment by its own zod
// schema, so adding a channel touches no shared config), its webhook routes and its start/stop. Webhooks verify the
// platform's signature on the raw body, hand the event to the durable inbox (core/inbox) and answer at once; the
// channel's processor, registered on the inbox, normalizes the event, runs the bot and delivers the replies.
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { ChannelName, InboundSink, PushOptions, PushResult, Reply, StaffSink, TeamPost } from '../../core/conversation/index.js';
import type { Inbox } from '../../core/inbox/index.js';
import type { CoreDeps } from '../../core/shared/index.js';

/** What a channel gets from the app. */
export interface ChannelContext {
  /** The process environment (or a test's): the channel reads its own variables. */
  env: Readonly<Record<string, string | undefined>>;
  brandId: string;
  sink: InboundSink;
  /** Where team-workspace messages go (never the customer bot). */
  staffSink: StaffSink;
  inbox: Inbox;
  deps: CoreDeps;
  log: Logger;
}

/** A configured, running channel. */
export interface ChannelInstance {
  name: ChannelName;
  /** Webhook routes (and any admin pages), registered on the app's HTTP server. */
  routes?: FastifyPluginAsync;
  /** Called once the HTTP server listens (`url` is its base URL): register webhooks, connect clients. */
  start?(url: string): Promise<void>;
  /** Stops taking work and waits for work in progress. */
  stop?(): Promise<void>;
  /**
   * Sends one text to a person on this channel outside a conversation turn (a one-time link code), within the
   * platform's rules: 'window_closed' when the platform allows no free text now, never a message that goes nowhere.
   */
  notify?: (externalUserId: string, text: string) => Promise<NotifyResult>;
  /**
   * Sends one reply (text, buttons, image) to a customer's chat outside a turn: an agent's message, a survey, a CSAT
   * question. Within the platform's rules: on WhatsApp outside the 24-hour window, the approved template (if any) goes
   * instead and the result says `window_closed`; nothing is sent that cannot arrive.
   */
  push?: (chatId: string, reply: Reply, opts?: PushOptions) => Promise<PushResult>;
  /** Posts a text in this channel's team workspaces (all, or the one of `replyTo`, as a reply); see TeamChat. */
  postToTeam?: (text: string, opts?: { replyTo?: TeamPost }) => Promise<TeamPost[]>;
}

/** What a proactive text did. */
export type NotifyResult = 'sent' | 'window_closed' | 'failed';

/** A channel the app can run. */
export interface ChannelModule {
  name: ChannelName;
  /**
   * The channel built from `ctx.env`, or null when its variables are not set (the channel is off). Throws an Error
   * naming the variables when the configuration is incomplete or invalid, so the app refuses to start.
   */
  create(ctx: ChannelContext): ChannelInstance | null;
}
