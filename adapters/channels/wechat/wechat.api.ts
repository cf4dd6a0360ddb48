// The two WeChat API calls the adapter needs, over fetch: the access token (cached, shared by concurrent callers,
// refreshed once when WeChat says it expired or is invalid) and the customer-service text message.
import type { Clock } from '../../../core/shared/index.js';
import { ChannelError } from '../channel-error.js';
import { errcodeError, errcodeOf, httpError, networkError, TOKEN_ERRCODES } from './wechat.errors.js';

/** Default WeChat API base URL. */
export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

// Refreshed this long before WeChat's expiry, so a token never expires in flight.
const TOKEN_MARGIN_MS = 5 * 60 * 1000;
// A customer is waiting; WeChat's own timeout on our webhook is 5 s, and sends happen after it, but not forever.
const REQUEST_TIMEOUT_MS = 10_000;

/** Settings for `createWechatApi`. */
export interface WechatApiOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  clock: Clock;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** The WeChat API client. */
export interface WechatApi {
  /** A valid access token, fetched or from the cache. */
  accessToken(): Promise<string>;
  /** Sends one customer-service text message; resolves with WeChat's msgid when it gives one. */
  sendText(openid: string, content: string): Promise<{ msgId?: string }>;
}

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  msgid?: number | string;
}

/** Creates the client; nothing is fetched until the first send. */
export function createWechatApi(opts: WechatApiOptions): WechatApi {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const call = async (name: string, url: string, init: RequestInit = {}): Promise<WechatAnswer> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw networkError(name, err);
    }
    if (!res.ok) throw httpError(name, res.status, res.headers.get('retry-after'));
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw networkError(name, err);
    }
    if (typeof body !== 'object' || body === null) throw new ChannelError('UNKNOWN', `WeChat ${name} answered an unexpected body`);
    const answer = body as WechatAnswer;
    if (typeof answer.errcode === 'number' && answer.errcode !== 0) throw errcodeError(name, answer.errcode, answer.errmsg);
    return answer;
  };

  const fetchToken = async (): Promise<string> => {
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: opts.appId, secret: opts.appSecret });
    const answer = await call('token', `${base}/cgi-bin/token?${query.toString()}`);
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new ChannelError('UNKNOWN', 'WeChat token answered without access_token');
    }
    const lifetimeMs = (typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 7200) * 1000;
    // Short-lived tokens (tests, odd answers) keep at least half their life rather than none.
    const margin = Math.min(TOKEN_MARGIN_MS, lifetimeMs / 2);
    cached = { token: answer.access_token, expiresAt: opts.clock.now().getTime() + lifetimeMs - margin };
    return answer.access_token;
  };

  const accessToken = (): Promise<string> => {
    if (cached && cached.expiresAt > opts.clock.now().getTime()) return Promise.resolve(cached.token);
    // One token request at a time: each new token invalidates the previous one at WeChat.
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  /** Drops `token` from the cache unless someone already replaced it. */
  const invalidate = (token: string) => {
    if (cached?.token === token) cached = undefined;
  };

  return {
    accessToken,
    async sendText(openid, content) {
      const body = JSON.stringify({ touser: openid, msgtype: 'text', text: { content } });
      const send = async (token: string) =>
        call('message/custom/send', `${base}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
        });
      const token = await accessToken();
      let answer: WechatAnswer;
      try {
        answer = await send(token);
      } catch (err) {
        // The token may have been revoked early (a new one fetched elsewhere): refresh once, then AUTH sticks.
        const errcode = errcodeOf(err);
        if (errcode === undefined || !TOKEN_ERRCODES.has(errcode)) throw err;
        invalidate(token);
        answer = await send(await accessToken());
      }
      return answer.msgid !== undefined ? { msgId: String(answer.msgid) } : {};
    },
  };
}
