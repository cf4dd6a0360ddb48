import { describe, expect, it } from 'vitest';
import { readWechatConfig } from './wechat.config.js';
import { TEST_AES_KEY } from './wechat.test-support.js';

const full = { WECHAT_TOKEN: 'crmTestToken2026', WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 's3cr3t-value' };

describe('readWechatConfig', () => {
  it('is off (null) when no WeChat variable is set', () => {
    expect(readWechatConfig({ TELEGRAM_BOT_TOKEN: 'x', WECHAT_TOKEN: '  ' })).toBeNull();
  });

  it('reads plain mode with the default base URL, and safe mode with a 32-byte key', () => {
    expect(readWechatConfig(full)).toEqual({ token: full.WECHAT_TOKEN, appId: full.WECHAT_APP_ID, appSecret: full.WECHAT_APP_SECRET, apiBaseUrl: 'https://api.weixin.qq.com' });
    const safe = readWechatConfig({ ...full, WECHAT_ENCODING_AES_KEY: TEST_AES_KEY, WECHAT_API_BASE_URL: 'http://127.0.0.1:9999' });
    expect(safe?.aesKey).toHaveLength(32);
    expect(safe?.apiBaseUrl).toBe('http://127.0.0.1:9999');
  });

  it('names the missing variables when half-configured', () => {
    expect(() => readWechatConfig({ WECHAT_TOKEN: 'abc123' })).toThrow('WeChat channel is half-configured: set WECHAT_APP_ID, WECHAT_APP_SECRET');
    expect(() => readWechatConfig({ WECHAT_ENCODING_AES_KEY: TEST_AES_KEY })).toThrow(/WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET/);
  });

  it('names invalid variables without echoing the secret', () => {
    const attempt = () => readWechatConfig({ ...full, WECHAT_TOKEN: 'has spaces', WECHAT_ENCODING_AES_KEY: 'short', WECHAT_API_BASE_URL: 'ftp://x' });
    expect(attempt).toThrow(/WECHAT_TOKEN.*WECHAT_ENCODING_AES_KEY.*WECHAT_API_BASE_URL/);
    expect(attempt).not.toThrow(/s3cr3t/);
  });
});
