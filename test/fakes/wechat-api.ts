// A fake WeChat Official Account API on 127.0.0.1 for the real fetch-based client (WECHAT_API_BASE_URL): the access
// token endpoint and the customer-service message endpoint, checking what WeChat checks (appid/secret, a current
// access token, the JSON shape, the 2048-byte text limit) and answering with WeChat's errcodes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One customer-service text message the fake accepted. */
export interface WechatSentText {
  touser: string;
  content: string;
  accessToken: string;
}

/** One request the fake received. */
export interface WechatApiCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A failure to inject: a WeChat errcode answer (HTTP 200), or an HTTP status (e.g. 429 with Retry-After). */
export type WechatFailure = { errcode: number; errmsg?: string } | { status: number; retryAfter?: number };

/** WeChat errcode answers, as the real API sends them. */
export const WECHAT_ERRORS = {
  systemBusy: { errcode: -1, errmsg: 'system error' },
  tokenExpired: { errcode: 42001, errmsg: 'access_token expired rid: 1' },
  invalidCredential: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest rid: 1' },
  windowClosed: { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled rid: 1' },
  notFollowing: { errcode: 43004, errmsg: 'require subscribe rid: 1' },
  blacklisted: { errcode: 43019, errmsg: 'require remove blacklist rid: 1' },
  outOfResponseCount: { errcode: 45047, errmsg: 'out of response count limit rid: 1' },
  invalidOpenid: { errcode: 40003, errmsg: 'invalid openid rid: 1' },
} as const satisfies Record<string, WechatFailure>;

/** Settings for the fake. */
export interface FakeWechatApiOptions {
  appId?: string;
  appSecret?: string;
  /** expires_in of issued tokens, in seconds (default 7200). */
  tokenLifetimeSeconds?: number;
}

/** The fake WeChat API. */
export interface FakeWechatApi {
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly calls: readonly WechatApiCall[];
  /** Accepted customer-service texts, in order. */
  readonly sent: readonly WechatSentText[];
  /** Accepted texts to one openid. */
  sentTo(openid: string): WechatSentText[];
  /** How many tokens were issued. */
  tokensIssued(): number;
  /** Resolves once `openid` has received at least `n` texts; rejects after `timeoutMs`. */
  waitForTexts(openid: string, n: number, timeoutMs?: number): Promise<WechatSentText[]>;
  /** Makes the next customer-service send fail (queue several for several sends). */
  failNextSend(failure: WechatFailure): void;
  /** Revokes every issued token, as when another server fetched a new one. */
  revokeTokens(): void;
  close(): Promise<void>;
}

const TEXT_LIMIT_BYTES = 2048;

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeWechatApi(options: FakeWechatApiOptions = {}): Promise<FakeWechatApi> {
  const appId = options.appId ?? 'wx1234567890abcdef';
  const appSecret = options.appSecret ?? 'fake-app-secret-0123456789abcdef';
  const lifetime = options.tokenLifetimeSeconds ?? 7200;
  const calls: WechatApiCall[] = [];
  const sent: WechatSentText[] = [];
  const failures: WechatFailure[] = [];
  const validTokens = new Set<string>();
  const listeners = new Set<() => void>();
  let issued = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        calls.push({ method: req.method ?? '', path: url.pathname, query, body: raw });
        return json(res, 200, { errcode: 47001, errmsg: 'data format error' });
      }
    }
    calls.push({ method: req.method ?? '', path: url.pathname, query, body });

    if (url.pathname === '/cgi-bin/token' && req.method === 'GET') {
      if (query.grant_type !== 'client_credential') return json(res, 200, { errcode: 40002, errmsg: 'invalid grant_type' });
      if (query.appid !== appId) return json(res, 200, { errcode: 40013, errmsg: 'invalid appid' });
      if (query.secret !== appSecret) return json(res, 200, { errcode: 40125, errmsg: 'invalid appsecret' });
      const token = `fake-token-${++issued}`;
      validTokens.add(token);
      return json(res, 200, { access_token: token, expires_in: lifetime });
    }
    if (url.pathname === '/cgi-bin/message/custom/send' && req.method === 'POST') {
      const token = query.access_token ?? '';
      if (token === '') return json(res, 200, { errcode: 41001, errmsg: 'access_token missing' });
      if (!validTokens.has(token)) return json(res, 200, { errcode: issuedToken(token) ? 42001 : 40001, errmsg: 'access_token expired or invalid' });
      const failure = failures.shift();
      if (failure && 'status' in failure) {
        return json(res, failure.status, { errcode: -1, errmsg: 'http error' }, failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {});
      }
      if (failure) return json(res, 200, failure);
      const m = body as { touser?: unknown; msgtype?: unknown; text?: { content?: unknown } };
      if (typeof m !== 'object' || m === null || typeof m.touser !== 'string' || m.touser === '') return json(res, 200, { errcode: 40003, errmsg: 'invalid openid' });
      if (m.msgtype !== 'text') return json(res, 200, { errcode: 40008, errmsg: 'invalid message type' });
      const content = m.text?.content;
      if (typeof content !== 'string' || content === '') return json(res, 200, { errcode: 44003, errmsg: 'empty news data' });
      if (Buffer.byteLength(content, 'utf8') > TEXT_LIMIT_BYTES) return json(res, 200, { errcode: 45002, errmsg: 'content size out of limit' });
      sent.push({ touser: m.touser, content, accessToken: token });
      for (const l of [...listeners]) l();
      return json(res, 200, { errcode: 0, errmsg: 'ok' });
    }
    return json(res, 404, { errcode: 404, errmsg: 'not found' });
  };

  const issuedToken = (token: string) => /^fake-token-\d+$/.test(token) && Number(token.slice(11)) <= issued;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { errcode: -1, errmsg: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    calls,
    sent,
    sentTo: (openid) => sent.filter((s) => s.touser === openid),
    tokensIssued: () => issued,
    waitForTexts: (openid, n, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const mine = sent.filter((s) => s.touser === openid);
          if (mine.length < n) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(mine);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`Expected ${n} text(s) to ${openid} within ${timeoutMs}ms; got ${sent.filter((s) => s.touser === openid).length}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    failNextSend: (failure) => void failures.push(failure),
    revokeTokens: () => validTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
