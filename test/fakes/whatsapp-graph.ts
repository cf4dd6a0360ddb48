// A fake of the WhatsApp Cloud API (Meta Graph) on 127.0.0.1 that the real fetch client is pointed at
// (WHATSAPP_GRAPH_API_URL). It checks what Graph checks for the calls we make: the bearer token, the phone number id,
// `messaging_product`, and each message type's shape and limits; it records every call.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received, with its decoded JSON body. */
export interface GraphCall {
  path: string;
  /** True when the bearer token was the right one. */
  authorized: boolean;
  body: Record<string, unknown>;
  /** The wamid the fake answered with, for accepted messages. */
  wamid?: string;
  /** The HTTP status the fake answered with. */
  status: number;
}

/** A Graph error as Meta sends it (`{ error: { … } }`), with the HTTP status and headers to answer with. */
export interface GraphFailure {
  status: number;
  error: { message: string; type: string; code: number; error_subcode?: number };
  headers?: Record<string, string>;
}

/** Errors the real Cloud API returns, ready for `failNext`. */
export const GRAPH_ERRORS = {
  tokenExpired: { status: 401, error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } },
  reEngagement: { status: 400, error: { message: 'Re-engagement message', type: 'OAuthException', code: 131047 } },
  undeliverable: { status: 400, error: { message: 'Message undeliverable', type: 'OAuthException', code: 131026 } },
  blocked: { status: 400, error: { message: 'Unable to deliver the message: the recipient chose to stop receiving messages from this business', type: 'OAuthException', code: 131050 } },
  rateLimited: (retryAfterSeconds?: number): GraphFailure => ({
    status: 429,
    error: { message: 'Rate limit hit', type: 'OAuthException', code: 130429 },
    ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
  }),
  pairRateLimited: { status: 400, error: { message: 'Rate limit hit', type: 'OAuthException', code: 131056 } },
  serviceUnavailable: { status: 503, error: { message: 'Service unavailable', type: 'OAuthException', code: 131016 } },
} as const satisfies Record<string, GraphFailure | ((n?: number) => GraphFailure)>;

/** Settings for the fake. */
export interface FakeGraphOptions {
  accessToken?: string;
  phoneNumberId?: string;
  /** Templates approved for the business, as `name/language`; others get error 132001 like the real API. */
  approvedTemplates?: string[];
}

/** A Cloud API server on 127.0.0.1. */
export interface FakeWhatsAppGraph {
  /** The base URL to give the client (`WHATSAPP_GRAPH_API_URL`), with the version. */
  readonly url: string;
  readonly accessToken: string;
  readonly phoneNumberId: string;
  /** Every call received, in order, including refused ones. */
  readonly calls: readonly GraphCall[];
  /** Accepted messages (not read receipts) sent to `to`, in order. */
  messagesTo(to: string): GraphCall[];
  /** Read receipts received. */
  readReceipts(): GraphCall[];
  /** Resolves once `messagesTo(to)` has at least `n` entries; rejects after `timeoutMs`. */
  waitForMessages(to: string, n: number, timeoutMs?: number): Promise<GraphCall[]>;
  /** Makes the next message send fail with this error (queue several for several calls). */
  failNext(failure: GraphFailure): void;
  /** Makes every later message to `to` fail as for a customer who stopped messages from the business (131050). */
  block(to: string): void;
  /**
   * Makes every later free-form message to `to` fail with 131047 (re-engagement), as Meta does once the 24-hour window
   * has closed by its clock; approved templates still go through.
   */
  closeWindow(to: string): void;
  close(): Promise<void>;
}

/** Starts the fake on a random port. */
export async function startFakeWhatsAppGraph(options: FakeGraphOptions = {}): Promise<FakeWhatsAppGraph> {
  const accessToken = options.accessToken ?? 'EAAG-fake-access-token';
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const approved = new Set(options.approvedTemplates ?? []);
  const calls: GraphCall[] = [];
  const failures: GraphFailure[] = [];
  const blocked = new Set<string>();
  const windowClosed = new Set<string>();
  const listeners = new Set<() => void>();

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const invalid = (message: string): GraphFailure => ({ status: 400, error: { message: `(#100) ${message}`, type: 'OAuthException', code: 100 } });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '';
    const authorized = req.headers.authorization === `Bearer ${accessToken}`;
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      body = {};
    }
    const call: GraphCall = { path, authorized, body, status: 200 };
    const finish = (status: number, payload: unknown, headers?: Record<string, string>) => {
      call.status = status;
      calls.push(call);
      for (const listener of [...listeners]) listener();
      answer(res, status, payload, headers);
    };
    const fail = (f: GraphFailure) => finish(f.status, { error: { ...f.error, fbtrace_id: 'AbCdEf' } }, f.headers);

    if (req.method !== 'POST' || path !== `/v21.0/${phoneNumberId}/messages`) {
      return fail({ status: 400, error: { message: 'Unsupported post request.', type: 'GraphMethodException', code: 100, error_subcode: 33 } });
    }
    if (!authorized) return fail(GRAPH_ERRORS.tokenExpired);
    if (!String(req.headers['content-type']).startsWith('application/json')) return fail(invalid('content-type must be application/json'));
    if (body.messaging_product !== 'whatsapp') return fail(invalid('The parameter messaging_product is required.'));
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string' || !body.message_id.startsWith('wamid.')) return fail(invalid('Invalid message_id'));
      return finish(200, { success: true });
    }
    const problem = checkMessage(body, approved);
    if (problem) return fail(problem.startsWith('template:') ? { status: 404, error: { message: problem.slice(9), type: 'OAuthException', code: 132001 } } : invalid(problem));
    const failure = failures.shift();
    if (failure) return fail(failure);
    const to = String(body.to);
    if (blocked.has(to)) return fail(GRAPH_ERRORS.blocked);
    if (windowClosed.has(to) && body.type !== 'template') return fail(GRAPH_ERRORS.reEngagement);
    call.wamid = `wamid.${randomBytes(12).toString('base64url')}`;
    finish(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: call.wamid }] });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500, { error: { message: 'fake failed', type: 'Fake', code: 1 } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const messagesTo = (to: string) => calls.filter((c) => c.wamid !== undefined && c.body.to === to);
  return {
    url: `http://127.0.0.1:${port}/v21.0`,
    accessToken,
    phoneNumberId,
    get calls() {
      return calls;
    },
    messagesTo,
    readReceipts: () => calls.filter((c) => c.body.status === 'read' && c.status === 200),
    waitForMessages(to, n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messagesTo(to);
          if (found.length < n) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`expected ${n} messages to ${to}, got ${messagesTo(to).length}`));
        }, timeoutMs);
        if (!check()) listeners.add(check);
      });
    },
    failNext(failure) {
      failures.push(failure);
    },
    block(to) {
      blocked.add(to);
    },
    closeWindow(to) {
      windowClosed.add(to);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const len = (value: unknown) => (typeof value === 'string' ? value.length : -1);

/** What Graph would reject in a message body, or null. Limits from Meta's Cloud API message reference. */
function checkMessage(body: Record<string, unknown>, approved: Set<string>): string | null {
  if (typeof body.to !== 'string' || !/^\+?\d{5,20}$/.test(body.to)) return 'Invalid parameter: to';
  const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  switch (body.type) {
    case 'text': {
      const n = len(obj(body.text).body);
      return n >= 1 && n <= 4096 ? null : 'text.body must be 1-4096 characters';
    }
    case 'image':
      return len(obj(body.image).link) > 0 && len(obj(body.image).caption ?? '') <= 1024 ? null : 'image.link required, caption <= 1024';
    case 'template': {
      const t = obj(body.template);
      const key = `${String(t.name)}/${String(obj(t.language).code)}`;
      return approved.has(key) ? null : `template:Template name does not exist in the translation (${key})`;
    }
    case 'interactive': {
      const i = obj(body.interactive);
      const text = len(obj(i.body).text);
      const action = obj(i.action);
      if (i.type === 'button') {
        if (text < 1 || text > 1024) return 'interactive.body.text must be 1-1024 characters';
        const buttons = Array.isArray(action.buttons) ? (action.buttons as unknown[]).map(obj) : [];
        if (buttons.length < 1 || buttons.length > 3) return 'buttons must be 1-3';
        const titles = buttons.map((b) => obj(b.reply).title);
        const ids = buttons.map((b) => obj(b.reply).id);
        if (buttons.some((b) => b.type !== 'reply')) return 'button type must be reply';
        if (titles.some((t) => len(t) < 1 || len(t) > 20)) return 'button title must be 1-20 characters';
        if (ids.some((id) => len(id) < 1 || len(id) > 256)) return 'button id must be 1-256 characters';
        if (new Set(titles).size !== titles.length || new Set(ids).size !== ids.length) return 'button titles and ids must be unique';
        return null;
      }
      if (i.type === 'list') {
        if (text < 1 || text > 4096) return 'interactive.body.text must be 1-4096 characters';
        if (len(action.button) < 1 || len(action.button) > 20) return 'action.button must be 1-20 characters';
        const sections = Array.isArray(action.sections) ? (action.sections as unknown[]).map(obj) : [];
        if (sections.length < 1 || sections.length > 10) return 'sections must be 1-10';
        if (sections.length > 1 && sections.some((s) => len(s.title) < 1)) return 'section title required with several sections';
        const rows = sections.flatMap((s) => (Array.isArray(s.rows) ? (s.rows as unknown[]).map(obj) : []));
        if (rows.length < 1 || rows.length > 10) return 'rows must be 1-10 in total';
        if (rows.some((r) => len(r.id) < 1 || len(r.id) > 200)) return 'row id must be 1-200 characters';
        if (rows.some((r) => len(r.title) < 1 || len(r.title) > 24)) return 'row title must be 1-24 characters';
        if (rows.some((r) => r.description !== undefined && len(r.description) > 72)) return 'row description must be <= 72 characters';
        if (new Set(rows.map((r) => r.id)).size !== rows.length) return 'row ids must be unique';
        return null;
      }
      return 'unsupported interactive type';
    }
    default:
      return 'unsupported message type';
  }
}
