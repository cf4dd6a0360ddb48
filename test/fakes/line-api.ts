// A fake LINE Messaging API on 127.0.0.1 that the real client is pointed at (LINE_API_BASE_URL). It checks what LINE
// checks (bearer token, JSON body, 1-5 messages, text and quick-reply limits, single-use reply tokens, retry keys,
// blocked users, push recipients: users, groups or rooms) and answers in LINE's shapes (`sentMessages` with message
// ids), recording every call.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface LineApiCall {
  /** 'reply' or 'push' (the last path segment), or the raw path for anything else. */
  endpoint: string;
  /** The X-Line-Retry-Key header, if sent. */
  retryKey: string | undefined;
  body: Record<string, unknown>;
  /** The status the fake answered with. */
  status: number;
}

/** A message LINE accepted, with who it went to. */
export interface LineDelivered {
  to: string;
  via: 'reply' | 'push';
  message: Record<string, unknown>;
}

/** An error response to inject, as LINE sends them. */
export interface LineApiFailure {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/** Errors the real API returns, ready for `failNext`. */
export const LINE_API_ERRORS = {
  invalidReplyToken: { status: 400, message: 'Invalid reply token' },
  blocked: { status: 400, message: 'Failed to send messages' },
  unauthorized: { status: 401, message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' },
  tooManyRequests: (retryAfterSeconds?: number): LineApiFailure => ({
    status: 429,
    message: 'Too Many Requests',
    ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
  }),
  monthlyLimit: { status: 429, message: 'You have reached your monthly limit.' },
  internal: { status: 500, message: 'Internal Server Error' },
} as const;

/** The fake server. */
export interface FakeLineApi {
  /** The base URL to give the client (no trailing slash). */
  readonly url: string;
  /** The only channel access token it accepts. */
  readonly token: string;
  readonly calls: readonly LineApiCall[];
  callsTo(endpoint: string): LineApiCall[];
  /** Every message accepted, in order. */
  readonly delivered: readonly LineDelivered[];
  /** Messages accepted for one user. */
  messagesTo(userId: string): Record<string, unknown>[];
  /** Resolves once `userId` has received at least `n` messages in all; rejects after `timeoutMs`. */
  waitForMessages(userId: string, n: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  /** A fresh, single-use reply token for a webhook event from `userId`. */
  issueReplyToken(userId: string): string;
  /** Makes pushes to `userId` fail as LINE does for a user who blocked the bot (or a group the bot has left). */
  block(userId: string): void;
  /** Makes the next call to `endpoint` ('reply' | 'push') fail (queue several for several calls). */
  failNext(endpoint: string, failure: LineApiFailure): void;
  /** Accepts the next push but drops the connection before answering (the answer is lost, the messages are sent). */
  loseNextAnswer(endpoint: string): void;
  clearCalls(): void;
  close(): Promise<void>;
}

const TEXT_LIMIT = 5000;
const LABEL_LIMIT = 20;
const DATA_LIMIT = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Pushes go to users (U…), groups (C…) or rooms (R…): the bot posts in its staff groups too.
const RECIPIENT_ID = /^[UCR][0-9a-f]{32}$/;

/** Starts the fake on a random port. */
export async function startFakeLineApi(options: { token?: string } = {}): Promise<FakeLineApi> {
  const token = options.token ?? `fake-line-token-${randomUUID()}`;
  const calls: LineApiCall[] = [];
  const delivered: LineDelivered[] = [];
  const replyTokens = new Map<string, string>();
  const blocked = new Set<string>();
  const failures = new Map<string, Array<LineApiFailure | 'lose'>>();
  const acceptedKeys = new Map<string, { requestId: string; sentMessages: Array<{ id: string }> }>();
  const listeners = new Set<() => void>();
  let nextMessageId = 600_000_000_000_000_000n;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-line-request-id': randomUUID(), ...headers });
    res.end(JSON.stringify(body));
  };

  const accept = (to: string, via: 'reply' | 'push', messages: Record<string, unknown>[]) => {
    const sentMessages = messages.map((message) => {
      delivered.push({ to, via, message });
      nextMessageId += 1n;
      return { id: String(nextMessageId), quoteToken: `q${String(nextMessageId)}` };
    });
    for (const listener of [...listeners]) listener();
    return sentMessages;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const endpoint = path === '/v2/bot/message/reply' ? 'reply' : path === '/v2/bot/message/push' ? 'push' : path;
    const retryKey = typeof req.headers['x-line-retry-key'] === 'string' ? req.headers['x-line-retry-key'] : undefined;
    let body: Record<string, unknown> = {};
    const call: LineApiCall = { endpoint, retryKey, body, status: 0 };
    calls.push(call);
    const answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
      call.status = status;
      send(res, status, payload, headers);
    };

    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { message: LINE_API_ERRORS.unauthorized.message });
    if (req.method !== 'POST' || (endpoint !== 'reply' && endpoint !== 'push')) return answer(404, { message: 'Not found' });
    if (!String(req.headers['content-type']).startsWith('application/json')) return answer(415, { message: 'Unsupported Media Type' });
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
      call.body = body;
    } catch {
      return answer(400, { message: 'The request body could not be parsed as JSON' });
    }

    const failure = failures.get(endpoint)?.shift();
    if (failure && failure !== 'lose') return answer(failure.status, { message: failure.message }, failure.headers);

    const problems = validateMessages(body.messages);
    if (problems.length > 0) return answer(400, { message: `The request body has ${problems.length} error(s)`, details: problems });

    const messages = body.messages as Record<string, unknown>[];
    if (endpoint === 'reply') {
      const user = typeof body.replyToken === 'string' ? replyTokens.get(body.replyToken) : undefined;
      if (user === undefined) return answer(400, { message: 'Invalid reply token' });
      replyTokens.delete(body.replyToken as string);
      const sentMessages = accept(user, 'reply', messages);
      if (failure === 'lose') return void res.destroy();
      return answer(200, { sentMessages });
    }

    // push
    if (retryKey !== undefined && !UUID.test(retryKey)) return answer(400, { message: 'The value of the X-Line-Retry-Key header is invalid' });
    if (retryKey !== undefined) {
      const prior = acceptedKeys.get(retryKey);
      if (prior) return answer(409, { message: 'The retry key is already accepted', sentMessages: prior.sentMessages }, { 'x-line-accepted-request-id': prior.requestId });
    }
    const to = body.to;
    if (typeof to !== 'string' || !RECIPIENT_ID.test(to)) return answer(400, { message: "The property, 'to', in the request body is invalid (line: -, column: -)" });
    if (blocked.has(to)) return answer(400, { message: 'Failed to send messages' });
    const sentMessages = accept(to, 'push', messages);
    if (retryKey !== undefined) acceptedKeys.set(retryKey, { requestId: randomUUID(), sentMessages });
    if (failure === 'lose') return void res.destroy();
    return answer(200, { sentMessages });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { message: 'fake failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const messagesTo = (userId: string) => delivered.filter((d) => d.to === userId).map((d) => d.message);

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    delivered,
    callsTo: (endpoint) => calls.filter((c) => c.endpoint === endpoint),
    messagesTo,
    waitForMessages: (userId, n, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const mine = messagesTo(userId);
          if (mine.length < n) return false;
          cleanup();
          resolve(mine);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${n} messages to ${userId}, got ${messagesTo(userId).length}`));
        }, timeoutMs);
        const listener = () => void check();
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        listeners.add(listener);
        check();
      }),
    issueReplyToken(userId) {
      const replyToken = randomUUID().replace(/-/g, '');
      replyTokens.set(replyToken, userId);
      return replyToken;
    },
    block: (userId) => void blocked.add(userId),
    failNext(endpoint, failure) {
      failures.set(endpoint, [...(failures.get(endpoint) ?? []), failure]);
    },
    loseNextAnswer(endpoint) {
      failures.set(endpoint, [...(failures.get(endpoint) ?? []), 'lose']);
    },
    clearCalls() {
      calls.length = 0;
      delivered.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** LINE's checks on a `messages` array; returns its `details` entries (empty when valid). */
function validateMessages(messages: unknown): Array<{ message: string; property: string }> {
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) return [{ message: 'Size must be between 1 and 5', property: 'messages' }];
  const problems: Array<{ message: string; property: string }> = [];
  const problem = (property: string, message: string) => problems.push({ property, message });
  messages.forEach((raw: unknown, i) => {
    const at = `messages[${i}]`;
    if (typeof raw !== 'object' || raw === null) return problem(at, 'Must be an object');
    const m = raw as Record<string, unknown>;
    if (m.type === 'text') {
      if (typeof m.text !== 'string' || m.text.length === 0) problem(`${at}.text`, 'Must not be empty');
      else if (m.text.length > TEXT_LIMIT) problem(`${at}.text`, `Length must be between 0 and ${TEXT_LIMIT}`);
    } else if (m.type === 'image') {
      for (const key of ['originalContentUrl', 'previewImageUrl']) {
        if (typeof m[key] !== 'string' || !String(m[key]).startsWith('https://')) problem(`${at}.${key}`, 'Must be an HTTPS URL');
      }
    } else if (m.type === 'template') {
      const template = m.template as Record<string, unknown> | undefined;
      if (typeof m.altText !== 'string' || m.altText.length === 0 || m.altText.length > 400) problem(`${at}.altText`, 'Length must be between 1 and 400');
      if (template?.type !== 'buttons') problem(`${at}.template.type`, 'Unsupported by the fake');
      else {
        if (typeof template.text !== 'string' || template.text.length === 0 || template.text.length > 160) problem(`${at}.template.text`, 'Length must be between 1 and 160');
        const actions = template.actions;
        if (!Array.isArray(actions) || actions.length < 1 || actions.length > 4) problem(`${at}.template.actions`, 'Size must be between 1 and 4');
        else actions.forEach((a: unknown, j) => checkAction(a, `${at}.template.actions[${j}]`, problem));
      }
    } else {
      problem(`${at}.type`, 'Unsupported by the fake');
    }
    if (m.quickReply !== undefined) {
      const items = (m.quickReply as { items?: unknown }).items;
      if (!Array.isArray(items) || items.length < 1 || items.length > 13) problem(`${at}.quickReply.items`, 'Size must be between 1 and 13');
      else
        items.forEach((item: unknown, j) => {
          const entry = item as { type?: unknown; action?: unknown };
          if (entry.type !== 'action') problem(`${at}.quickReply.items[${j}].type`, 'Must be action');
          checkAction(entry.action, `${at}.quickReply.items[${j}].action`, problem);
        });
    }
  });
  return problems;
}

function checkAction(raw: unknown, at: string, problem: (property: string, message: string) => void): void {
  const a = (raw ?? {}) as Record<string, unknown>;
  if (a.type !== 'postback') return problem(`${at}.type`, 'Unsupported by the fake');
  if (typeof a.label !== 'string' || a.label.length === 0 || [...a.label].length > LABEL_LIMIT) problem(`${at}.label`, `Length must be between 1 and ${LABEL_LIMIT}`);
  if (typeof a.data !== 'string' || a.data.length === 0 || a.data.length > DATA_LIMIT) problem(`${at}.data`, `Length must be between 1 and ${DATA_LIMIT}`);
  if (a.displayText !== undefined && (typeof a.displayText !== 'string' || a.displayText.length > DATA_LIMIT)) problem(`${at}.displayText`, `Length must be between 1 and ${DATA_LIMIT}`);
}
