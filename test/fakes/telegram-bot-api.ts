import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, UserFromGetMe } from 'grammy/types';

/** One request the fake received: the Bot API method and its decoded parameters. */
export interface BotApiCall {
  method: string;
  params: Record<string, unknown>;
}

/** A Bot API error response, as Telegram sends it (`ok: false` is added by the fake). */
export interface BotApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Errors the real Bot API returns, ready for `failNext`. */
export const BOT_API_ERRORS = {
  blockedByUser: { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
  userDeactivated: { error_code: 403, description: 'Forbidden: user is deactivated' },
  chatNotFound: { error_code: 400, description: 'Bad Request: chat not found' },
  unauthorized: { error_code: 401, description: 'Unauthorized' },
  tooManyRequests: (retryAfterSeconds: number): BotApiError => ({
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfterSeconds}`,
    parameters: { retry_after: retryAfterSeconds },
  }),
  badGateway: { error_code: 502, description: 'Bad Gateway' },
  kickedFromGroup: { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' },
} as const satisfies Record<string, BotApiError | ((n: number) => BotApiError)>;

/** Settings for the fake; the defaults suit tests. */
export interface FakeTelegramApiOptions {
  /** The only token the fake accepts; anything else gets 401 like the real API. */
  token?: string;
  /** Upper bound on how long a long-poll `getUpdates` waits, so stopping a bot never waits ~30s. */
  longPollCapMs?: number;
}

/** The webhook the bot registered with `setWebhook`. */
export interface FakeWebhook {
  url: string;
  secretToken: string | undefined;
}

/** A Telegram Bot API server on 127.0.0.1 that the real grammy client is pointed at (`client.apiRoot`). */
export interface FakeTelegramApi {
  /** The apiRoot to give grammy (no trailing slash). */
  readonly url: string;
  /** The token the fake accepts. */
  readonly token: string;
  /** What `getMe` returns; pass it as `botInfo` to skip the `getMe` round trip. */
  readonly botInfo: UserFromGetMe;
  /** Every call received, in order, including failed ones. */
  readonly calls: readonly BotApiCall[];
  /** The webhook currently set, or null. */
  readonly webhook: FakeWebhook | null;
  /** The calls made to one method, in order. */
  callsTo(method: string): BotApiCall[];
  /** Makes an update available to `getUpdates` (and wakes a waiting long poll). */
  queueUpdate(update: Update): void;
  /** Updates queued and not yet confirmed by an `offset`. */
  pendingUpdates(): readonly Update[];
  /** Resolves with the calls to `method` once there are at least `n`; rejects after `timeoutMs`. */
  waitForCalls(method: string, n: number, timeoutMs?: number): Promise<BotApiCall[]>;
  /** Makes the next call to `method` fail with this Bot API error (queue several for several calls). */
  failNext(method: string, error: BotApiError): void;
  /** Makes the next call to `method` fail at the network level: the socket is destroyed without a response. */
  dropNext(method: string): void;
  /** Makes every later send (`sendMessage`, `sendPhoto`, `sendDocument`) to `chatId` fail with this error (a blocked bot, a left group). */
  failChat(chatId: string | number, error: BotApiError): void;
  /** Forgets recorded calls (not queued updates or failures). */
  clearCalls(): void;
  /** Answers waiting long polls, drops connections and stops the server. */
  close(): Promise<void>;
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: BotApiError };
type Failure = BotApiError | 'network';

// Telegram only sends these when asked for explicitly.
const OPT_IN_UPDATE_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
// Form and multipart bodies carry every value as a string; Telegram parses them per field type, so do we.
const JSON_FIELDS = new Set([
  'reply_markup',
  'allowed_updates',
  'entities',
  'caption_entities',
  'reply_parameters',
  'link_preview_options',
  'media',
]);
const INTEGER_FIELDS = new Set(['chat_id', 'message_thread_id', 'offset', 'limit', 'timeout', 'message_id', 'cache_time', 'max_connections']);
const BOOLEAN_FIELDS = new Set(['drop_pending_updates', 'show_alert', 'disable_notification', 'protect_content']);

/** Starts a fake Telegram Bot API on 127.0.0.1 with a random port. */
export async function startFakeTelegramApi(options: FakeTelegramApiOptions = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? '123456789:TEST-fake-token';
  const longPollCapMs = options.longPollCapMs ?? 1000;
  const botId = Number(token.split(':')[0]) || 123456789;
  const botInfo: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: 'Test Bot',
    username: 'test_crm_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };

  const calls: BotApiCall[] = [];
  const callListeners = new Set<() => void>();
  const failures = new Map<string, Failure[]>();
  const chatFailures = new Map<string, BotApiError>();
  // `chat:message_id` of every message that exists (sent by the bot or queued as an update), for reply checks.
  const existing = new Set<string>();
  let queue: Update[] = [];
  let allowedUpdates: string[] = [];
  let webhook: FakeWebhook | null = null;
  let nextMessageId = 1;
  // Wakes the current long poll; Telegram allows one getUpdates at a time per bot.
  let activePoll: { wake: () => void; terminate: () => void } | null = null;

  const record = (call: BotApiCall): void => {
    calls.push(call);
    for (const listener of [...callListeners]) listener();
  };

  const isAllowed = (update: Update): boolean => {
    const type = Object.keys(update).find((k) => k !== 'update_id') ?? '';
    return allowedUpdates.length === 0 ? !OPT_IN_UPDATE_TYPES.has(type) : allowedUpdates.includes(type);
  };

  const confirm = (offset: number): void => {
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) queue = queue.slice(offset);
  };

  const deliverable = (limit: number): Update[] => queue.filter(isAllowed).slice(0, limit);

  const message = (chatId: unknown, extra: Record<string, unknown>): Record<string, unknown> => {
    const id = typeof chatId === 'number' ? chatId : Number(chatId);
    existing.add(`${chatKey(chatId)}:${nextMessageId}`);
    return {
      message_id: nextMessageId++,
      from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
      // Negative ids are groups (supergroups start at -100…), as on Telegram.
      chat: !Number.isFinite(id)
        ? { id: 0, type: 'channel', title: String(chatId) }
        : id < 0
          ? { id, type: 'supergroup', title: 'Team' }
          : { id, type: 'private', first_name: 'Customer' },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  };

  /**
   * What `reply_parameters` asks for: `{ reply_to_message }` to echo, {} for none, or the error Telegram answers when
   * the message is not there and `allow_sending_without_reply` is not set.
   */
  const replyTo = (params: Record<string, unknown>): Record<string, unknown> | string => {
    const rp = params.reply_parameters;
    if (rp === undefined) return {};
    if (typeof rp !== 'object' || rp === null) return "Bad Request: can't parse reply parameters JSON object";
    const { message_id: messageId, allow_sending_without_reply: allow } = rp as { message_id?: unknown; allow_sending_without_reply?: unknown };
    if (typeof messageId !== 'number' || !Number.isInteger(messageId)) return 'Bad Request: field "message_id" must be a Number';
    if (existing.has(`${chatKey(params.chat_id)}:${messageId}`)) return { reply_to_message: { message_id: messageId } };
    return allow === true ? {} : 'Bad Request: message to be replied not found';
  };

  const getUpdates = async (params: Record<string, unknown>, res: ServerResponse): Promise<Outcome> => {
    if (webhook) {
      return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // Telegram serves one getUpdates per bot at a time: a newer request ends the waiting one.
    activePoll?.terminate();
    confirm(toInt(params.offset) ?? 0);
    if (Array.isArray(params.allowed_updates)) allowedUpdates = params.allowed_updates.map(String);
    const limit = Math.min(Math.max(toInt(params.limit) ?? 100, 1), 100);
    const timeoutMs = Math.min((toInt(params.timeout) ?? 0) * 1000, longPollCapMs);
    if (deliverable(limit).length === 0 && timeoutMs > 0) {
      const outcome = await new Promise<'woken' | 'terminated'>((resolve) => {
        let timer: NodeJS.Timeout | undefined = undefined;
        const done = (how: 'woken' | 'terminated'): void => {
          clearTimeout(timer);
          res.off('close', gaveUp);
          if (activePoll === poll) activePoll = null;
          resolve(how);
        };
        // A client that gave up (grammy aborts its poll on stop) must not keep the slot.
        const gaveUp = (): void => done('woken');
        const poll = { wake: () => done('woken'), terminate: () => done('terminated') };
        timer = setTimeout(gaveUp, timeoutMs);
        activePoll = poll;
        res.once('close', gaveUp);
      });
      if (outcome === 'terminated') {
        return fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      }
    }
    return { ok: true, result: deliverable(limit) };
  };

  const methods: Record<string, (params: Record<string, unknown>, res: ServerResponse) => Outcome | Promise<Outcome>> = {
    getMe: () => ok(botInfo),
    getUpdates,
    getWebhookInfo: () =>
      ok({ url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: queue.length }),
    deleteWebhook: (params) => {
      webhook = null;
      if (params.drop_pending_updates === true) queue = [];
      return ok(true);
    },
    setWebhook: (params) => {
      const url = typeof params.url === 'string' ? params.url : '';
      const secret = typeof params.secret_token === 'string' ? params.secret_token : undefined;
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
        return fail(400, 'Bad Request: secret token contains unallowed characters');
      }
      if (Array.isArray(params.allowed_updates)) allowedUpdates = params.allowed_updates.map(String);
      webhook = url === '' ? null : { url, secretToken: secret };
      return ok(true);
    },
    sendMessage: (params) => {
      if (params.chat_id === undefined || params.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
      const text = typeof params.text === 'string' ? params.text : '';
      if (text.trim() === '') return fail(400, 'Bad Request: message text is empty');
      if (text.length > 4096) return fail(400, 'Bad Request: message is too long');
      const markupError = checkMarkup(params.reply_markup);
      if (markupError) return fail(400, markupError);
      const replied = replyTo(params);
      if (typeof replied === 'string') return fail(400, replied);
      return ok(message(params.chat_id, { text, ...replied, ...inlineMarkup(params.reply_markup) }));
    },
    sendPhoto: (params) => {
      if (params.chat_id === undefined || params.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
      if (params.photo === undefined || params.photo === '') return fail(400, 'Bad Request: there is no photo in the request');
      const caption = typeof params.caption === 'string' ? params.caption : undefined;
      if (caption !== undefined && caption.length > 1024) return fail(400, 'Bad Request: message caption is too long');
      const markupError = checkMarkup(params.reply_markup);
      if (markupError) return fail(400, markupError);
      const photo = [
        { file_id: `photo-${nextMessageId}-s`, file_unique_id: `ps${nextMessageId}`, width: 90, height: 90, file_size: 1000 },
        { file_id: `photo-${nextMessageId}-m`, file_unique_id: `pm${nextMessageId}`, width: 800, height: 800, file_size: 50000 },
      ];
      return ok(message(params.chat_id, { photo, ...(caption ? { caption } : {}), ...inlineMarkup(params.reply_markup) }));
    },
    // Staff replies' files (segment exports): the upload is recorded as { filename, size } by the multipart parser.
    sendDocument: (params) => {
      if (params.chat_id === undefined || params.chat_id === '') return fail(400, 'Bad Request: chat_id is empty');
      const doc = params.document;
      if (doc === undefined || doc === '') return fail(400, 'Bad Request: there is no document in the request');
      const file = typeof doc === 'object' && doc !== null ? (doc as { filename?: unknown; size?: unknown }) : {};
      const document = { file_id: `doc-${nextMessageId}`, file_unique_id: `d${nextMessageId}`, ...(typeof file.filename === 'string' ? { file_name: file.filename } : {}), ...(typeof file.size === 'number' ? { file_size: file.size } : {}) };
      return ok(message(params.chat_id, { document }));
    },
    answerCallbackQuery: (params) =>
      typeof params.callback_query_id === 'string' && params.callback_query_id !== ''
        ? ok(true)
        : fail(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid'),
    editMessageReplyMarkup: (params) => {
      if (typeof params.inline_message_id === 'string') return ok(true);
      if (params.chat_id === undefined || params.message_id === undefined) {
        return fail(400, 'Bad Request: message identifier is not specified');
      }
      const markupError = checkMarkup(params.reply_markup);
      if (markupError) return fail(400, markupError);
      return ok({
        ...message(params.chat_id, { edit_date: Math.floor(Date.now() / 1000), ...inlineMarkup(params.reply_markup) }),
        message_id: params.message_id,
      });
    },
    sendChatAction: (params) =>
      typeof params.action === 'string' && params.action !== ''
        ? ok(true)
        : fail(400, 'Bad Request: wrong parameter action in request'),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, requestToken, method] = match as unknown as [string, string, string];
    if (requestToken !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

    let params: Record<string, unknown>;
    try {
      params = { ...decodeForm(url.searchParams), ...(await readParams(req)) };
    } catch {
      return send(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse request body" });
    }
    record({ method, params });

    const chatFailure = method === 'sendMessage' || method === 'sendPhoto' || method === 'sendDocument' ? chatFailures.get(chatKey(params.chat_id)) : undefined;
    if (chatFailure) return send(res, chatFailure.error_code, { ok: false, ...chatFailure });
    const failure = failures.get(method)?.shift();
    if (failure === 'network') {
      req.socket.destroy();
      return;
    }
    if (failure) return send(res, failure.error_code, { ok: false, ...failure });

    const impl = methods[method];
    if (!impl) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    const outcome = await impl(params, res);
    if (outcome.ok) return send(res, 200, outcome);
    return send(res, outcome.error.error_code, { ok: false, ...outcome.error });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,
    get webhook() {
      return webhook;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    queueUpdate: (update) => {
      if (update.message) existing.add(`${update.message.chat.id}:${update.message.message_id}`);
      queue.push(update);
      activePoll?.wake();
    },
    pendingUpdates: () => [...queue],
    waitForCalls: (method, n, timeoutMs = 5000) =>
      new Promise<BotApiCall[]>((resolve, reject) => {
        const check = (): boolean => {
          const matching = calls.filter((c) => c.method === method);
          if (matching.length < n) return false;
          clearTimeout(timer);
          callListeners.delete(listener);
          resolve(matching);
          return true;
        };
        const listener = (): void => void check();
        const timer = setTimeout(() => {
          callListeners.delete(listener);
          const seen = calls.map((c) => c.method).join(', ') || 'none';
          reject(new Error(`Expected ${n} call(s) to ${method} within ${timeoutMs}ms; calls so far: ${seen}`));
        }, timeoutMs);
        callListeners.add(listener);
        check();
      }),
    failNext: (method, error) => {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    dropNext: (method) => {
      failures.set(method, [...(failures.get(method) ?? []), 'network']);
    },
    failChat: (chatId, error) => {
      chatFailures.set(String(chatId), error);
    },
    clearCalls: () => {
      calls.length = 0;
    },
    close: async () => {
      activePoll?.wake();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function ok(result: unknown): Outcome {
  return { ok: true, result };
}

function fail(error_code: number, description: string): Outcome {
  return { ok: false, error: { error_code, description } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length === 0) return {};
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return decodeForm(new URLSearchParams(body.toString('utf8')));
  }
  if (contentType.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    const value = boundary?.[1] ?? boundary?.[2];
    if (!value) throw new Error('multipart body without boundary');
    return parseMultipart(body, value);
  }
  throw new Error(`unsupported content-type ${contentType}`);
}

/**
 * A lenient multipart/form-data parser. grammy writes headers without spaces and filenames unquoted
 * (`content-disposition:form-data;name="photo";filename=c.jpg`), which Telegram accepts and undici's strict
 * `Response.formData()` rejects, so the fake parses it itself. File parts are recorded as `{ filename, size }`.
 */
function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const delimiter = Buffer.from(`--${boundary}`);
  const params: Record<string, unknown> = {};
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return params;
    const next = body.indexOf(delimiter, at);
    if (next < 0) throw new Error('unterminated multipart body');
    // Each part sits between a CRLF after the delimiter line and the CRLF before the next delimiter.
    const part = body.subarray(at + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('multipart part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
    const filename = /\bfilename=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
    const key = name?.[1] ?? name?.[2];
    if (key === undefined) throw new Error('multipart part without a name');
    params[key] = filename
      ? { filename: filename[1] ?? filename[2], size: content.length }
      : decodeValue(key, content.toString('utf8'));
    at = next;
  }
}

function decodeForm(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of search.entries()) params[key] = decodeValue(key, value);
  return params;
}

function decodeValue(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (INTEGER_FIELDS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** A chat id (number or numeric string, as bodies carry it) as one string key; '' for anything else. */
function chatKey(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Rejects what the real API rejects in keyboards: callback data outside 1–64 bytes. */
function checkMarkup(markup: unknown): string | null {
  if (markup === undefined) return null;
  if (typeof markup !== 'object' || markup === null) return "Bad Request: can't parse reply keyboard markup JSON object";
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (rows === undefined) return null;
  if (!Array.isArray(rows)) return 'Bad Request: field "inline_keyboard" must be an Array';
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row)) return 'Bad Request: field "inline_keyboard" must be an Array of Arrays';
    for (const button of row as unknown[]) {
      const data = (button as { callback_data?: unknown }).callback_data;
      if (typeof data === 'string' && (data.length === 0 || Buffer.byteLength(data, 'utf8') > 64)) {
        return 'Bad Request: BUTTON_DATA_INVALID';
      }
    }
  }
  return null;
}

/** Sent messages echo only inline keyboards; reply keyboards live on the client, not the message. */
function inlineMarkup(markup: unknown): Record<string, unknown> {
  if (typeof markup === 'object' && markup !== null && 'inline_keyboard' in markup) return { reply_markup: markup };
  return {};
}
