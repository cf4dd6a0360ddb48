// The agent console's HTTP API (adapters/http/console) with the real desk on a real database: sign-in, cookie flags,
// lockout and rate limit, CSRF and origin checks, validation, the desk's refusals as clear 4xx answers, idempotent
// replies, two agents taking at once, and the live event stream. The customer's platform is a recording pusher here
// (the browser test drives the whole app with the fake Telegram server).
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from '../../adapters/http/console/console.test-support.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { createBrand } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const SARA_PW = 'sara-very-secret-1';
const OMAR_PW = 'omar-very-secret-2';

interface Session {
  cookie: string;
  csrf: string;
}

describe.each(testDbKinds)('agent console API on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let h: ConsoleHarness;

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
    h = await startConsoleHarness(deps, { brandId, secureCookies: true, loginRateLimit: { limit: 8, windowMs: 60_000 }, heartbeatMs: 200 });
  });
  afterEach(async () => {
    await h.close();
    await handle.cleanup();
  });

  async function call(method: string, path: string, opts: { session?: Session | null; body?: unknown; csrf?: string | null; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.session) headers.cookie = opts.session.cookie;
    const csrf = opts.csrf === undefined ? opts.session?.csrf : opts.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(h.url + path, { method, headers, ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (the page)
    }
    return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & { error?: { code: string; message: string } } };
  }

  async function signIn(login: string, password: string): Promise<Session> {
    const res = await call('POST', '/api/console/login', { body: { login, password } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie, csrf: (res.body as { csrfToken: string }).csrfToken };
  }

  it('signs in with a secure session cookie, knows who is signed in, and signs out', async () => {
    const saraId = await h.agent('sara', 'Sara', SARA_PW);
    const res = await call('POST', '/api/console/login', { body: { login: 'Sara', password: SARA_PW } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['agent', 'csrfToken']);
    expect(res.body.agent).toEqual({ id: saraId, name: 'Sara' });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^crm_agent=[A-Za-z0-9_-]{43}; /);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Secure', 'Max-Age=43200']) expect(setCookie.split('; ')).toContain(flag);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Only the token's hash is stored.
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    expect(JSON.stringify(await handle.db.select().from(schema.agentSessions))).not.toContain(token);

    const session = { cookie: setCookie.split(';')[0]!, csrf: (res.body as { csrfToken: string }).csrfToken };
    const me = await call('GET', '/api/console/me', { session });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ agent: { id: saraId, name: 'Sara', login: 'sara' }, csrfToken: session.csrf, features: { knowledge: false } });
    expect(me.headers.get('cache-control')).toBe('no-store');

    expect((await call('GET', '/api/console/me')).status).toBe(401);
    expect((await call('GET', '/api/console/me', { session: { cookie: 'crm_agent=forged', csrf: '' } })).status).toBe(401);
    expect((await call('GET', '/api/console/queue')).body.error).toEqual({ code: 'UNAUTHORIZED', message: 'Sign in to the console first.' });

    const out = await call('POST', '/api/console/logout', { session, body: {} });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^crm_agent=; .*Max-Age=0/);
    expect((await call('GET', '/api/console/me', { session })).status).toBe(401);
  });

  it('leaves out Secure when the app is served over plain HTTP', async () => {
    const plain = await startConsoleHarness(deps, { brandId, secureCookies: false });
    try {
      await h.agent('sara', 'Sara', SARA_PW);
      const res = await fetch(`${plain.url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'sara', password: SARA_PW }) });
      expect(res.status).toBe(200);
      const flags = res.headers.get('set-cookie')!.split('; ');
      expect(flags).toContain('HttpOnly');
      expect(flags).toContain('SameSite=Strict');
      expect(flags).not.toContain('Secure');
    } finally {
      await plain.close();
    }
  });

  it('refuses wrong passwords and unknown logins alike, locks after 5 failures, and limits attempts per address', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    const wrong = await call('POST', '/api/console/login', { body: { login: 'sara', password: 'not the password' } });
    const unknown = await call('POST', '/api/console/login', { body: { login: 'nobody', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({ code: 'INVALID_LOGIN', message: 'Wrong login or password.' });
    expect(wrong.headers.get('set-cookie')).toBeNull();

    for (let i = 0; i < 3; i++) expect((await call('POST', '/api/console/login', { body: { login: 'sara', password: `wrong ${i} password` } })).status).toBe(401);
    const fifth = await call('POST', '/api/console/login', { body: { login: 'sara', password: 'wrong again password' } });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error).toMatchObject({ code: 'LOCKED', message: 'Too many failed sign-ins: this account is locked for 15 minutes.' });
    const right = await call('POST', '/api/console/login', { body: { login: 'sara', password: SARA_PW } });
    expect(right.status).toBe(423);
    expect(right.headers.get('set-cookie')).toBeNull();
    const audited = await handle.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.brandId, brandId), eq(schema.auditLog.action, 'agent.locked_out')));
    expect(audited).toHaveLength(1);

    // 7 attempts so far from this address; the limit is 8 per window.
    expect((await call('POST', '/api/console/login', { body: { login: 'omar', password: 'whatever pass' } })).status).toBe(401);
    const limited = await call('POST', '/api/console/login', { body: { login: 'omar', password: 'whatever pass' } });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('does not count successful sign-ins against the address (a team behind one office address)', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    for (let i = 0; i < 9; i++) expect((await call('POST', '/api/console/login', { body: { login: 'sara', password: SARA_PW } })).status).toBe(200);
  });

  it('validates sign-in bodies and refuses cross-site sign-ins', async () => {
    for (const body of [{}, { login: 'sara' }, { login: '', password: 'x' }, { login: 'sara', password: 'x'.repeat(201) }, { login: 'sara', password: 'p', extra: 1 }]) {
      const res = await call('POST', '/api/console/login', { body });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
    }
    expect((await call('POST', '/api/console/login', { body: '{"login":' })).status).toBe(400);
    const form = await fetch(`${h.url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=sara&password=x' });
    expect(form.status).toBe(415);
    const crossSite = await call('POST', '/api/console/login', { body: { login: 'sara', password: SARA_PW }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
  });

  it('requires the CSRF token and the same origin on every change', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    const sara = await signIn('sara', SARA_PW);
    const { handoffId } = await h.customerAsking();
    const noToken = await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, csrf: null, body: {} });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error?.code).toBe('CSRF');
    expect((await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, csrf: 'x'.repeat(43), body: {} })).status).toBe(403);
    expect((await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, body: {}, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, body: {}, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await call('POST', '/api/console/logout', { session: sara, csrf: null, body: {} })).status).toBe(403);
    // Nothing happened.
    expect((await h.desk.queue())[0]).toMatchObject({ status: 'queued', agentId: null });
    const ok = await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, body: {}, headers: { origin: h.url, 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'taken', handoffId });
  });

  it('answers bad input with 400 and a message naming the field', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    const sara = await signIn('sara', SARA_PW);
    const { handoffId } = await h.customerAsking();
    await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, body: {} });
    const reply = (body: unknown) => call('POST', `/api/console/handoffs/${handoffId}/reply`, { session: sara, body });
    const cases: Array<[unknown, RegExp]> = [
      [{ text: '', clientRef: randomUUID() }, /text must not be empty/],
      [{ text: '   ', clientRef: randomUUID() }, /text must not be empty/],
      [{ text: 'x'.repeat(4001), clientRef: randomUUID() }, /text must be at most 4000 characters/],
      [{ text: 'hello' }, /clientRef/],
      [{ text: 'hello', clientRef: 'not-a-uuid' }, /clientRef must be a UUID/],
      [{ text: 42, clientRef: randomUUID() }, /text/],
      [{ text: 'hello', clientRef: randomUUID(), extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await reply(body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.error?.message).toMatch(message);
    }
    expect((await reply({ text: 'x'.repeat(4000), clientRef: randomUUID() })).status).toBe(200);
    expect((await call('POST', `/api/console/handoffs/${handoffId}/note`, { session: sara, body: { text: '' } })).status).toBe(400);
    expect((await call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, body: { agentId: 'someone-else' } })).status).toBe(400);
    expect((await call('GET', '/api/console/handoffs/abc', { session: sara })).status).toBe(400);
    expect((await call('GET', '/api/console/handoffs/0', { session: sara })).status).toBe(400);
    expect((await call('GET', '/api/console/canned?lang=<b>', { session: sara })).status).toBe(400);
    const missing = await call('GET', '/api/console/handoffs/999999', { session: sara });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'NOT_FOUND', message: 'This conversation does not exist.' });
  });

  it('maps the desk’s refusals to clear answers and sends each reply once', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    await h.agent('omar', 'Omar', OMAR_PW);
    const sara = await signIn('sara', SARA_PW);
    const omar = await signIn('omar', OMAR_PW);
    const { handoffId, chatId } = await h.customerAsking({ name: 'Layla' });
    const path = `/api/console/handoffs/${handoffId}`;

    const early = await call('POST', `${path}/reply`, { session: omar, body: { text: 'hi', clientRef: randomUUID() } });
    expect(early.status).toBe(409);
    expect(early.body.error).toEqual({ code: 'NOT_TAKEN', message: 'Take this conversation first; your message was not sent.' });

    expect((await call('POST', `${path}/take`, { session: sara, body: {} })).status).toBe(200);
    const second = await call('POST', `${path}/take`, { session: omar, body: {} });
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({ code: 'TAKEN_BY_OTHER', message: 'Sara has taken this conversation.', agentName: 'Sara' });
    const intruder = await call('POST', `${path}/reply`, { session: omar, body: { text: 'me too', clientRef: randomUUID() } });
    expect(intruder.status).toBe(409);
    expect(intruder.body.error?.message).toBe('Sara has taken this conversation; your message was not sent.');
    expect((await call('POST', `${path}/hand-back`, { session: omar, body: {} })).body.error?.message).toBe('Sara has taken this conversation; only they can hand it back.');

    h.pushed.length = 0;
    clock.advance(1000); // messages are ordered by time; the manual clock stands still otherwise
    const clientRef = randomUUID();
    const first = await call('POST', `${path}/reply`, { session: sara, body: { text: 'Hello from Sara', clientRef } });
    const retry = await call('POST', `${path}/reply`, { session: sara, body: { text: 'Hello from Sara', clientRef } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'sent' });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'duplicate', messageId: (first.body as { messageId: string }).messageId });
    expect(h.pushed).toEqual([{ channel: 'telegram', chatId, reply: { text: 'Hello from Sara', dir: 'ltr' } }]);

    // Another agent may read the conversation (and its notes); the view says who has it.
    const view = await call('GET', path, { session: omar });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ assignedTo: { name: 'Sara' }, view: { handoff: { id: handoffId, status: 'assigned' }, customer: { name: 'Layla' } } });
    const messages = (view.body as { view: { messages: Array<{ author: { type: string; name?: string }; text: string }> } }).view.messages;
    expect(messages.at(-1)).toMatchObject({ author: { type: 'agent', name: 'Sara' }, text: 'Hello from Sara' });

    h.pushResult = { status: 'failed', code: 'BLOCKED_BY_USER' };
    const blocked = await call('POST', `${path}/reply`, { session: sara, body: { text: 'are you there?', clientRef: randomUUID() } });
    expect(blocked.body).toMatchObject({ status: 'undelivered', message: 'Not delivered: delivery failed: BLOCKED_BY_USER.' });
    h.pushResult = { status: 'sent', platformMessageId: 'p2' };

    expect((await call('POST', `${path}/hand-back`, { session: sara, body: {} })).body).toEqual({ status: 'handed_back' });
    h.pushed.length = 0;
    const late = await call('POST', `${path}/reply`, { session: sara, body: { text: 'one more thing', clientRef: randomUUID() } });
    expect(late.status).toBe(409);
    expect(late.body.error).toEqual({ code: 'CLOSED', message: 'This conversation was handed back to the bot; your message was not sent.' });
    expect(h.pushed).toEqual([]);
    expect((await call('POST', `${path}/resolve`, { session: sara, body: {} })).body.error).toEqual({ code: 'CLOSED', message: 'This conversation was already handed back to the bot.' });
    expect((await call('POST', `${path}/take`, { session: omar, body: {} })).status).toBe(409);
  });

  it('of two agents taking at once, exactly one wins', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    await h.agent('omar', 'Omar', OMAR_PW);
    const sara = await signIn('sara', SARA_PW);
    const omar = await signIn('omar', OMAR_PW);
    const { handoffId } = await h.customerAsking();
    const [a, b] = await Promise.all([
      call('POST', `/api/console/handoffs/${handoffId}/take`, { session: sara, body: {} }),
      call('POST', `/api/console/handoffs/${handoffId}/take`, { session: omar, body: {} }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? 'Sara' : 'Omar';
    expect(loser.body.error?.message).toBe(`${winner} has taken this conversation.`);
    // The customer was told once who joined.
    expect(h.pushed.filter((p) => /joined/.test(p.reply.text))).toHaveLength(1);
  });

  it('resolves, keeps notes raw (the page escapes them), lists and fills canned responses', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    const sara = await signIn('sara', SARA_PW);
    await handle.db.insert(schema.cannedResponses).values([
      { brandId, name: 'greeting', language: 'en', text: 'Hello {name}, you have {points} points.' },
      { brandId, name: 'greeting', language: 'ar', text: 'مرحبا {name}' },
    ]);
    const { handoffId } = await h.customerAsking({ name: '<img src=x onerror=alert(1)>' });
    const path = `/api/console/handoffs/${handoffId}`;
    const note = '<script>alert("note")</script>';
    expect((await call('POST', `${path}/note`, { session: sara, body: { text: note } })).body).toMatchObject({ status: 'added' });
    const view = await call('GET', path, { session: sara });
    expect(view.headers.get('content-type')).toMatch(/^application\/json/);
    expect(view.body).toMatchObject({ view: { notes: [{ text: note, agentName: 'Sara' }], customer: { name: '<img src=x onerror=alert(1)>' } } });

    expect((await call('GET', '/api/console/canned?lang=ar', { session: sara })).body).toEqual({ canned: [{ name: 'greeting', text: 'مرحبا {name}' }] });
    expect((await call('GET', `${path}/canned/greeting`, { session: sara })).body).toEqual({ text: 'Hello <img src=x onerror=alert(1)>, you have points.' });
    const unknown = await call('GET', `${path}/canned/nope`, { session: sara });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('UNKNOWN_CANNED');
    expect((await call('GET', `${path}/suggestions?q=opening`, { session: sara })).body).toEqual({ suggestions: [] });

    await call('POST', `${path}/take`, { session: sara, body: {} });
    const resolved = await call('POST', `${path}/resolve`, { session: sara, body: {} });
    expect(resolved.body.status).toBe('resolved');
    expect(typeof resolved.body.ticketId).toBe('number');
  });

  it('streams live events, with heartbeats, until the agent signs out', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    const sara = await signIn('sara', SARA_PW);
    expect((await fetch(`${h.url}/api/console/events`)).status).toBe(401);
    const res = await fetch(`${h.url}/api/console/events`, { headers: { cookie: sara.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const reader = res.body!.getReader();
    let received = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 5_000;
      while (!pattern.test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in ${received}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended without ${String(pattern)}`);
        received += new TextDecoder().decode(value);
      }
    };
    await readUntil(/: connected/);
    const { handoffId } = await h.customerAsking();
    await readUntil(/data: \{"type":"queue"\}/);
    await readUntil(new RegExp(`data: \\{"type":"handoff","handoffId":${handoffId},`));
    await readUntil(/: ping/);

    await call('POST', '/api/console/logout', { session: sara, body: {} });
    const end = await Promise.race([reader.read().then(function drain(r): Promise<boolean> | boolean { return r.done ? true : reader.read().then(drain); }), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
    expect(end).toBe(true);
  });

  it('stops with event streams open', async () => {
    await h.agent('sara', 'Sara', SARA_PW);
    const sara = await signIn('sara', SARA_PW);
    const res = await fetch(`${h.url}/api/console/events`, { headers: { cookie: sara.cookie } });
    expect(res.status).toBe(200);
    const started = Date.now();
    await h.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    await res.body?.cancel().catch(() => undefined);
  });

  it('serves the page with a strict content security policy', async () => {
    const page = await fetch(`${h.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('/console/console.js');
    expect((await fetch(`${h.url}/console/console.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${h.url}/console/console.css`)).status).toBe(200);
  });
});
