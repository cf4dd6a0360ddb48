import { z } from 'zod';
import { WECHAT_API_BASE_URL } from './wechat.api.js';
import { aesKeyFrom } from './wechat.crypto.js';

/** The WeChat channel's settings, read from the environment. */
export interface WechatConfig {
  token: string;
  appId: string;
  appSecret: string;
  /** Safe mode's AES key (from WECHAT_ENCODING_AES_KEY); unset in plain mode. */
  aesKey?: Buffer;
  apiBaseUrl: string;
}

const REQUIRED = ['WECHAT_TOKEN', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET'] as const;
const OPTIONAL = ['WECHAT_ENCODING_AES_KEY', 'WECHAT_API_BASE_URL'] as const;

const schema = z.object({
  // WeChat's console allows 3-32 letters and digits for the Token.
  WECHAT_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3-32 letters or digits'),
  WECHAT_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the AppID (letters and digits)'),
  WECHAT_APP_SECRET: z.string().min(1),
  WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be 43 characters of base64').optional(),
  WECHAT_API_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * Reads the WeChat settings: null when none of its variables is set (the channel is off); throws an Error naming the
 * variables when some are missing or invalid. The secret's value never appears in the message.
 */
export function readWechatConfig(env: Readonly<Record<string, string | undefined>>): WechatConfig | null {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (![...REQUIRED, ...OPTIONAL].some(set)) return null;
  const missing = REQUIRED.filter((name) => !set(name));
  if (missing.length > 0) throw new Error(`WeChat channel is half-configured: set ${missing.join(', ')}`);
  const values = Object.fromEntries([...REQUIRED, ...OPTIONAL].filter(set).map((name) => [name, env[name]!.trim()]));
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new Error(`WeChat channel settings are invalid: ${problems.join('; ')}`);
  }
  const v = parsed.data;
  return {
    token: v.WECHAT_TOKEN,
    appId: v.WECHAT_APP_ID,
    appSecret: v.WECHAT_APP_SECRET,
    ...(v.WECHAT_ENCODING_AES_KEY ? { aesKey: aesKeyFrom(v.WECHAT_ENCODING_AES_KEY) } : {}),
    apiBaseUrl: v.WECHAT_API_BASE_URL ?? WECHAT_API_BASE_URL,
  };
}
