import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig, SECRET_KEYS } from './config.js';

const TOKEN = '123456789:AAE-secret_tokenValue42';
const SECRET = 'webhook-secret-0123456789';

/** The problems loadConfig reports for `env`, or fails the test when it accepts it. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error(`config was accepted: ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('fills in defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      LOG_LEVEL: 'info',
      DATA_DIR: './data',
      BRAND_ID: 'demo',
      SEED_DEMO_DATA: 'auto',
      TERMS_VERSION: '2026-01',
      MARKETING_WORDING_VERSION: '2026-01',
      HANDOFF_IDLE_MINUTES: 30,
      HANDOFF_QUEUE_MAX_MINUTES: 240,
      NLU_LLM_MODEL: 'gpt-4o-mini',
      NLU_LLM_TIMEOUT_MS: 3000,
      KNOWLEDGE_EMBEDDINGS: 'offline',
      APP_ROLE: 'all',
      CAMPAIGN_RATE_TELEGRAM: 30,
      CAMPAIGN_RATE_LINE: 100,
      CAMPAIGN_RATE_WHATSAPP: 50,
      CAMPAIGN_RATE_WECHAT: 50,
    });
  });

  it('runs web and worker apart only with PostgreSQL and Redis (the embedded database is one process)', () => {
    expect(() => loadConfig({ APP_ROLE: 'web' })).toThrow(/APP_ROLE 'web' needs DATABASE_URL and REDIS_URL/);
    expect(() => loadConfig({ APP_ROLE: 'worker', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/APP_ROLE/);
    expect(loadConfig({ APP_ROLE: 'web', REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://x@127.0.0.1/db' }).APP_ROLE).toBe('web');
  });

  it('reads the staff group ids as a list, and refuses anything else', () => {
    expect(loadConfig({ TELEGRAM_STAFF_CHAT_IDS: ' -1001234567890, -42 ' }).TELEGRAM_STAFF_CHAT_IDS).toEqual(['-1001234567890', '-42']);
    expect(() => loadConfig({ TELEGRAM_STAFF_CHAT_IDS: 'team-chat' })).toThrow(/TELEGRAM_STAFF_CHAT_IDS/);
  });

  it('needs the OpenAI key for OpenAI embeddings of the knowledge base', () => {
    expect(() => loadConfig({ KNOWLEDGE_EMBEDDINGS: 'openai' })).toThrow(/OPENAI_API_KEY.*KNOWLEDGE_EMBEDDINGS=openai/);
    expect(loadConfig({ KNOWLEDGE_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'sk-x' }).KNOWLEDGE_EMBEDDINGS).toBe('openai');
    expect(() => loadConfig({ KNOWLEDGE_EMBEDDINGS: 'vectors' })).toThrow(/KNOWLEDGE_EMBEDDINGS/);
  });

  it('reads and coerces given values', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      LOG_LEVEL: 'warn',
      DATABASE_URL: 'postgresql://u:p@db:5432/crm',
      REDIS_URL: 'rediss://cache:6380',
      BRAND_ID: 'oud-house-2',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    expect(c).toMatchObject({ NODE_ENV: 'production', PORT: 8080, LOG_LEVEL: 'warn', BRAND_ID: 'oud-house-2', TELEGRAM_BOT_TOKEN: TOKEN });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['LOG_LEVEL', 'verbose'],
    ['DATABASE_URL', 'mysql://db/crm'],
    ['REDIS_URL', 'http://cache:6379'],
    ['BRAND_ID', 'Oud House'],
    ['SEED_DEMO_DATA', 'yes'],
    ['TELEGRAM_BOT_TOKEN', 'not-a-token'],
    ['TELEGRAM_API_ROOT', 'not a url'],
    ['TELEGRAM_WEBHOOK_SECRET', 'short'],
    ['TELEGRAM_WEBHOOK_SECRET', 'has spaces in it, sixteen+'],
  ])('rejects %s=%j with a message naming it', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('names every bad variable at once, one line each', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', BRAND_ID: 'UPPER' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['BRAND_ID', 'LOG_LEVEL', 'PORT']);
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', BRAND_ID: 'UPPER' })).toThrow(/^Invalid configuration:(\n {2}- [A-Z_]+ [^\n]+){3}$/);
  });

  it('does not echo a malformed secret in the error', () => {
    const badToken = 'secret value with spaces';
    const problems = problemsOf({ TELEGRAM_BOT_TOKEN: badToken, DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(problems.join('\n')).not.toContain(badToken);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  describe('Telegram webhook', () => {
    const url = 'https://bot.example.com/telegram';

    it('is accepted with a token and a secret', () => {
      expect(loadConfig({ TELEGRAM_WEBHOOK_URL: url, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET }).TELEGRAM_WEBHOOK_URL).toBe(url);
    });

    it('is rejected without a secret', () => {
      const problems = problemsOf({ TELEGRAM_WEBHOOK_URL: url, TELEGRAM_BOT_TOKEN: TOKEN });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^TELEGRAM_WEBHOOK_SECRET .*TELEGRAM_WEBHOOK_URL/);
    });

    it('is rejected without a token', () => {
      const problems = problemsOf({ TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: SECRET });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^TELEGRAM_BOT_TOKEN .*TELEGRAM_WEBHOOK_URL/);
    });

    it('is rejected when the secret is set but empty', () => {
      const problems = problemsOf({ TELEGRAM_WEBHOOK_URL: url, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: '' });
      expect(problems[0]).toMatch(/^TELEGRAM_WEBHOOK_SECRET /);
    });

    it('a token alone (long polling) needs no secret', () => {
      expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).TELEGRAM_WEBHOOK_SECRET).toBeUndefined();
    });
  });

  describe('empty strings count as unset', () => {
    it.each(['DATABASE_URL', 'REDIS_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_API_ROOT', 'TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET'])(
      'optional %s',
      (name) => {
        expect(loadConfig({ [name]: '' })[name as keyof ReturnType<typeof loadConfig>]).toBeUndefined();
      },
    );

    it('an empty webhook URL does not demand a token or a secret', () => {
      expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: '' })).not.toThrow();
    });

    // `docker run -e PORT=` or a blank .env line produce '': each variable falls back to its default.
    it.each([
      ['PORT', 3000],
      ['HOST', '127.0.0.1'],
      ['DATA_DIR', './data'],
      ['NODE_ENV', 'development'],
      ['LOG_LEVEL', 'info'],
      ['BRAND_ID', 'demo'],
      ['SEED_DEMO_DATA', 'auto'],
      ['TERMS_VERSION', '2026-01'],
      ['MARKETING_WORDING_VERSION', '2026-01'],
    ])('defaulted %s falls back to its default', (name, fallback) => {
      expect(loadConfig({ [name]: '' })[name as keyof ReturnType<typeof loadConfig>]).toBe(fallback);
    });
  });
});

describe('redactConfig', () => {
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    DATABASE_URL: 'postgres://crm:db-password-77@db:5432/crm',
    REDIS_URL: 'redis://:redis-password-88@cache:6379',
    OPENAI_API_KEY: 'sk-openai-secret-99',
    DEMO_AGENT_PASSWORD: 'demo-agent-password-66',
  });

  it('never contains a secret value', () => {
    const text = JSON.stringify(redactConfig(config));
    for (const secret of [TOKEN, '123456789', 'AAE-secret_tokenValue42', SECRET, 'db-password-77', 'redis-password-88', 'sk-openai-secret-99', 'demo-agent-password-66']) {
      expect(text).not.toContain(secret);
    }
  });

  it('marks secrets as redacted and keeps the rest readable', () => {
    const r = redactConfig(config);
    for (const key of SECRET_KEYS) expect(r[key]).toBe('[redacted]');
    expect(r.TELEGRAM_WEBHOOK_URL).toBe('https://bot.example.com/telegram');
    expect(r.PORT).toBe(3000);
  });

  it('leaves unset secrets unset rather than pretending they exist', () => {
    const r = redactConfig(loadConfig({}));
    expect(r.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(r.DATABASE_URL).toBeUndefined();
  });

  it('does not change the config it is given', () => {
    redactConfig(config);
    expect(config.TELEGRAM_BOT_TOKEN).toBe(TOKEN);
  });
});
