// The agent console: the page at /console and its JSON API under /api/console. Every conversation action goes through
// the agents' desk (bots/agent), so the console and the team chat follow the same rules.
//
// Security: a sign-in sets an httpOnly, SameSite=Strict session cookie (Secure over HTTPS) holding a random token the
// database knows only as a hash; every state-changing request must also carry the session's CSRF token in
// `x-csrf-token` and, when the browser says where it comes from (Origin, Sec-Fetch-Site), come from this origin. API
// answers are never cached. Sign-in attempts are limited per client IP on top of the per-account lockout.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { undeliveredText, type AgentDesk } from '../../../bots/agent/index.js';
import { createSession, findAgentById, hashSessionToken, preparePasswordCheck, revokeSession, sessionAgent, verifyLogin, type AgentSession } from '../../../core/agents/index.js';
import type { StaffSink } from '../../../core/conversation/index.js';
import { createStaffFile } from '../../../core/reports/index.js';
import { hitRateLimit, releaseRateLimit, type CoreDeps } from '../../../core/shared/index.js';
import { errorBody } from '../errors.js';
import { readCookie, sessionCookie, SESSION_COOKIE } from './cookies.js';
import { EventStreams, serveEventStream } from './events.js';
import { refusalError, type ConsoleError } from './outcomes.js';
import { serveStaticPages, type StaticFile } from '../static-pages.js';
import { STAFF_FILES_PATH } from '../staff-files.js';

/** What the console is built from. */
export interface ConsoleOptions {
  deps: CoreDeps;
  brandId: string;
  desk: AgentDesk;
  /** Marks the session cookie Secure: true whenever the app is reached over HTTPS (every deployment but local). */
  secureCookies: boolean;
  /** Whether the brand has a knowledge base (the reply box then offers suggestions). */
  knowledgeEnabled?: boolean;
  /** How long a sign-in lasts (default 12 hours: one shift). */
  sessionTtlMs?: number;
  /** Failed sign-in attempts per client IP and window (default 20 per 10 minutes; successful ones are not counted). */
  loginRateLimit?: { limit: number; windowMs: number };
  /** Interval of the event stream's keep-alive comment (default 15 s). */
  heartbeatMs?: number;
  /**
   * The staff bot, for the command box (`POST /api/console/command`): the signed-in agent types staff commands as in
   * the team chat. Without it the command box is off (503). Files in its replies are served by the staff-files route
   * (`GET /files/:token`, adapters/http/staff-files.ts), which must be registered on the same server.
   */
  staffSink?: StaffSink;
  /** Commands per agent and window (default 30 a minute). */
  commandRateLimit?: { limit: number; windowMs: number };
}

/** Defaults of the optional settings. */
export const CONSOLE_DEFAULTS = {
  sessionTtlMs: 12 * 60 * 60_000,
  loginRateLimit: { limit: 20, windowMs: 10 * 60_000 },
  heartbeatMs: 15_000,
  commandRateLimit: { limit: 30, windowMs: 60_000 },
} as const;

/** How long the link to a file in a command's reply works: long enough to look at it, short enough not to linger. */
export const COMMAND_FILE_TTL_MINUTES = 10;

const WEB_DIR = fileURLToPath(new URL('../../../web/console/', import.meta.url));
const STATIC: Record<string, StaticFile> = {
  '/console': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
const PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";
// An agent with many tabs is fine; thousands of streams from one stolen cookie are not.
const MAX_STREAMS_PER_SESSION = 20;

const loginBody = z.object({ login: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict();
const replyBody = z
  .object({
    text: z
      .string()
      .max(4000, 'must be at most 4000 characters')
      .refine((s) => s.trim().length > 0, 'must not be empty'),
    clientRef: z.uuid('must be a UUID (the page makes one per message, so a retry is sent once)'),
  })
  .strict();
const noteBody = z
  .object({
    text: z
      .string()
      .max(4000, 'must be at most 4000 characters')
      .refine((s) => s.trim().length > 0, 'must not be empty'),
  })
  .strict();
const commandBody = z
  .object({
    text: z
      .string()
      .max(4000, 'must be at most 4000 characters')
      .refine((s) => s.trim().length > 0, 'must not be empty'),
  })
  .strict();
const emptyBody = z.union([z.undefined(), z.null(), z.object({}).strict()]);
const handoffParams = z.object({ id: z.string().regex(/^[1-9]\d{0,14}$/, 'must be a conversation number') });
const cannedParams = handoffParams.extend({ name: z.string().min(1).max(64) });
const suggestionsQuery = z.object({ q: z.string().max(500).optional() });
const cannedQuery = z.object({ lang: z.string().regex(/^[a-z]{2,3}$/, 'must be a language code such as en, ar, zh').optional() });

/** The fastify plugin serving the agent console: `GET /console` and the API under `/api/console`. */
export function consolePlugin(opts: ConsoleOptions): FastifyPluginAsync {
  const ttlMs = opts.sessionTtlMs ?? CONSOLE_DEFAULTS.sessionTtlMs;
  const loginLimit = opts.loginRateLimit ?? CONSOLE_DEFAULTS.loginRateLimit;
  const heartbeatMs = opts.heartbeatMs ?? CONSOLE_DEFAULTS.heartbeatMs;
  const commandLimit = opts.commandRateLimit ?? CONSOLE_DEFAULTS.commandRateLimit;
  const { deps, brandId, desk } = opts;
  const streams = new EventStreams();
  // Who sent a request, once `authenticate` found a session (kept off the request type: no global augmentation).
  const sessions = new WeakMap<FastifyRequest, { session: AgentSession; token: string }>();

  const signedIn = async (token: string | null): Promise<AgentSession | null> => {
    if (!token) return null;
    const session = await sessionAgent(deps, token);
    return session && session.agent.brandId === brandId ? session : null;
  };

  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = await signedIn(token);
    if (!session || !token) return reply.status(401).send(errorBody('UNAUTHORIZED', 'Sign in to the console first.'));
    sessions.set(req, { session, token });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = originProblem(req);
      if (origin) return reply.status(403).send(errorBody('FORBIDDEN', origin));
      if (!sameSecret(req.headers['x-csrf-token'], session.csrfToken)) {
        return reply.status(403).send(errorBody('CSRF', 'This request is missing the console’s security token; reload the page.'));
      }
    }
  };
  const current = (req: FastifyRequest) => {
    const found = sessions.get(req);
    if (!found) throw new Error('console route without authentication');
    return found;
  };

  return async (app) => {
    await preparePasswordCheck();
    app.addHook('onSend', async (req, reply, payload) => {
      if (req.url.startsWith('/api/console')) {
        reply.header('cache-control', 'no-store');
        reply.header('x-content-type-options', 'nosniff');
      }
      return payload;
    });
    // Open event streams would keep `close()` waiting forever.
    app.addHook('preClose', (done) => {
      streams.closeAll();
      done();
    });

    serveStaticPages(app, WEB_DIR, STATIC, PAGE_CSP);

    app.post('/api/console/login', { bodyLimit: 4 * 1024 }, async (req, reply) => {
      // No session yet, so no CSRF token: the origin check and the JSON content type (a cross-site form cannot send
      // it without a preflight) keep other sites from signing an agent in to an account of theirs.
      const origin = originProblem(req);
      if (origin) return reply.status(403).send(errorBody('FORBIDDEN', origin));
      const parsed = loginBody.safeParse(req.body);
      if (!parsed.success) return reply.status(400).send(errorBody('BAD_REQUEST', issues(parsed.error, 'login and password are required')));
      // Counted up front (parallel guesses cannot slip past), refunded on success: a whole team signing in from one
      // office address at the start of a shift is never limited, a guesser is.
      const limitKey = `console-login:${brandId}:${req.ip}`;
      const limited = await hitRateLimit(deps, { key: limitKey, limit: loginLimit.limit, windowMs: loginLimit.windowMs });
      if (!limited.allowed) {
        const retryAfter = Math.max(1, Math.ceil((limited.resetAt.getTime() - deps.clock.now().getTime()) / 1000));
        return reply.status(429).header('retry-after', String(retryAfter)).send(errorBody('RATE_LIMITED', 'Too many sign-in attempts from here; wait a few minutes and try again.'));
      }
      const result = await verifyLogin(deps, { brandId, login: parsed.data.login, password: parsed.data.password });
      switch (result.status) {
        case 'invalid':
          return reply.status(401).send(errorBody('INVALID_LOGIN', 'Wrong login or password.'));
        case 'locked':
          return reply
            .status(423)
            .send({ error: { code: 'LOCKED', message: 'Too many failed sign-ins: this account is locked for 15 minutes.', until: result.until.toISOString() } });
        case 'ok': {
          await releaseRateLimit(deps, { key: limitKey, hit: limited });
          // A sign-in replaces whatever session this browser had.
          const previous = readCookie(req.headers.cookie, SESSION_COOKIE);
          if (previous) await revokeSession(deps, previous);
          const session = await createSession(deps, { agentId: result.agent.id, ttlMs });
          reply.header('set-cookie', sessionCookie(session.token, { maxAgeMs: ttlMs, secure: opts.secureCookies }));
          return { agent: { id: result.agent.id, name: result.agent.name }, csrfToken: session.csrfToken };
        }
      }
    });

    await app.register((api: FastifyInstance, _opts, done) => {
      api.addHook('onRequest', authenticate);

      api.post('/api/console/logout', async (req, reply) => {
        const { token } = current(req);
        await revokeSession(deps, token);
        streams.closeSession(hashSessionToken(token));
        reply.header('set-cookie', sessionCookie('', { maxAgeMs: 0, secure: opts.secureCookies }));
        return { status: 'signed_out' };
      });

      api.get('/api/console/me', (req) => {
        const { session } = current(req);
        const a = session.agent;
        return {
          agent: { id: a.id, name: a.name, login: a.login, languages: a.languages, onDuty: a.onDuty, maxConversations: a.maxConversations, isPersonalShopper: a.isPersonalShopper },
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
          features: { knowledge: opts.knowledgeEnabled === true, commands: opts.staffSink !== undefined },
        };
      });

      api.get('/api/console/queue', async () => ({ items: await desk.queue(), now: deps.clock.now().toISOString() }));

      api.get('/api/console/handoffs/:id', async (req, reply) => {
        const id = handoffId(req, reply);
        if (id === null) return reply;
        const result = await desk.conversation({ agentId: current(req).session.agent.id, handoffId: id });
        if (result.status !== 'ok') return sendError(reply, refusalError(result, 'view'));
        const holder = result.view.handoff.agentId ? await findAgentById(deps, { brandId, id: result.view.handoff.agentId }) : null;
        return { view: result.view, assignedTo: holder ? { id: holder.id, name: holder.name } : null, now: deps.clock.now().toISOString() };
      });

      api.post('/api/console/handoffs/:id/take', async (req, reply) => {
        const id = actionInput(req, reply, emptyBody);
        if (!id) return reply;
        const result = await desk.take({ agentId: current(req).session.agent.id, handoffId: id.handoffId });
        if (result.status !== 'taken') return sendError(reply, refusalError(result, 'take'));
        return { status: 'taken', handoffId: result.handoff.id };
      });

      api.post('/api/console/handoffs/:id/reply', { bodyLimit: 64 * 1024 }, async (req, reply) => {
        const input = actionInput(req, reply, replyBody);
        if (!input) return reply;
        const { text, clientRef } = input.body;
        const result = await desk.reply({ agentId: current(req).session.agent.id, handoffId: input.handoffId, text, clientRef });
        switch (result.status) {
          case 'sent':
            return { status: 'sent', messageId: result.messageId };
          case 'duplicate':
            return { status: 'duplicate', messageId: result.messageId, message: 'This message was already sent; it was not sent again.' };
          case 'undelivered':
            return { status: 'undelivered', messageId: result.messageId, message: `Not delivered: ${undeliveredText(result.push)}.` };
          default:
            return sendError(reply, refusalError(result, 'reply'));
        }
      });

      api.post('/api/console/handoffs/:id/note', { bodyLimit: 64 * 1024 }, async (req, reply) => {
        const input = actionInput(req, reply, noteBody);
        if (!input) return reply;
        const result = await desk.note({ agentId: current(req).session.agent.id, handoffId: input.handoffId, text: input.body.text });
        if (result.status !== 'added') return sendError(reply, refusalError(result, 'note'));
        return { status: 'added', noteId: result.noteId };
      });

      api.post('/api/console/handoffs/:id/hand-back', async (req, reply) => {
        const input = actionInput(req, reply, emptyBody);
        if (!input) return reply;
        const result = await desk.handBack({ agentId: current(req).session.agent.id, handoffId: input.handoffId });
        if (result.status !== 'handed_back') return sendError(reply, refusalError(result, 'hand_back'));
        return { status: 'handed_back' };
      });

      api.post('/api/console/handoffs/:id/resolve', async (req, reply) => {
        const input = actionInput(req, reply, emptyBody);
        if (!input) return reply;
        const result = await desk.resolve({ agentId: current(req).session.agent.id, handoffId: input.handoffId });
        if (result.status !== 'resolved') return sendError(reply, refusalError(result, 'resolve'));
        return { status: 'resolved', ticketId: result.ticketId };
      });

      api.get('/api/console/handoffs/:id/suggestions', async (req, reply) => {
        const id = handoffId(req, reply);
        if (id === null) return reply;
        const q = suggestionsQuery.safeParse(req.query);
        if (!q.success) return reply.status(400).send(errorBody('BAD_REQUEST', issues(q.error, 'q is invalid')));
        if (!opts.knowledgeEnabled) return { suggestions: [] };
        const suggestions = await desk.suggestions({ agentId: current(req).session.agent.id, handoffId: id, ...(q.data.q?.trim() ? { query: q.data.q } : {}) });
        return { suggestions };
      });

      api.get('/api/console/handoffs/:id/canned/:name', async (req, reply) => {
        const p = cannedParams.safeParse(req.params);
        if (!p.success) return reply.status(400).send(errorBody('BAD_REQUEST', issues(p.error, 'invalid canned response')));
        const result = await desk.canned({ agentId: current(req).session.agent.id, handoffId: Number(p.data.id), name: p.data.name });
        if (result.status !== 'ok') return sendError(reply, refusalError(result, 'canned'));
        return { text: result.text };
      });

      api.get('/api/console/canned', async (req, reply) => {
        const q = cannedQuery.safeParse(req.query);
        if (!q.success) return reply.status(400).send(errorBody('BAD_REQUEST', issues(q.error, 'lang is invalid')));
        return { canned: await desk.cannedList(q.data.lang ?? null) };
      });

      // The command box: staff commands typed in the console go to the staff bot as a message of the 'console'
      // workspace from this agent, and its replies come back in the answer (files as short-lived same-origin links).
      api.post('/api/console/command', { bodyLimit: 16 * 1024 }, async (req, reply) => {
        const parsed = commandBody.safeParse(req.body);
        if (!parsed.success) return reply.status(400).send(errorBody('BAD_REQUEST', issues(parsed.error, 'text is required')));
        const staffSink = opts.staffSink;
        if (!staffSink) return reply.status(503).send(errorBody('UNAVAILABLE', 'The command box is not connected on this server.'));
        const agent = current(req).session.agent;
        const limited = await hitRateLimit(deps, { key: `console-command:${brandId}:${agent.id}`, limit: commandLimit.limit, windowMs: commandLimit.windowMs });
        if (!limited.allowed) {
          const retryAfter = Math.max(1, Math.ceil((limited.resetAt.getTime() - deps.clock.now().getTime()) / 1000));
          return reply.status(429).header('retry-after', String(retryAfter)).send(errorBody('RATE_LIMITED', 'Too many commands in a short time; wait a moment and try again.'));
        }
        const replies = await staffSink.handle({
          channel: 'console',
          workspaceId: 'console',
          senderId: agent.id,
          senderName: agent.name,
          text: parsed.data.text,
          platformMessageId: randomUUID(),
          timestamp: deps.clock.now(),
        });
        const out = [];
        for (const r of replies) {
          let attachment: { fileName: string; mimeType: string; url: string } | undefined;
          if (r.attachment) {
            // No staffId: the console's person is an agent (agents.id), not a staff_members row.
            const { token } = await createStaffFile(deps, { brandId, fileName: r.attachment.fileName, mimeType: r.attachment.mimeType, data: r.attachment.data, ttlMinutes: COMMAND_FILE_TTL_MINUTES });
            attachment = { fileName: r.attachment.fileName, mimeType: r.attachment.mimeType, url: `${STAFF_FILES_PATH}/${token}` };
          }
          out.push({ text: r.text, dir: r.dir, ...(attachment ? { attachment } : {}) });
        }
        return { replies: out };
      });

      api.get('/api/console/events', async (req, reply) => {
        const { token } = current(req);
        const key = hashSessionToken(token);
        if (streams.count(key) >= MAX_STREAMS_PER_SESSION) return reply.status(429).send(errorBody('RATE_LIMITED', 'Too many console tabs are open; close some.'));
        serveEventStream(req, reply, { desk, streams, sessionKey: key, heartbeatMs, stillSignedIn: async () => (await signedIn(token)) !== null });
        return reply;
      });
      done();
    });
  };
}

/** The `:id` of a handoff route, or null after answering 400. */
function handoffId(req: FastifyRequest, reply: FastifyReply): number | null {
  const p = handoffParams.safeParse(req.params);
  if (!p.success) {
    void reply.status(400).send(errorBody('BAD_REQUEST', issues(p.error, 'invalid conversation number')));
    return null;
  }
  return Number(p.data.id);
}

/** The handoff id and the validated body of an action, or null after answering 400. */
function actionInput<T>(req: FastifyRequest, reply: FastifyReply, schema: z.ZodType<T>): { handoffId: number; body: T } | null {
  const id = handoffId(req, reply);
  if (id === null) return null;
  const body = schema.safeParse(req.body);
  if (!body.success) {
    void reply.status(400).send(errorBody('BAD_REQUEST', issues(body.error, 'the request body is invalid')));
    return null;
  }
  return { handoffId: id, body: body.data };
}

function sendError(reply: FastifyReply, e: ConsoleError): FastifyReply {
  return reply.status(e.status).send({ error: e.error });
}

/** "text must not be empty; clientRef must be a UUID…", naming each field. */
function issues(error: z.ZodError, fallback: string): string {
  const list = error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')} ${i.message}` : i.message));
  return list.length > 0 ? list.join('; ') : fallback;
}

/** Constant-time comparison of the CSRF header with the session's token. */
function sameSecret(header: string | string[] | undefined, expected: string): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a state-changing request is not same-origin, or null. Browsers send `Origin` on every cross-site POST and
 * `Sec-Fetch-Site`; clients that send neither (curl, tests) still need the CSRF token.
 */
function originProblem(req: FastifyRequest): string | null {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return 'Requests to the console must come from the console page.';
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return 'The Origin header is not a URL.';
    }
    if (host !== req.host) return 'Requests to the console must come from the console page.';
  } else if (origin === 'null') {
    return 'Requests to the console must come from the console page.';
  }
  return null;
}

