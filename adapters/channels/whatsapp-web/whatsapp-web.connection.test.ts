import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/shared/index.js';
import { ChannelError } from '../channel-error.js';
import { backoffDelay, createConnection } from './whatsapp-web.connection.js';
import { fakeFactory, ManualTimers } from './whatsapp-web.test-support.js';
import { silentLogger } from '../whatsapp/whatsapp.test-support.js';

const setup = () => {
  const fake = fakeFactory();
  const timers = new ManualTimers();
  const qrs: string[] = [];
  const conn = createConnection({ factory: fake.factory, onMessage: () => undefined, onQr: (qr) => qrs.push(qr), log: silentLogger, clock: new ManualClock(new Date('2025-01-01T00:00:00Z')), timers });
  return { fake, timers, qrs, conn };
};

describe('WhatsApp Web connection', () => {
  it('caps the exponential back-off at 5 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('keeps the latest QR until ready, and refuses sends while not ready', async () => {
    const { fake, qrs, conn } = setup();
    conn.start();
    expect(conn.snapshot().state).toBe('starting');
    await expect(conn.send('971501234567@c.us', 'hi')).rejects.toMatchObject({ code: 'TEMPORARY' });
    fake.current().emit('qr', '2@first');
    fake.current().emit('qr', '2@second');
    expect(conn.snapshot()).toMatchObject({ state: 'qr', qr: '2@second' });
    expect(qrs).toEqual(['2@first', '2@second']);
    fake.current().emit('ready');
    expect(conn.snapshot().state).toBe('ready');
    expect(conn.snapshot().qr).toBeUndefined();
    expect((await conn.send('971501234567@c.us', 'hi')).id._serialized).toMatch(/^true_/);
  });

  it('reconnects after a disconnect with growing delays, with a fresh client each time, and resets once ready', () => {
    const { fake, timers, conn } = setup();
    conn.start();
    fake.current().emit('ready');
    fake.current().emit('disconnected', 'CONFLICT');
    expect(fake.clients[0]!.destroyed).toBe(true);
    expect(conn.snapshot()).toMatchObject({ state: 'reconnecting', reconnectAttempts: 1, lastReason: 'CONFLICT' });
    expect(timers.pending()).toEqual([5_000]);
    timers.runAll();
    expect(fake.clients).toHaveLength(2);
    expect(fake.current().initialized).toBe(true);
    fake.current().emit('disconnected', 'TIMEOUT');
    expect(timers.pending()).toEqual([10_000]);
    // A late event from a replaced client changes nothing.
    fake.clients[0]!.emit('ready');
    expect(conn.snapshot().state).toBe('reconnecting');
    timers.runAll();
    fake.current().emit('ready');
    fake.current().emit('disconnected', 'NAVIGATION');
    expect(timers.pending()).toEqual([5_000]);
  });

  it('retries when the browser does not start', async () => {
    const fake = fakeFactory();
    const timers = new ManualTimers();
    const conn = createConnection({
      factory: () => {
        const c = fake.factory();
        c.initializeError = new Error('Failed to launch the browser process!');
        return c;
      },
      onMessage: () => undefined,
      log: silentLogger,
      clock: new ManualClock(new Date()),
      timers,
    });
    conn.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(conn.snapshot()).toMatchObject({ state: 'reconnecting', lastReason: 'INITIALIZE_FAILED' });
    expect(timers.pending()).toEqual([5_000]);
  });

  it('after LOGOUT starts over at once (no back-off) for a new QR, and stop cancels everything', async () => {
    const { fake, timers, conn } = setup();
    conn.start();
    fake.current().emit('ready');
    fake.current().emit('disconnected', 'LOGOUT');
    expect(conn.snapshot()).toMatchObject({ state: 'logged_out', reconnectAttempts: 0 });
    expect(timers.pending()).toEqual([0]);
    timers.runAll();
    fake.current().emit('qr', '2@new');
    expect(conn.snapshot()).toMatchObject({ state: 'qr', qr: '2@new' });
    fake.current().emit('disconnected', 'UNPAIRED');
    await conn.stop();
    expect(timers.pending()).toEqual([]);
    expect(conn.snapshot().state).toBe('stopped');
  });

  it('maps send failures to channel codes', async () => {
    const { fake, conn } = setup();
    conn.start();
    fake.current().emit('ready');
    fake.current().failNext.push(new Error('Protocol error (Runtime.callFunctionOn): Session closed.'), new Error('Evaluation failed: Error: wid error: invalid wid'));
    const first = await conn.send('x@c.us', 'a').catch((e: unknown) => e);
    const second = await conn.send('x@c.us', 'b').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ChannelError);
    expect((first as ChannelError).code).toBe('TEMPORARY');
    expect((second as ChannelError).code).toBe('INVALID_RECIPIENT');
    expect((second as ChannelError).message).not.toContain('x@c.us');
  });
});
