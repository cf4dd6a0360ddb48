import type { FastifyPluginAsync } from 'fastify';
import { Bot, InputFile } from 'grammy';
import type { CallbackQuery, Update, UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { InboundSink, OutboundReply, PushResult, Reply, ReplyAttachment, StaffMessage, StaffSink, TeamPost } from '../../../core/conversation/message.js';
import type { ChannelErrorCode } from '../channel-error.js';
import { toChannelError } from './telegram.errors.js';
import { toInboundMessage, toPrivateStaffJoin, toStaffMessage } from './telegram.normalize.js';
import { telegramQrPng } from './telegram.qr.js';
import { renderReply, type TelegramSend } from './telegram.render.js';
import { telegramWebhookPlugin } from './telegram.webhook.js';

/** The update types the bot asks Telegram for, in both polling and webhook mode. */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** What `createTelegramChannel` needs. */
export interface TelegramChannelOptions {
  token: string;
  /** Bot API root, without a trailing slash; tests point it at the fake server. */
  apiRoot?: string;
  sink: InboundSink;
  /**
   * Where messages of the staff groups go, and a private `/join <code>` (a staff member joining with an invite code);
   * without it (or `staffChats`), group messages are ignored and a private `/join` is a customer message.
   */
  staffSink?: StaffSink;
  /** Chat ids of the team workspaces (groups or forum supergroups). */
  staffChats?: readonly string[];
  log: Logger;
  /** Known bot identity; skips the `getMe` call at start. */
  botInfo?: UserFromGetMe;
}

/** A running Telegram channel: receives updates (polling or webhook), hands them to the sink, delivers the replies. */
export interface TelegramChannel {
  /** The underlying grammy bot, for the composition root (e.g. setting commands). */
  readonly bot: Bot;
  /** Processes one update end to end; rejects only when the sink fails, so a webhook can ask Telegram to retry. */
  handleUpdate(update: Update): Promise<void>;
  /** Starts long polling in the background; resolves once the bot is initialised. */
  startPolling(): Promise<void>;
  /** Stops polling and waits for the update in progress to finish. */
  stop(): Promise<void>;
  /** Registers the webhook with Telegram, with the secret Telegram will echo in every delivery. */
  setWebhook(url: string, secretToken: string): Promise<void>;
  /** A fastify plugin serving this channel's webhook at `path`. */
  webhookRoute(secretToken: string, path?: string): FastifyPluginAsync;
  /**
   * Sends one reply to a customer's chat outside a turn (an agent's message, a CSAT or NPS question), rendered as a
   * turn reply is (inline keyboard, QR photo, split text). Never throws: a failure is `{ status: 'failed', code }`.
   */
  push: (chatId: string, reply: Reply) => Promise<PushResult>;
  /**
   * Posts `text` in every staff chat (`staffChats`), or only in `replyTo`'s chat as a reply to that message (kept in
   * its forum topic by Telegram; sent anyway if that message is gone). Returns one TeamPost per message sent; a failed
   * chat is logged (code only) and skipped, never thrown.
   */
  postToTeam: (text: string, opts?: { replyTo?: TeamPost }) => Promise<TeamPost[]>;
}

// Failures that will repeat for every later reply in the same turn: stop calling Telegram for this chat.
const RECIPIENT_LEVEL: ReadonlySet<ChannelErrorCode> = new Set(['AUTH', 'BLOCKED_BY_USER', 'INVALID_RECIPIENT']);

/** Builds the Telegram channel on grammy; nothing is sent until an update arrives. */
export function createTelegramChannel(opts: TelegramChannelOptions): TelegramChannel {
  const log = opts.log.child({ channel: 'telegram' });
  const bot = new Bot(opts.token, {
    ...(opts.apiRoot !== undefined ? { client: { apiRoot: opts.apiRoot } } : {}),
    ...(opts.botInfo !== undefined ? { botInfo: opts.botInfo } : {}),
  });
  let polling: Promise<void> | undefined;
  let stopping = false;

  const recordDelivery = async (outboundId: string, outcome: { platformMessageId?: string; error?: string }) => {
    try {
      await opts.sink.recordDelivery(outboundId, outcome);
    } catch (err) {
      // The message is already out (or already failed); losing the record must not stop the next reply.
      log.error({ outboundId, reason: describe(err) }, 'telegram delivery record failed');
    }
  };

  const send = async (chatId: string, part: TelegramSend): Promise<number> => {
    if (part.method === 'sendMessage') return (await bot.api.raw.sendMessage({ chat_id: chatId, ...part.params })).message_id;
    const { photo, ...rest } = part.params;
    // A QR code is drawn here and uploaded as multipart: there is no URL Telegram could fetch it from.
    const file = typeof photo === 'string' ? photo : new InputFile(await telegramQrPng(photo.qr), photo.filename);
    return (await bot.api.raw.sendPhoto({ chat_id: chatId, photo: file, ...rest })).message_id;
  };

  /**
   * Sends one reply (rendered into one or more Bot API calls); stops at the first failure. Logs codes and ids only:
   * no text, no phone numbers. Used for a turn's replies and for pushes outside a turn.
   */
  const sendReply = async (chatId: string, reply: Reply, ids: { outboundId?: string } = {}): Promise<PushResult> => {
    let parts: TelegramSend[];
    try {
      parts = renderReply(reply);
    } catch (err) {
      log.error({ ...ids, reason: describe(err) }, 'telegram reply cannot be rendered');
      return { status: 'failed', code: 'UNKNOWN' };
    }
    let primaryId: number | undefined;
    for (const [index, part] of parts.entries()) {
      try {
        const messageId = await send(chatId, part);
        if (part.primary) primaryId = messageId;
      } catch (err) {
        const failure = toChannelError(err);
        log.warn({ ...ids, code: failure.code, retryAfterMs: failure.retryAfterMs, part: index + 1, parts: parts.length, reason: failure.message }, 'telegram delivery failed');
        return { status: 'failed', code: failure.code };
      }
    }
    return primaryId !== undefined ? { status: 'sent', platformMessageId: String(primaryId) } : { status: 'sent' };
  };

  /** Sends one reply of a turn and records the outcome; returns the failure code if it failed. */
  const deliver = async (chatId: string, out: OutboundReply): Promise<ChannelErrorCode | undefined> => {
    const result = await sendReply(chatId, out.reply, { outboundId: out.id });
    if (result.status === 'sent') {
      await recordDelivery(out.id, result.platformMessageId !== undefined ? { platformMessageId: result.platformMessageId } : {});
      return undefined;
    }
    const code = (result.status === 'failed' ? result.code : 'WINDOW_CLOSED') as ChannelErrorCode;
    await recordDelivery(out.id, { error: code });
    return code;
  };

  /**
   * Stops the button spinner and, for presses we act on, removes the pressed keyboard: quick replies are one-shot
   * (as on LINE and WhatsApp), so an old menu cannot be replayed out of context. Never throws.
   */
  const settleCallbackQuery = async (query: CallbackQuery, clearKeyboard: boolean): Promise<void> => {
    const message = query.message;
    const tasks: Promise<unknown>[] = [bot.api.answerCallbackQuery(query.id)];
    // date 0 marks a message too old for the bot to access, and so to edit.
    if (clearKeyboard && message && message.date !== 0) {
      tasks.push(bot.api.editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: { inline_keyboard: [] } }));
    }
    const results = await Promise.allSettled(tasks);
    for (const result of results) {
      if (result.status === 'rejected') {
        // Expected on redelivery ("message is not modified") or for stale queries; nothing to do about it.
        log.debug({ reason: toChannelError(result.reason).message }, 'telegram callback query housekeeping failed');
      }
    }
  };

  const staffChats = new Set(opts.staffChats ?? []);

  /**
   * A team-workspace message (or a private `/join`): to the staff side only; each reply goes back to the same chat and
   * topic, its text first, then its attachment (a PNG as a photo, anything else as a document).
   */
  const handleStaff = async (msg: StaffMessage): Promise<void> => {
    if (!opts.staffSink) return;
    const replies = await opts.staffSink.handle(msg);
    const thread = msg.threadId !== undefined ? { message_thread_id: Number(msg.threadId) } : {};
    for (const reply of replies) {
      try {
        for (const part of renderReply(reply)) {
          if (part.method !== 'sendMessage') continue; // staff replies are text (and their attachment below)
          await bot.api.raw.sendMessage({ chat_id: msg.workspaceId, ...part.params, ...thread });
        }
        if (reply.attachment) await sendAttachment(msg.workspaceId, reply.attachment, thread);
      } catch (err) {
        log.warn({ workspaceId: msg.workspaceId, code: toChannelError(err).code }, 'telegram staff reply failed');
      }
    }
  };

  /** Uploads a staff reply's file (multipart): a PNG is shown as a picture, anything else is a downloadable document. */
  const sendAttachment = async (chatId: string, file: ReplyAttachment, thread: { message_thread_id?: number }): Promise<void> => {
    const upload = new InputFile(file.data, uploadName(file.fileName));
    if (file.mimeType === 'image/png') await bot.api.raw.sendPhoto({ chat_id: chatId, photo: upload, ...thread });
    else await bot.api.raw.sendDocument({ chat_id: chatId, document: upload, ...thread });
  };

  const handleUpdate = async (update: Update): Promise<void> => {
    const staff =
      toStaffMessage(update, staffChats) ??
      // Before init (a webhook delivery) the bot's name is unknown: any `/join@name` in a private chat is then ours.
      (opts.staffSink ? toPrivateStaffJoin(update, bot.isInited() ? bot.botInfo.username : undefined) : null);
    if (staff) return handleStaff(staff);
    const msg = toInboundMessage(update);
    // Answered even when ignored or duplicate: otherwise the customer's button spins until Telegram gives up.
    if (update.callback_query) await settleCallbackQuery(update.callback_query, msg !== null);
    if (!msg) {
      log.debug({ updateId: update.update_id }, 'telegram update ignored');
      return;
    }
    const turn = await opts.sink.handle(msg);
    if (turn.duplicate) {
      log.debug({ platformMessageId: msg.platformMessageId }, 'telegram duplicate delivery, nothing sent');
      return;
    }
    let stopCode: ChannelErrorCode | undefined;
    for (const out of turn.replies) {
      if (stopCode) {
        await recordDelivery(out.id, { error: stopCode });
        continue;
      }
      const code = await deliver(msg.chatId, out);
      if (code && RECIPIENT_LEVEL.has(code)) stopCode = code;
    }
  };

  const push = (chatId: string, reply: Reply): Promise<PushResult> => sendReply(chatId, reply);

  const postToTeam = async (text: string, postOpts: { replyTo?: TeamPost } = {}): Promise<TeamPost[]> => {
    const { replyTo } = postOpts;
    // Only configured staff chats: a thread of another channel, or a chat no longer configured, gets nothing.
    const chats = replyTo ? (replyTo.channel === 'telegram' && staffChats.has(replyTo.workspaceId) ? [replyTo.workspaceId] : []) : [...staffChats];
    if (chats.length === 0) return [];
    let texts: Array<{ text: string }>;
    try {
      texts = renderReply({ text, dir: 'ltr' }).flatMap((part) => (part.method === 'sendMessage' ? [{ text: part.params.text }] : []));
    } catch (err) {
      log.warn({ reason: describe(err) }, 'telegram team post cannot be rendered');
      return [];
    }
    // Every part of a long post replies to the thread's message, so the whole post reads as part of the thread.
    const replyParameters =
      replyTo && /^\d+$/.test(replyTo.messageId) ? { reply_parameters: { message_id: Number(replyTo.messageId), allow_sending_without_reply: true } } : {};
    const posts: TeamPost[] = [];
    for (const chat of chats) {
      for (const params of texts) {
        try {
          const sent = await bot.api.raw.sendMessage({ chat_id: chat, ...params, ...replyParameters });
          posts.push({ channel: 'telegram', workspaceId: chat, messageId: String(sent.message_id) });
        } catch (err) {
          log.warn({ workspaceId: chat, code: toChannelError(err).code }, 'telegram team post failed');
          break;
        }
      }
    }
    return posts;
  };

  bot.use((ctx) => handleUpdate(ctx.update));
  // Long polling would die on the first middleware error without this; one bad update must not stop the bot.
  bot.catch((err) => {
    log.error({ updateId: err.ctx.update.update_id, reason: describe(err.error) }, 'telegram update failed');
  });

  const channel: TelegramChannel = {
    bot,
    handleUpdate,
    async startPolling() {
      if (polling) return;
      try {
        await bot.init();
      } catch (err) {
        throw toChannelError(err);
      }
      if (polling) return; // a concurrent call won the race while we awaited init
      stopping = false;
      // bot.start resolves only when polling stops, so it runs in the background.
      const run: Promise<void> = bot
        .start({ drop_pending_updates: false, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] })
        .catch((err: unknown) => {
          if (stopping) return;
          // Polling gives up only on 401 (token revoked) or 409 (another instance or a webhook took over).
          const failure = toChannelError(err);
          log.error({ code: failure.code, reason: failure.message }, 'telegram polling stopped');
          if (polling === run) polling = undefined;
        });
      polling = run;
    },
    async stop() {
      const running = polling;
      if (!running) return;
      stopping = true;
      polling = undefined;
      try {
        await bot.stop();
      } catch (err) {
        // Only the final offset confirmation failed: Telegram redelivers those updates and the sink dedupes them.
        log.warn({ reason: toChannelError(err).message }, 'telegram polling offset not confirmed on stop');
      }
      await running;
    },
    async setWebhook(url, secretToken) {
      try {
        await bot.api.setWebhook(url, {
          secret_token: secretToken,
          allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
          drop_pending_updates: false,
        });
      } catch (err) {
        throw toChannelError(err);
      }
    },
    webhookRoute(secretToken, path = '/telegram/webhook') {
      return (fastify) => telegramWebhookPlugin(fastify, { path, secretToken, channel });
    },
    push,
    postToTeam,
  };
  return channel;
}

/**
 * A file name safe in grammy's multipart header (it writes the name unquoted): letters, digits, dot, dash and
 * underscore; anything else becomes '_'.
 */
function uploadName(fileName: string): string {
  const safe = fileName.replace(/[^\p{L}\p{N}._-]/gu, '_').slice(0, 128);
  return safe === '' || /^\.+$/.test(safe) ? 'file' : safe;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
}
