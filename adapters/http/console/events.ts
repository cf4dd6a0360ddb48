// Live updates for the console as server-sent events: each desk event is one `data:` line of JSON ("something changed,
// reload that part"), a comment every ~15 s keeps proxies from closing the stream and rechecks the session, and a
// stream ends when the browser goes away, the agent signs out, the session expires or the server stops.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDesk, DeskEvent } from '../../../bots/agent/index.js';

// A client that stops reading gets cut off rather than buffering without end.
const MAX_BUFFERED_BYTES = 256 * 1024;

/** The open streams, so sign-out and shutdown can end them. */
export class EventStreams {
  private readonly streams = new Map<string, Set<() => void>>();

  /** Registers a stream's closer under its session key. */
  add(sessionKey: string, close: () => void): void {
    let set = this.streams.get(sessionKey);
    if (!set) this.streams.set(sessionKey, (set = new Set()));
    set.add(close);
  }

  /** Forgets a closed stream. */
  remove(sessionKey: string, close: () => void): void {
    const set = this.streams.get(sessionKey);
    set?.delete(close);
    if (set?.size === 0) this.streams.delete(sessionKey);
  }

  /** How many streams a session has open. */
  count(sessionKey: string): number {
    return this.streams.get(sessionKey)?.size ?? 0;
  }

  /** Ends the streams of one session (sign-out). */
  closeSession(sessionKey: string): void {
    for (const close of [...(this.streams.get(sessionKey) ?? [])]) close();
  }

  /** Ends every stream (the server is stopping: open streams would hold `close()` forever). */
  closeAll(): void {
    for (const key of [...this.streams.keys()]) this.closeSession(key);
  }
}

/** Serves one event stream until it ends. `stillSignedIn` is asked at each heartbeat. */
export function serveEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { desk: AgentDesk; streams: EventStreams; sessionKey: string; heartbeatMs: number; stillSignedIn: () => Promise<boolean> },
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx and similar proxies buffer responses unless told not to; events must arrive at once.
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  let closed = false;
  const write = (chunk: string) => {
    if (closed || res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return close();
    res.write(chunk);
  };
  // The browser reconnects after 3 s on its own when the stream drops.
  write('retry: 3000\n: connected\n\n');
  const unsubscribe = opts.desk.subscribe((event: DeskEvent) => {
    // The desk emits synchronously from its own code: a failure here must never reach it.
    try {
      write(`data: ${JSON.stringify(event)}\n\n`);
    } catch (err) {
      req.log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'console event not written');
    }
  });
  const heartbeat = setInterval(() => {
    opts.stillSignedIn().then(
      (ok) => (ok ? write(': ping\n\n') : close()),
      () => write(': ping\n\n'),
    );
  }, opts.heartbeatMs);
  heartbeat.unref();
  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    opts.streams.remove(opts.sessionKey, close);
    if (!res.writableEnded) res.end();
  }
  opts.streams.add(opts.sessionKey, close);
  req.raw.on('close', close);
  res.on('error', close);
}
