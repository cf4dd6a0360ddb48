import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { InboundSink, PushOptions, PushResult, Reply, ReplyAttachment, StaffMessage, StaffSink, TeamPost } from '../../../core/conversation/message.js';
import type { Inbox } from '../../../core/inbox/index.js';
import type { ChannelInstance } from '../channel-module.js';
import type { LineConfig } from './line.config.js';
import { createLineApiClient, type LineApiClient } from './line.client.js';
import { deliverTurn, LINE_MESSAGES_PER_CALL, pushMessages, type LineRetryPolicy } from './line.deliver.js';
import { toChannelError } from './line.errors.js';
import { lineEvent, type LineEvent } from './line.events.js';
import { normalizeLineEvent, toLinePrivateStaffJoin, toLineStaffMessage } from './line.normalize.js';
import { renderLineReply, type LineMessage } from './line.render.js';
import { LINE_WEBHOOK_PATH, lineWebhookPlugin } from './line.webhook.js';

/** What `createLineChannel` needs. */
export interface LineChannelOptions {
  config: LineConfig;
  sink: InboundSink;
  inbox: Pick<Inbox, 'accept' | 'register'>;
  log: Logger;
  /** Defaults to the @line/bot-sdk-backed client on `config.apiBaseUrl`. */
  client?: LineApiClient;
  retry?: LineRetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Records that a user cannot be reached (unfollowed, i.e. blocked, the account); their next message clears it. */
  markUnreachable?: (userId: string) => Promise<void>;
  /**
   * Where team-workspace (staff group) messages go, and a 1:1 `/join <code>` (a staff member joining with an invite
   * code); their replies are posted in the same chat. Without it a 1:1 `/join` is a customer message.
   */
  staffSink?: StaffSink;
  /**
   * Stores a staff reply's file and returns an HTTPS link to it, or null when it cannot (no public address): LINE
   * cannot upload files, an image message needs a URL LINE can fetch (more than once), and anything else is sent as a
   * link in the text. Without it, the text says to fetch the file from the web console.
   */
  fileLinks?: LineFileLinks;
  /** How long a link from `fileLinks` works, as the text tells staff (default 60 minutes). */
  fileLinkMinutes?: number;
}

/** Makes a download link for a staff reply's file (see `LineChannelOptions.fileLinks`). */
export type LineFileLinks = (attachment: ReplyAttachment) => Promise<string | null>;

/** The LINE channel plus its event processor (exposed for tests; the inbox calls it). */
export interface LineChannel extends ChannelInstance {
  /** Processes one stored webhook event end to end; rejects only when the bot itself failed (retry later). */
  processEvent(payload: unknown): Promise<void>;
  /**
   * Pushes one reply to a user outside a turn (rendered as turn replies are: quick replies, split texts). Never throws:
   * a LINE failure is `{ status: 'failed', code }`, and BLOCKED_BY_USER also marks the user unreachable.
   */
  push: (chatId: string, reply: Reply) => Promise<PushResult>;
  /**
   * Posts `text` in every staff group (LINE_STAFF_GROUP_IDS), or only in `replyTo`'s group: LINE has no reply-to for
   * a bot's push, so a thread reply is a plain post in that group. Returns one TeamPost per LINE message sent (with
   * LINE's message id, which a staff member's quote names as `quotedMessageId`). Failures are logged and skipped.
   */
  postToTeam: (text: string, opts?: { replyTo?: TeamPost }) => Promise<TeamPost[]>;
}

// Keys already logged by logOnce; bounded so a flood of odd events cannot grow it without end.
const LOG_ONCE_LIMIT = 1000;

/**
 * Builds the LINE channel: the webhook (signature, inbox), and the processor the inbox runs for each event
 * (normalize, bot turn, reply token then push). Logs ids and codes only: never texts, tokens or phone numbers.
 */
export function createLineChannel(opts: LineChannelOptions): LineChannel {
  const log = opts.log.child({ channel: 'line' });
  const client = opts.client ?? createLineApiClient({ baseUrl: opts.config.apiBaseUrl, accessToken: opts.config.accessToken });
  const logged = new Set<string>();
  const logOnce = (key: string, level: 'debug' | 'info' | 'warn', fields: Record<string, unknown>, msg: string) => {
    if (logged.has(key)) return;
    if (logged.size < LOG_ONCE_LIMIT) logged.add(key);
    log[level](fields, msg);
  };

  const processEvent = async (payload: unknown): Promise<void> => {
    const parsed = lineEvent.safeParse(payload);
    if (!parsed.success) {
      // Stored by an older version or tampered with in the database: retrying cannot fix it.
      log.warn({}, 'line stored event has an unexpected shape, skipped');
      return;
    }
    const event = parsed.data;
    const normalized = normalizeLineEvent(event);
    if (normalized.kind === 'unfollow') {
      // Campaigns skip unreachable identities; a follow (their next message) makes them reachable again.
      log.info({ userId: normalized.userId, webhookEventId: event.webhookEventId }, 'line user unfollowed (blocked) the bot');
      await opts.markUnreachable?.(normalized.userId);
      return;
    }
    if (normalized.kind === 'group') {
      const staff = opts.config.staffGroupIds.includes(normalized.chatId) ? toLineStaffMessage(event, normalized.chatId, normalized.userId) : null;
      if (staff && opts.staffSink) await answerStaff(staff, replyTokenOf(event).replyToken);
      return;
    }
    if (normalized.kind !== 'message') return;
    const join = opts.staffSink ? toLinePrivateStaffJoin(event) : null;
    if (join) return answerStaff(join, replyTokenOf(event).replyToken);
    const turn = await opts.sink.handle(normalized.message);
    if (turn.duplicate) {
      log.debug({ webhookEventId: event.webhookEventId }, 'line duplicate event, nothing sent');
      return;
    }
    await deliverTurn(
      {
        client,
        sink: opts.sink,
        log,
        ...(opts.retry ? { retry: opts.retry } : {}),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        ...(opts.markUnreachable ? { markUnreachable: opts.markUnreachable } : {}),
      },
      { userId: normalized.message.chatId, replies: turn.replies, ...replyTokenOf(event) },
    );
  };

  /**
   * Staff replies go to the group (or the private chat of a `/join`): the first five messages with the reply token
   * (else a push), the rest pushed. They are not customer messages: nothing is stored.
   */
  const answerStaff = async (msg: StaffMessage, replyToken: string | undefined): Promise<void> => {
    const replies = await opts.staffSink!.handle(msg);
    const messages: LineMessage[] = [];
    for (const reply of replies) {
      try {
        messages.push(...renderLineReply(reply), ...(await attachmentMessages(reply)));
      } catch (err) {
        log.error({ workspaceId: msg.workspaceId, reason: err instanceof Error ? err.message : 'non-error thrown' }, 'line staff reply cannot be rendered');
      }
    }
    let token = replyToken;
    for (let i = 0; i < messages.length; i += LINE_MESSAGES_PER_CALL) {
      const batch = messages.slice(i, i + LINE_MESSAGES_PER_CALL);
      try {
        if (token) await client.replyMessage({ replyToken: token, messages: batch });
        else await client.pushMessage({ to: msg.workspaceId, messages: batch }, randomUUID());
      } catch (err) {
        log.warn({ workspaceId: msg.workspaceId, code: toChannelError(err).code }, 'line staff reply failed');
        return;
      }
      token = undefined; // a reply token is good for one call
    }
  };

  /**
   * What stands for a reply's file in LINE: a PNG as an image message at its link, another file as its link in a text,
   * or, with no link to give, a text saying where to get it.
   */
  const attachmentMessages = async (reply: Reply): Promise<LineMessage[]> => {
    const file = reply.attachment;
    if (!file) return [];
    let link: string | null = null;
    try {
      link = opts.fileLinks ? await opts.fileLinks(file) : null;
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : 'non-error thrown' }, 'line staff file link failed');
    }
    // LINE fetches images itself and only over HTTPS.
    if (link && /^https:\/\//i.test(link) && file.mimeType === 'image/png') return [{ type: 'image', originalContentUrl: link, previewImageUrl: link }];
    if (link) return [{ type: 'text', text: `${file.fileName}: ${link}\n(The link is valid for ${opts.fileLinkMinutes ?? 60} minutes.)` }];
    return [{ type: 'text', text: `${file.fileName} cannot be sent in LINE. Run the same command in the web console's command box to download it.` }];
  };

  const pushDeps = {
    client,
    log,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  };

  const push = async (chatId: string, reply: Reply, pushOpts: PushOptions = {}): Promise<PushResult> => {
    let messages: LineMessage[];
    try {
      messages = renderLineReply(reply);
    } catch (err) {
      log.error({ reason: err instanceof Error ? err.message : 'non-error thrown' }, 'line push cannot be rendered');
      return { status: 'failed', code: 'UNKNOWN' };
    }
    const result = await pushMessages(pushDeps, chatId, messages, pushOpts.idempotencyKey);
    if ('failure' in result) {
      const { failure } = result;
      log.warn({ code: failure.code, retryAfterMs: failure.retryAfterMs, sent: result.ids.length, parts: messages.length, reason: failure.message }, 'line push failed');
      // As for a turn: a user who blocked the bot is skipped by campaigns until they write again.
      if (failure.code === 'BLOCKED_BY_USER') {
        await opts.markUnreachable?.(chatId).catch((err: unknown) => log.warn({ reason: String(err) }, 'line unreachable mark failed'));
      }
      return { status: 'failed', code: failure.code };
    }
    const last = result.ids.at(-1);
    return last ? { status: 'sent', platformMessageId: last } : { status: 'sent' };
  };

  const postToTeam = async (text: string, postOpts: { replyTo?: TeamPost } = {}): Promise<TeamPost[]> => {
    const { replyTo } = postOpts;
    // Only configured staff groups: a thread of another channel, or a group no longer configured, gets nothing.
    const groups = replyTo ? (replyTo.channel === 'line' && opts.config.staffGroupIds.includes(replyTo.workspaceId) ? [replyTo.workspaceId] : []) : opts.config.staffGroupIds;
    if (groups.length === 0) return [];
    let messages: LineMessage[];
    try {
      messages = renderLineReply({ text, dir: 'ltr' });
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : 'non-error thrown' }, 'line team post cannot be rendered');
      return [];
    }
    const posts: TeamPost[] = [];
    for (const group of groups) {
      const result = await pushMessages(pushDeps, group, messages);
      if ('failure' in result) log.warn({ workspaceId: group, code: result.failure.code }, 'line team post failed');
      // A 409 "already accepted" answer carries no message id: nothing a quote could name, so no thread entry.
      for (const id of result.ids) if (id !== '' && !id.startsWith('request:')) posts.push({ channel: 'line', workspaceId: group, messageId: id });
    }
    return posts;
  };

  opts.inbox.register('line', processEvent);
  return {
    name: 'line',
    processEvent,
    push,
    postToTeam,
    routes: (fastify) => lineWebhookPlugin(fastify, {
        channelSecret: opts.config.channelSecret,
        inbox: opts.inbox,
        log,
        logOnce,
        path: LINE_WEBHOOK_PATH,
        staffGroupIds: opts.config.staffGroupIds,
      }),
    start(url) {
      log.info({ webhookUrl: `${url}${LINE_WEBHOOK_PATH}` }, 'line webhook ready: set its public HTTPS address in the LINE Developers console');
      return Promise.resolve();
    },
  };
}

/**
 * The reply token, unless the event is a redelivery: LINE redelivers only after our earlier answer failed, by which
 * time the token has usually lapsed, so pushing straight away saves a call that would fail.
 */
function replyTokenOf(event: LineEvent): { replyToken?: string } {
  if (event.replyToken === undefined || event.deliveryContext?.isRedelivery === true) return {};
  return { replyToken: event.replyToken };
}
