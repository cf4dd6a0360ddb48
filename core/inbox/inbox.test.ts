import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schema } from '../../db/index.js';
import { createTestDb, testDbKinds } from '../../test/helpers/test-db.js';
import { silentLog, systemClock, type CoreDeps } from '../shared/index.js';
import { createInbox, pruneInbox } from './inbox.js';

describe.each(testDbKinds)('inbox on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  beforeEach(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock: systemClock, log: silentLog };
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  const rows = () => handle.db.select().from(schema.inboundEvents);

  it('stores an event once, processes it in the background, and clears its payload', async () => {
    const inbox = createInbox(deps);
    const seen: unknown[] = [];
    inbox.register('line', (p) => {
      seen.push(p);
      return Promise.resolve();
    });
    expect(await inbox.accept({ channel: 'line', eventId: 'e1', chatKey: 'u1', payload: { text: 'hi' } })).toEqual({ duplicate: false });
    expect(await inbox.accept({ channel: 'line', eventId: 'e1', chatKey: 'u1', payload: { text: 'hi' } })).toEqual({ duplicate: true });
    await inbox.drain();
    expect(seen).toEqual([{ text: 'hi' }]);
    expect((await rows()).map((r) => [r.eventId, r.status, r.payload, r.attempts])).toEqual([['e1', 'done', null, 1]]);
    await inbox.stop();
  });

  it('processes the events of one chat in order, one at a time', async () => {
    const inbox = createInbox(deps);
    const log: string[] = [];
    let running = 0;
    inbox.register('line', async (p) => {
      running++;
      expect(running).toBe(1);
      const { n, wait } = p as { n: string; wait: number };
      log.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, wait));
      log.push(`end ${n}`);
      running--;
    });
    await inbox.accept({ channel: 'line', eventId: 'a', chatKey: 'same', payload: { n: 'a', wait: 50 } });
    await inbox.accept({ channel: 'line', eventId: 'b', chatKey: 'same', payload: { n: 'b', wait: 0 } });
    await inbox.drain();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    await inbox.stop();
  });

  it('retries a failing event with back-off, then marks it failed', async () => {
    const inbox = createInbox(deps, { maxAttempts: 3, retryBaseMs: 5 });
    let calls = 0;
    inbox.register('wechat', () => {
      calls++;
      return Promise.reject(new TypeError('platform down'));
    });
    await inbox.accept({ channel: 'wechat', eventId: 'x', chatKey: 'u', payload: {} });
    for (let i = 0; i < 100 && calls < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await inbox.drain();
    const [row] = await rows();
    expect(calls).toBe(3);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, error: 'TypeError' });
    await inbox.stop();
  });

  it('resumes events stored before a restart once the channel registers', async () => {
    const first = createInbox(deps);
    await first.accept({ channel: 'whatsapp', eventId: 'w1', chatKey: 'u', payload: { n: 1 } });
    await first.stop(); // no processor: the event waits
    expect((await rows())[0]?.status).toBe('received');

    const second = createInbox(deps);
    const seen: unknown[] = [];
    second.register('whatsapp', (p) => {
      seen.push(p);
      return Promise.resolve();
    });
    expect(await second.resume()).toBe(1);
    await second.drain();
    expect(seen).toEqual([{ n: 1 }]);
    await second.stop();
  });

  it('processes an event once even when two processes resume it at the same time', async () => {
    const first = createInbox(deps);
    await first.accept({ channel: 'line', eventId: 'both', chatKey: 'u', payload: {} });
    await first.stop();
    const runs: string[] = [];
    const a = createInbox(deps);
    const b = createInbox(deps);
    a.register('line', async () => {
      runs.push('a');
      await new Promise((r) => setTimeout(r, 30));
    });
    b.register('line', async () => {
      runs.push('b');
      await new Promise((r) => setTimeout(r, 30));
    });
    await Promise.all([a.resume(), b.resume()]);
    await Promise.all([a.drain(), b.drain()]);
    expect(runs).toHaveLength(1);
    expect((await rows())[0]?.status).toBe('done');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('prunes processed events older than a date, never unprocessed ones', async () => {
    const inbox = createInbox(deps);
    inbox.register('line', () => Promise.resolve());
    await inbox.accept({ channel: 'line', eventId: 'old', chatKey: 'u', payload: {} });
    await inbox.drain();
    await inbox.stop();
    await handle.db.insert(schema.inboundEvents).values({ channel: 'wechat', eventId: 'waiting', chatKey: 'u', payload: {}, receivedAt: new Date(0) });
    expect(await pruneInbox(deps, new Date(Date.now() + 1000))).toBe(1);
    expect((await rows()).map((r) => r.eventId)).toEqual(['waiting']);
    expect(await handle.db.select().from(schema.inboundEvents).where(eq(schema.inboundEvents.eventId, 'old'))).toEqual([]);
  });
});
