// The one place that reads the environment. Every variable is validated at start with a clear message;
// a channel is enabled by setting its credentials, and then its other settings become required.
import { z } from 'zod';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    DATA_DIR: z.string().default('./data'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
    BRAND_ID: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes').default('demo'),
    SEED_DEMO_DATA: z.enum(['auto', 'always', 'never']).default('auto'),
    KNOWLEDGE_DIR: z.string().optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: z.url().optional(),
    NLU_LLM_MODEL: z.string().default('gpt-4o-mini'),
    NLU_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
    KNOWLEDGE_EMBEDDINGS: z.enum(['offline', 'openai']).default('offline'),
    KNOWLEDGE_EMBEDDING_MODEL: z.string().min(1).optional(),
    /** An agent silent this long hands the conversation back to the bot (with a message to the customer). */
    HANDOFF_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    /** A request for a person nobody takes within this long goes back to the bot. */
    HANDOFF_QUEUE_MAX_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(240),
    /**
     * The console's session cookie is `Secure` (sent over HTTPS only). Default: on in production. Behind a TLS proxy
     * keep it on; off only for a plain-HTTP trial on localhost.
     */
    CONSOLE_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
    /** Set when the app runs behind a reverse proxy (TLS termination): per-IP limits then see the real client. */
    TRUST_PROXY: z.enum(['true', 'false']).optional(),
    /** Console password given to the demo agents (sara, omar) when the demo data is seeded; at least 10 characters. */
    DEMO_AGENT_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    /**
     * What this process does: 'all' (web and background jobs in one process, the embedded default), 'web' (HTTP and
     * chat only; jobs are enqueued for workers) or 'worker' (jobs only; `npm run worker`). 'web' needs REDIS_URL.
     */
    APP_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
    /** The public https address of this server, for tracked campaign links and files shown in LINE (e.g. https://crm.example.com). */
    PUBLIC_BASE_URL: z.url().optional(),
    /** Campaign sends per second per channel in this worker; 0 means no limit (Telegram allows about 30/s). */
    CAMPAIGN_RATE_TELEGRAM: z.coerce.number().int().min(0).max(10_000).default(30),
    CAMPAIGN_RATE_LINE: z.coerce.number().int().min(0).max(10_000).default(100),
    CAMPAIGN_RATE_WHATSAPP: z.coerce.number().int().min(0).max(10_000).default(50),
    CAMPAIGN_RATE_WECHAT: z.coerce.number().int().min(0).max(10_000).default(50),
    TERMS_VERSION: z.string().default('2026-01'),
    MARKETING_WORDING_VERSION: z.string().default('2026-01'),
    TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'looks like 123456:ABC-DEF…').optional(),
    TELEGRAM_API_ROOT: z.url().optional(),
    TELEGRAM_WEBHOOK_URL: z.url().optional(),
    TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16-256 characters of A-Z, a-z, 0-9, _ and -').optional(),
    /** Team workspaces: Telegram group or forum-supergroup chat ids, comma-separated (e.g. -1001234567890). */
    TELEGRAM_STAFF_CHAT_IDS: z
      .string()
      .regex(/^\s*-?\d+\s*(,\s*-?\d+\s*)*$/, 'comma-separated chat ids such as -1001234567890')
      .transform((v) => v.split(',').map((id) => id.trim()))
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.KNOWLEDGE_EMBEDDINGS === 'openai' && !c.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when KNOWLEDGE_EMBEDDINGS=openai' });
    }
    if (c.APP_ROLE !== 'all' && (!c.REDIS_URL || !c.DATABASE_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_ROLE'],
        message: `'${c.APP_ROLE}' needs DATABASE_URL and REDIS_URL (separate web and worker processes share one PostgreSQL and their jobs through Redis; the embedded PGlite is one process's); leave it unset to run everything in one process`,
      });
    }
    if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'is required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it back so we can reject forged updates)' });
    }
  });

/** The validated configuration. */
export type Config = z.infer<typeof schema>;

/** Variables whose values must never be logged. */
export const SECRET_KEYS: ReadonlySet<keyof Config> = new Set(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'DATABASE_URL', 'REDIS_URL', 'OPENAI_API_KEY', 'DEMO_AGENT_PASSWORD']);

/** Thrown with one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration from an environment object. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // A blank line in .env or `docker run -e PORT=` gives '': that means "not set", so defaults apply.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(set);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'} ${i.message}`));
}

/** The configuration with secrets replaced, safe to log. */
export function redactConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, SECRET_KEYS.has(k as keyof Config) && v ? '[redacted]' : v]));
}
