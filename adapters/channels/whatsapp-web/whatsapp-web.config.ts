// The WhatsApp Web channel's settings, read from the environment by its own schema. The channel is off unless
// WHATSAPP_WEB_ENABLED=true; then an admin token is required (the QR page logs in to the shop's WhatsApp). It refuses
// to run beside the Cloud API channel: both would answer the same customers on the inbox's 'whatsapp' channel.
import { join } from 'node:path';
import { z } from 'zod';

/** The Cloud API channel's required variables: any of them set means the Cloud adapter is (being) configured. */
export const CLOUD_VARIABLES = ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID'] as const;

/** Debian's chromium, used when WHATSAPP_WEB_CHROMIUM is not set. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Shortest admin token accepted: it guards the QR that logs in to the shop's WhatsApp. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The channel's settings. */
export interface WhatsAppWebConfig {
  /** Where LocalAuth keeps the browser session, so a restart does not need a new QR scan. */
  sessionDir: string;
  /** The chromium (or chrome) executable puppeteer launches. */
  chromiumPath: string;
  /** The Bearer token of the admin page. Secret. */
  adminToken: string;
}

const envSchema = z.object({
  WHATSAPP_WEB_ADMIN_TOKEN: z.string().trim().min(MIN_ADMIN_TOKEN_LENGTH, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`),
  WHATSAPP_WEB_SESSION_DIR: z.string().trim().min(1).optional(),
  WHATSAPP_WEB_CHROMIUM: z.string().trim().min(1).optional(),
  DATA_DIR: z.string().trim().min(1).optional(),
});

/**
 * The channel's settings from `env`, or null when WHATSAPP_WEB_ENABLED is not `true` (the channel is off).
 * Throws an Error naming the variables when enabled with a missing or invalid setting, when WHATSAPP_WEB_ENABLED has
 * a value other than true/false, or when the Cloud API channel is configured too. Never echoes a value.
 */
export function readWhatsAppWebConfig(env: Readonly<Record<string, string | undefined>>): WhatsAppWebConfig | null {
  const enabled = (env.WHATSAPP_WEB_ENABLED ?? '').trim().toLowerCase();
  if (enabled === '' || enabled === 'false') return null;
  if (enabled !== 'true') throw new Error('WhatsApp Web channel settings are invalid: WHATSAPP_WEB_ENABLED (must be true or false)');
  const cloud = CLOUD_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '');
  if (cloud.length > 0) {
    throw new Error(
      `WhatsApp Web channel cannot run beside the WhatsApp Cloud API channel: unset WHATSAPP_WEB_ENABLED or unset ${cloud.join(', ')}`,
    );
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new Error(`WhatsApp Web channel settings are invalid: ${names.join(', ')} (${parsed.error.issues.map((i) => i.message).join('; ')})`);
  }
  const e = parsed.data;
  return {
    sessionDir: e.WHATSAPP_WEB_SESSION_DIR ?? join(e.DATA_DIR ?? './data', 'whatsapp-web'),
    chromiumPath: e.WHATSAPP_WEB_CHROMIUM ?? DEFAULT_CHROMIUM,
    adminToken: e.WHATSAPP_WEB_ADMIN_TOKEN,
  };
}
