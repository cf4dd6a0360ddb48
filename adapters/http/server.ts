// The fastify application: health checks, the web chat page and API, and channel webhooks.
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { InboundSink } from '../../core/conversation/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { webchatRoutes } from '../channels/webchat/webchat.routes.js';
import { errorBody, installErrorHandler } from './errors.js';
import { serveStaticPages, type StaticFile } from './static-pages.js';

/** A dependency `/readyz` checks, e.g. the database or Redis. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** What the server is built from. */
export interface ServerOptions {
  logger: Logger;
  deps: CoreDeps;
  brandId: string;
  sink: InboundSink;
  readiness: ReadinessCheck[];
  /** Extra route plugins (channel webhooks), registered in their own scope. */
  plugins?: FastifyPluginAsync[];
  /** Largest accepted request body. */
  bodyLimit?: number;
  /** Behind a reverse proxy: trust its X-Forwarded-For/-Host/-Proto, so per-IP limits and origin checks see the client. */
  trustProxy?: boolean;
}

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
const STATIC: Record<string, StaticFile> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
};

/** Builds the HTTP server (not yet listening). */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  // Typed as fastify's logger so the instance type stays the plain FastifyInstance plugins expect.
  const loggerInstance: FastifyBaseLogger = opts.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // Webhook platforms retry on slow answers; requests that hang are cut rather than piling up.
    requestTimeout: 30_000,
  });
  installErrorHandler(app);

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      opts.readiness.map(async (r) => {
        try {
          await withTimeout(r.check(), 2_000);
          return [r.name, 'ok'] as const;
        } catch {
          return [r.name, 'unavailable'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, s]) => s === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });

  serveStaticPages(app, WEB_DIR, STATIC, "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");

  await app.register(webchatRoutes, { sink: opts.sink, deps: opts.deps, brandId: opts.brandId });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  app.get('/favicon.ico', (_req, reply) => reply.status(404).send(errorBody('NOT_FOUND', 'no favicon')));
  return app;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
