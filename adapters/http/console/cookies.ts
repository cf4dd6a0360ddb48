// The console's session cookie, read and written by hand (one cookie does not justify a plugin).

/** Name of the session cookie. */
export const SESSION_COOKIE = 'crm_agent';

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? null : value;
  }
  return null;
}

/**
 * The Set-Cookie value for a session: httpOnly (page scripts never see the token), SameSite=Strict (no other site's
 * request carries it), Secure when the app is served over HTTPS. `maxAgeMs` 0 deletes the cookie.
 */
export function sessionCookie(value: string, opts: { maxAgeMs: number; secure: boolean }): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(opts.maxAgeMs / 1000))}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
