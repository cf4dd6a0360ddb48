// The WhatsApp Web session's life: start the browser in the background, keep the latest QR for the admin page and the
// terminal, reconnect with capped exponential back-off after a disconnect, and start over with a fresh QR after the
// phone logged the device out. Sends go through the client only while it is ready.
import type { Logger } from 'pino';
import type { Clock } from '../../../core/shared/index.js';
import type { WhatsAppWebClient, WhatsAppWebClientFactory, WwebMessageLike, WwebSentMessage } from './whatsapp-web.client.js';
import { notConnectedError, wwebError } from './whatsapp-web.errors.js';

/** Where the session is. */
export type ConnectionState = 'stopped' | 'starting' | 'qr' | 'ready' | 'reconnecting' | 'logged_out' | 'auth_failure';

/** What the admin page shows. */
export interface ConnectionSnapshot {
  state: ConnectionState;
  /** The QR to scan, while `state` is 'qr'. Secret: it logs in to the shop's WhatsApp. */
  qr?: string;
  /** When the state last changed. */
  since: Date;
  /** Reconnects tried since the session was last ready. */
  reconnectAttempts: number;
  /** When the next reconnect is due, while `state` is 'reconnecting'. */
  nextReconnectAt?: Date;
  /** The last disconnect or failure reason WhatsApp Web gave (a state name such as CONFLICT, never personal data). */
  lastReason?: string;
}

/** setTimeout and clearTimeout, injectable so tests see what was scheduled without waiting. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real timers (unref'd, so a pending reconnect does not keep the process alive). */
export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Reconnect back-off: `baseMs` doubled per attempt, never above `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Default back-off: 5 s, 10 s, 20 s … up to 5 minutes. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, maxMs: 5 * 60_000 };

/** The delay before reconnect attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** What `createConnection` needs. */
export interface ConnectionOptions {
  factory: WhatsAppWebClientFactory;
  /** Every incoming message of the current client (filtering is the caller's). */
  onMessage: (message: WwebMessageLike) => void;
  /** Shows a new QR to whoever runs the app (the terminal). */
  onQr?: (qr: string) => void;
  log: Logger;
  clock: Clock;
  timers?: Timers;
  backoff?: Backoff;
}

/** The running session. */
export interface Connection {
  /** Creates the client and initializes it in the background; returns at once. */
  start(): void;
  /** Cancels any reconnect and closes the browser. */
  stop(): Promise<void>;
  snapshot(): ConnectionSnapshot;
  /** Sends a text; a TEMPORARY ChannelError when not ready, else the library's failure mapped to our codes. */
  send(chatId: string, text: string): Promise<WwebSentMessage>;
}

/** Builds the connection manager (nothing runs until `start`). */
export function createConnection(opts: ConnectionOptions): Connection {
  const log = opts.log.child({ channel: 'whatsapp-web' });
  const timers = opts.timers ?? realTimers;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  let client: WhatsAppWebClient | undefined;
  let generation = 0;
  let stopped = true;
  let reconnectTimer: unknown;
  let snap: ConnectionSnapshot = { state: 'stopped', since: opts.clock.now(), reconnectAttempts: 0 };

  const set = (state: ConnectionState, extra: Partial<ConnectionSnapshot> = {}) => {
    const { lastReason, reconnectAttempts } = snap;
    snap = { state, since: opts.clock.now(), reconnectAttempts, ...(lastReason !== undefined ? { lastReason } : {}), ...extra };
  };

  const dispose = (old: WhatsAppWebClient | undefined) => {
    if (!old) return;
    // The library may already have closed it; a second destroy failing is of no interest.
    old.destroy().catch((err: unknown) => log.debug({ reason: err instanceof Error ? err.name : 'non-error' }, 'whatsapp web client destroy failed'));
  };

  const connect = () => {
    if (stopped) return;
    generation += 1;
    const mine = generation;
    const c = opts.factory();
    client = c;
    // Events of a client we already replaced are ignored: only the current browser session speaks.
    const current = () => !stopped && generation === mine;
    c.on('qr', (qr) => {
      if (!current()) return;
      set('qr', { qr });
      log.info({}, 'whatsapp web waiting for QR scan (admin page or terminal)');
      opts.onQr?.(qr);
    });
    c.on('ready', () => {
      if (!current()) return;
      snap = { state: 'ready', since: opts.clock.now(), reconnectAttempts: 0 };
      log.info({}, 'whatsapp web connected');
    });
    c.on('message', (m) => {
      if (current()) opts.onMessage(m);
    });
    c.on('auth_failure', () => {
      if (!current()) return;
      // whatsapp-web.js restarts without the broken session itself and then shows a QR; we only report it.
      set('auth_failure', { lastReason: 'AUTH_FAILURE' });
      log.warn({}, 'whatsapp web session could not be restored; a new QR scan is needed');
    });
    c.on('disconnected', (reason) => {
      if (!current()) return;
      const why = /^[A-Z_]{1,40}$/.test(reason) ? reason : 'OTHER';
      generation += 1; // this client is finished: ignore anything it still emits
      client = undefined;
      dispose(c);
      if (why === 'LOGOUT') {
        // The phone removed this linked device; the library already deleted the session. Back-off cannot bring it
        // back: start over at once so a new QR appears.
        snap = { state: 'logged_out', since: opts.clock.now(), reconnectAttempts: 0, lastReason: why };
        log.warn({}, 'whatsapp web logged out from the phone; showing a new QR');
        reconnectTimer = timers.setTimeout(connect, 0);
        return;
      }
      snap = { ...snap, lastReason: why };
      scheduleReconnect(`disconnected: ${why}`);
    });
    set('starting');
    c.initialize().catch((err: unknown) => {
      if (!current()) return;
      generation += 1;
      client = undefined;
      dispose(c);
      snap = { ...snap, lastReason: 'INITIALIZE_FAILED' };
      scheduleReconnect(`initialize failed: ${err instanceof Error ? err.name : 'non-error'}`);
    });
  };

  const scheduleReconnect = (why: string) => {
    if (stopped) return;
    const attempt = snap.reconnectAttempts + 1;
    const delay = backoffDelay(attempt, backoff);
    set('reconnecting', { reconnectAttempts: attempt, nextReconnectAt: new Date(opts.clock.now().getTime() + delay) });
    log.warn({ attempt, delayMs: delay, reason: why }, 'whatsapp web reconnect scheduled');
    reconnectTimer = timers.setTimeout(connect, delay);
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      connect();
    },
    async stop() {
      stopped = true;
      generation += 1;
      if (reconnectTimer !== undefined) timers.clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      const c = client;
      client = undefined;
      snap = { state: 'stopped', since: opts.clock.now(), reconnectAttempts: 0 };
      await c?.destroy().catch((err: unknown) => log.warn({ reason: err instanceof Error ? err.name : 'non-error' }, 'whatsapp web client destroy failed'));
    },
    snapshot: () => ({ ...snap }),
    async send(chatId, text) {
      const c = client;
      if (!c || snap.state !== 'ready') throw notConnectedError(snap.state);
      try {
        return await c.sendMessage(chatId, text);
      } catch (err) {
        throw wwebError(err);
      }
    },
  };
}
