// The admin page that shows the login QR and the connection state. The QR logs in to the shop's WhatsApp, so both
// routes require the admin token: `Authorization: Bearer <token>`, or HTTP Basic with the token as password (what a
// browser can send: it prompts for it on the page's 401), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { ConnectionSnapshot } from './whatsapp-web.connection.js';

/** The admin page's path; its JSON twin is `${path}/state`. */
export const WHATSAPP_WEB_ADMIN_PATH = '/admin/whatsapp-web';

/** What the admin routes need. */
export interface WhatsAppWebAdminOptions {
  adminToken: string;
  snapshot: () => ConnectionSnapshot;
  path?: string;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True when `header` carries the token, as Bearer or as Basic's password (any user name). Constant time. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  let presented: string | undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (bearer) presented = bearer[1];
  else if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    presented = colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  // Hashing first makes the comparison constant time whatever the lengths.
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

const STATE_TEXT: Record<ConnectionSnapshot['state'], string> = {
  stopped: 'Stopped.',
  starting: 'Starting the browser and opening WhatsApp Web…',
  qr: 'Not logged in. On the shop’s phone open WhatsApp → Settings → Linked devices → Link a device, and scan this code.',
  ready: 'Connected. Customers’ messages are answered.',
  reconnecting: 'Disconnected; reconnecting.',
  logged_out: 'The phone logged this device out. Wait for a new QR code and scan it.',
  auth_failure: 'The saved session could not be restored. Wait for a new QR code and scan it.',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The state as JSON (the QR included only while waiting for a scan). */
export function stateJson(s: ConnectionSnapshot): Record<string, unknown> {
  return {
    state: s.state,
    since: s.since.toISOString(),
    reconnectAttempts: s.reconnectAttempts,
    ...(s.nextReconnectAt ? { nextReconnectAt: s.nextReconnectAt.toISOString() } : {}),
    ...(s.lastReason ? { lastReason: s.lastReason } : {}),
    ...(s.state === 'qr' && s.qr ? { qr: s.qr } : {}),
  };
}

/** The HTML page: state, the QR as a PNG data URL while waiting for a scan, and a refresh every 5 seconds. */
export async function adminPage(s: ConnectionSnapshot): Promise<string> {
  const img = s.state === 'qr' && s.qr ? await QRCode.toDataURL(s.qr, { errorCorrectionLevel: 'M', margin: 2, width: 320 }) : undefined;
  const details = [
    `State: <strong id="state">${escapeHtml(s.state)}</strong> since ${escapeHtml(s.since.toISOString())}`,
    s.reconnectAttempts > 0 ? `Reconnect attempts: ${s.reconnectAttempts}` : '',
    s.nextReconnectAt ? `Next attempt: ${escapeHtml(s.nextReconnectAt.toISOString())}` : '',
    s.lastReason ? `Last reason: ${escapeHtml(s.lastReason)}` : '',
  ].filter((line) => line !== '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp Web connection</title></head>
<body>
<h1>WhatsApp Web connection</h1>
<p>${escapeHtml(STATE_TEXT[s.state])}</p>
${img ? `<p><img id="qr" src="${img}" alt="WhatsApp login QR code" width="320" height="320"></p>` : ''}
<ul>${details.map((d) => `<li>${d}</li>`).join('')}</ul>
<p>This page refreshes every 5 seconds. Anyone who sees the QR code can log in to the shop’s WhatsApp: do not share it.</p>
</body></html>
`;
}

/** Registers the two admin routes. */
export function whatsappWebAdminPlugin(fastify: FastifyInstance, opts: WhatsAppWebAdminOptions): Promise<void> {
  const path = opts.path ?? WHATSAPP_WEB_ADMIN_PATH;
  const guard = (html: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    if (isAuthorized(request.headers.authorization, opts.adminToken)) return;
    // The page offers Basic so a browser prompts for the token; the JSON route is for scripts (Bearer).
    if (html) reply.header('www-authenticate', 'Basic realm="whatsapp-web admin", charset="UTF-8"');
    else reply.header('www-authenticate', 'Bearer');
    await reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'admin token required' } });
  };
  fastify.get(path, { onRequest: guard(true) }, async (_request, reply) => {
    const html = await adminPage(opts.snapshot());
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
      .send(html);
  });
  fastify.get(`${path}/state`, { onRequest: guard(false) }, async (_request, reply) => reply.send(stateJson(opts.snapshot())));
  return Promise.resolve();
}
