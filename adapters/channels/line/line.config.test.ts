import { describe, expect, it } from 'vitest';
import { readLineConfig } from './line.config.js';

describe('readLineConfig', () => {
  it('is off (null) when neither credential is set, blank counting as unset', () => {
    expect(readLineConfig({})).toBeNull();
    expect(readLineConfig({ LINE_CHANNEL_SECRET: ' ', LINE_CHANNEL_ACCESS_TOKEN: '' })).toBeNull();
  });

  it('reads both credentials and defaults the API base URL', () => {
    expect(readLineConfig({ LINE_CHANNEL_SECRET: 'abc123', LINE_CHANNEL_ACCESS_TOKEN: 'tok/en+=' })).toEqual({
      channelSecret: 'abc123',
      accessToken: 'tok/en+=',
      apiBaseUrl: 'https://api.line.me',
      staffGroupIds: [],
    });
  });

  it('reads the staff group ids, and refuses ids that are not LINE group ids', () => {
    const base = { LINE_CHANNEL_SECRET: 'abc123', LINE_CHANNEL_ACCESS_TOKEN: 'token' };
    const group = `C${'a'.repeat(32)}`;
    expect(readLineConfig({ ...base, LINE_STAFF_GROUP_IDS: ` ${group} ` })?.staffGroupIds).toEqual([group]);
    expect(() => readLineConfig({ ...base, LINE_STAFF_GROUP_IDS: 'team' })).toThrow(/LINE_STAFF_GROUP_IDS/);
  });

  it('takes a base URL for tests and drops its trailing slash', () => {
    const config = readLineConfig({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: 'http://127.0.0.1:4010/' });
    expect(config?.apiBaseUrl).toBe('http://127.0.0.1:4010');
  });

  it('refuses a half configuration, naming the missing variable', () => {
    expect(() => readLineConfig({ LINE_CHANNEL_SECRET: 's' })).toThrow(/LINE_CHANNEL_ACCESS_TOKEN/);
    expect(() => readLineConfig({ LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: 'http://127.0.0.1:1' })).toThrow(/LINE_CHANNEL_SECRET/);
  });

  it('refuses invalid values, naming the variable but never echoing secrets', () => {
    expect(() => readLineConfig({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: 'ftp://x' })).toThrow(/LINE_API_BASE_URL/);
    let message = '';
    try {
      readLineConfig({ LINE_CHANNEL_SECRET: 'my secret value', LINE_CHANNEL_ACCESS_TOKEN: 't' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/LINE_CHANNEL_SECRET/);
    expect(message).not.toContain('my secret value');
  });
});
