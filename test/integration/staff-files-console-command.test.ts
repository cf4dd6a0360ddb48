// The console's command box API (POST /api/console/command) on every supported database: the agent's text reaches the
// staff sink as a 'console' StaffMessage, replies come back with files as /files/ links that work for 10 minutes; CSRF,
// origin, validation and the per-agent rate limit hold as on every console change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from '../../adapters/http/console/console.test-support.js';
import type { Reply, StaffMessage } from '../../core/conversation/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createBrand } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const PW = 'mona-very-secret-1';

describe.each(testDbKinds)('console command box on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let clock: ManualClock;
  let brandId: string;
  let h: ConsoleHarness;
  let seen: StaffMessage[];
  let answer: Reply[];

  beforeEach(async () => {
    handle = await createTestDb(kind);
    clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));
    deps = { db: handle.db, clock, log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
    seen = [];
    answer = [];
    h = await startConsoleHarness(deps, {
      brandId,
      commandRateLimit: { limit: 3, windowMs: 60_000 },
      staffSink: {
        handle: (msg) => {
          seen.push(msg);
          return Promise.resolve(answer);
        },
      },
    });
  });
  afterEach(async () => {
    await h.close();
    await handle.cleanup();
  });

  async function signIn(): Promise<{ cookie: string; csrf: string }> {
    const res = await fetch(`${h.url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'mona', password: PW }) });
    expect(res.status).toBe(200);
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }
  const command = (session: { cookie: string; csrf: string } | null, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${h.url}/api/console/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}), ...headers },
      body: JSON.stringify(body),
    });

  it('hands the command to the staff sink as the agent and returns the replies, files as working links', async () => {
    const agentId = await h.agent('mona', 'Mona', PW);
    const session = await signIn();
    const me = (await (await fetch(`${h.url}/api/console/me`, { headers: { cookie: session.cookie } })).json()) as { features: Record<string, boolean> };
    expect(me.features).toEqual({ knowledge: false, commands: true });

    answer = [
      { text: 'Stats, last 7 days\nNew members: 12', dir: 'ltr', attachment: { fileName: 'stats.png', mimeType: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) } },
      { text: 'إحصاءات', dir: 'rtl' },
    ];
    const res = await command(session, { text: '/stats 7d' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { replies: Array<{ text: string; dir: string; attachment?: { fileName: string; mimeType: string; url: string } }> };
    expect(body.replies).toEqual([
      { text: 'Stats, last 7 days\nNew members: 12', dir: 'ltr', attachment: { fileName: 'stats.png', mimeType: 'image/png', url: expect.stringMatching(/^\/files\/[A-Za-z0-9_-]{43}$/) as unknown as string } },
      { text: 'إحصاءات', dir: 'rtl' },
    ]);
    expect(seen).toEqual([{ channel: 'console', workspaceId: 'console', senderId: agentId, senderName: 'Mona', text: '/stats 7d', platformMessageId: seen[0]?.platformMessageId, timestamp: clock.now() }]);
    expect(seen[0]?.platformMessageId).toMatch(/^[0-9a-f-]{36}$/);

    const file = await fetch(h.url + body.replies[0]!.attachment!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    clock.advance(10 * 60_000 + 1);
    expect((await fetch(h.url + body.replies[0]!.attachment!.url)).status).toBe(404);
  });

  it('needs a session, the CSRF token and the console origin; validates the text; limits commands per agent', async () => {
    await h.agent('mona', 'Mona', PW);
    const session = await signIn();
    expect((await command(null, { text: '/help' })).status).toBe(401);
    expect((await command({ cookie: session.cookie, csrf: 'wrong' }, { text: '/help' })).status).toBe(403);
    expect((await command(session, { text: '/help' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await command(session, { text: '/help' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const empty = await command(session, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toBe('text must not be empty');
    expect((await command(session, { text: '/help', extra: 1 })).status).toBe(400);
    expect(seen).toEqual([]);

    for (let i = 0; i < 3; i++) expect((await command(session, { text: '/help' })).status).toBe(200);
    const limited = await command(session, { text: '/help' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(seen).toHaveLength(3);
  });

  it('says the command box is off when the server has no staff bot', async () => {
    const off = await startConsoleHarness(deps, { brandId });
    try {
      await h.agent('mona', 'Mona', PW);
      const res = await fetch(`${off.url}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'mona', password: PW }) });
      const session = { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
      const answerOff = await fetch(`${off.url}/api/console/command`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf }, body: JSON.stringify({ text: '/help' }) });
      expect(answerOff.status).toBe(503);
      expect(((await answerOff.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    } finally {
      await off.close();
    }
  });
});
