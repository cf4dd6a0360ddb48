// Test-only helpers for the WeChat adapter tests: signed webhook requests and message XML shaped like WeChat's
// documentation examples. The in-memory sink and log capture are the Telegram adapter's (they are channel-neutral).
import { randomBytes } from 'node:crypto';
import { encryptMessage, wechatSignature } from './wechat.crypto.js';
import { buildWechatXml } from './wechat.xml.js';

export { captureLogger, MemorySink, reply, silentLogger } from '../telegram/telegram.test-support.js';

/** The Token, AppID and EncodingAESKey of the tests' official account. */
export const TEST_TOKEN = 'crmTestToken2026';
export const TEST_APP_ID = 'wx1234567890abcdef';
export const TEST_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
/** The official account's own id (ToUserName). */
export const ACCOUNT_ID = 'gh_0123456789ab';

/** Seconds since the epoch, as WeChat's timestamps. */
export const nowSeconds = (now: Date = new Date()): number => Math.floor(now.getTime() / 1000);

/** A signed query string for a plain-mode POST (or GET with `echostr`). */
export function signedQuery(opts: { token?: string; timestamp?: number; nonce?: string; extra?: Record<string, string> } = {}): string {
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const nonce = opts.nonce ?? randomBytes(5).toString('hex');
  const signature = wechatSignature([opts.token ?? TEST_TOKEN, timestamp, nonce]);
  return new URLSearchParams({ signature, timestamp, nonce, openid: 'ignored-by-us', ...opts.extra }).toString();
}

/** A safe-mode request: the encrypted envelope XML and its signed query string. */
export function encryptedRequest(innerXml: string, key: Buffer, opts: { token?: string; appId?: string; timestamp?: number; nonce?: string } = {}): { query: string; body: string } {
  const token = opts.token ?? TEST_TOKEN;
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const nonce = opts.nonce ?? randomBytes(5).toString('hex');
  const encrypted = encryptMessage(key, opts.appId ?? TEST_APP_ID, innerXml);
  const query = new URLSearchParams({
    signature: wechatSignature([token, timestamp, nonce]),
    timestamp,
    nonce,
    openid: 'ignored-by-us',
    encrypt_type: 'aes',
    msg_signature: wechatSignature([token, timestamp, nonce, encrypted]),
  }).toString();
  return { query, body: buildWechatXml({ ToUserName: ACCOUNT_ID, Encrypt: encrypted }) };
}

/** A text message, as in WeChat's documentation. */
export function textXml(openid: string, msgId: number | string, content: string, createTime: number = nowSeconds()): string {
  return buildWechatXml({ ToUserName: ACCOUNT_ID, FromUserName: openid, CreateTime: createTime, MsgType: 'text', Content: content, MsgId: String(msgId) });
}

/** An event (subscribe, unsubscribe, CLICK with EventKey…). */
export function eventXml(openid: string, event: string, extra: Record<string, string> = {}, createTime: number = nowSeconds()): string {
  return buildWechatXml({ ToUserName: ACCOUNT_ID, FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: event, ...extra });
}

/** A media or location message of `type` with its own fields. */
export function mediaXml(openid: string, msgId: number | string, type: string, fields: Record<string, string> = {}, createTime: number = nowSeconds()): string {
  return buildWechatXml({ ToUserName: ACCOUNT_ID, FromUserName: openid, CreateTime: createTime, MsgType: type, ...fields, MsgId: String(msgId) });
}
