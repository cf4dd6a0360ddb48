// The LINE channel's settings, read from the environment by its own schema: adding LINE touches no shared config.
import { z } from 'zod';

/** The LINE channel's validated settings. */
export interface LineConfig {
  /** Signs every webhook body (HMAC-SHA256); secret. */
  channelSecret: string;
  /** Long-lived channel access token for the Messaging API; secret. */
  accessToken: string;
  /** Messaging API origin without a trailing slash; tests point it at a fake server. */
  apiBaseUrl: string;
  /** Group ids of the team workspaces (LINE_STAFF_GROUP_IDS): their messages go to the staff side. */
  staffGroupIds: string[];
}

/** Where LINE's Messaging API lives. */
export const LINE_DEFAULT_API_BASE_URL = 'https://api.line.me';

const nonBlank = z.string().trim().min(1).regex(/^\S+$/, 'must not contain spaces');
const schema = z.object({
  LINE_CHANNEL_SECRET: nonBlank,
  LINE_CHANNEL_ACCESS_TOKEN: nonBlank,
  LINE_API_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((url) => (url ?? LINE_DEFAULT_API_BASE_URL).replace(/\/+$/, '')),
  LINE_STAFF_GROUP_IDS: z
    .string()
    .regex(/^\s*C[0-9a-f]{32}\s*(,\s*C[0-9a-f]{32}\s*)*$/, 'comma-separated LINE group ids (C followed by 32 hex digits)')
    .optional()
    .transform((v) => (v ? v.split(',').map((id) => id.trim()) : [])),
});

/**
 * The LINE settings from `env`, or null when neither credential is set (the channel is off). Throws an Error naming
 * the variables when only one is set or a value is invalid, so the app refuses to start half-configured.
 * Error messages name variables, never their values (they are secrets).
 */
export function readLineConfig(env: Readonly<Record<string, string | undefined>>): LineConfig | null {
  const secret = blankToUndefined(env.LINE_CHANNEL_SECRET);
  const token = blankToUndefined(env.LINE_CHANNEL_ACCESS_TOKEN);
  if (secret === undefined && token === undefined) return null;
  const missing = [secret === undefined ? 'LINE_CHANNEL_SECRET' : null, token === undefined ? 'LINE_CHANNEL_ACCESS_TOKEN' : null].filter((v) => v !== null);
  if (missing.length > 0) throw new Error(`LINE channel is half-configured: set ${missing.join(' and ')} (or neither, to turn LINE off)`);
  const parsed = schema.safeParse({
    LINE_CHANNEL_SECRET: secret,
    LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: blankToUndefined(env.LINE_API_BASE_URL),
    LINE_STAFF_GROUP_IDS: blankToUndefined(env.LINE_STAFF_GROUP_IDS),
  });
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new Error(`LINE channel configuration is invalid: check ${names.join(', ')}`);
  }
  return {
    channelSecret: parsed.data.LINE_CHANNEL_SECRET,
    accessToken: parsed.data.LINE_CHANNEL_ACCESS_TOKEN,
    apiBaseUrl: parsed.data.LINE_API_BASE_URL,
    staffGroupIds: parsed.data.LINE_STAFF_GROUP_IDS,
  };
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
