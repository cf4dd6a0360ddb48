// The WhatsApp channel's settings, read from the environment by its own schema: adding the channel touches no
// shared config. All four credentials or none: a half-configured channel would accept webhooks it cannot answer.
import { z } from 'zod';
import { LANGUAGES, type Language } from '../../../core/conversation/message.js';

/** Graph API root used when WHATSAPP_GRAPH_API_URL is not set. */
export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com/v21.0';

/** An approved message template that re-opens the conversation after the 24-hour window closed. */
export interface WhatsAppTemplate {
  /** The template's name as approved in WhatsApp Manager. */
  name: string;
  /** The template's language code as approved (e.g. `en_US`, `ar`, `zh_HK`). */
  language: string;
}

/** The channel's settings. */
export interface WhatsAppConfig {
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  phoneNumberId: string;
  /** Graph API root including the version, without a trailing slash. */
  graphApiUrl: string;
  /** Re-engagement templates per bot language; a language without one gets a WINDOW_CLOSED refusal. */
  templates: Partial<Record<Language, WhatsAppTemplate>>;
}

const REQUIRED = ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID'] as const;

const templateSchema = z.strictObject({
  // Meta's rule for template names: lowercase letters, digits and underscores.
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template name must be lowercase letters, digits and underscores'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'template language must look like en or en_US'),
});
const templatesSchema = z.partialRecord(z.enum(LANGUAGES as readonly [Language, ...Language[]]), templateSchema);

const envSchema = z.object({
  WHATSAPP_APP_SECRET: z.string().min(1),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1),
  // Graph object ids are numeric; anything else is a copy-paste mistake (often the WABA id's label).
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{1,32}$/, 'must be the numeric phone number id'),
  WHATSAPP_GRAPH_API_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((url) => (url ?? DEFAULT_GRAPH_API_URL).replace(/\/+$/, '')),
  WHATSAPP_TEMPLATES: z.string().optional(),
});

/**
 * The channel's settings from `env`, or null when none of its required variables is set (the channel is off).
 * Throws an Error naming the variables when only some are set or a value is invalid; never echoes a value.
 */
export function readWhatsAppConfig(env: Readonly<Record<string, string | undefined>>): WhatsAppConfig | null {
  const present = REQUIRED.filter((name) => (env[name] ?? '').trim() !== '');
  if (present.length === 0) return null;
  if (present.length < REQUIRED.length) {
    const missing = REQUIRED.filter((name) => !present.includes(name));
    throw new Error(`WhatsApp channel is half-configured: set ${missing.join(', ')} (or unset ${present.join(', ')})`);
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new Error(`WhatsApp channel settings are invalid: ${names.join(', ')} (${parsed.error.issues.map((i) => i.message).join('; ')})`);
  }
  const e = parsed.data;
  return {
    appSecret: e.WHATSAPP_APP_SECRET,
    verifyToken: e.WHATSAPP_VERIFY_TOKEN,
    accessToken: e.WHATSAPP_ACCESS_TOKEN,
    phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
    graphApiUrl: e.WHATSAPP_GRAPH_API_URL,
    templates: parseTemplates(e.WHATSAPP_TEMPLATES),
  };
}

function parseTemplates(raw: string | undefined): WhatsAppConfig['templates'] {
  if (raw === undefined || raw.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('WhatsApp channel settings are invalid: WHATSAPP_TEMPLATES (not JSON)');
  }
  const parsed = templatesSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`WhatsApp channel settings are invalid: WHATSAPP_TEMPLATES (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  return parsed.data;
}
