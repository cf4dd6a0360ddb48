// The app under load, in its own process so the load generator does not share its event loop or core:
// `node --import tsx bench/helpers/app-server.ts DATABASE_URL BRAND_ID`. Prints one JSON line with the URL and
// how the POS API is mounted, then serves until SIGTERM.
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { posApiPlugin } from '../../adapters/http/pos/index.js';
import { buildServer } from '../../adapters/http/server.js';
import { startApp, type RunningApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import type { InboundSink } from '../../core/conversation/index.js';
import { systemClock } from '../../core/shared/index.js';

const [databaseUrl, brandId] = process.argv.slice(2);
if (!databaseUrl || !brandId) {
  process.stderr.write('usage: app-server.ts DATABASE_URL BRAND_ID\n');
  process.exit(2);
}

const config = loadConfig({ DATABASE_URL: databaseUrl, BRAND_ID: brandId, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO_DATA: 'never' });
const app: RunningApp = await startApp(config, { logger: pino({ level: 'silent' }) });
// The POS API is written as a plugin the composition root mounts; report plainly whether this app has it.
const mounted = app.server.hasRoute({ method: 'POST', url: '/api/v1/transactions' });
let preview: FastifyInstance | undefined;
let url = app.url;
if (!mounted) {
  // Not mounted yet: serve the same plugin on the app's own server builder, database and pool, and say so. The
  // rate limit is lifted because the load comes from one client; the numbers are a preview of the real wiring.
  const logger = pino({ level: 'silent' });
  const deps = { db: app.db.db, clock: systemClock, log: logger };
  const noChat: InboundSink = {
    handle: () => Promise.reject(new Error('chat is not served by the bench preview')),
    recordDelivery: () => Promise.resolve(),
  };
  preview = await buildServer({ logger, deps, brandId, sink: noChat, readiness: [], plugins: [posApiPlugin({ deps, brandId, rateLimit: { max: 100_000_000 } })] });
  url = (await preview.listen({ host: '127.0.0.1', port: 0 })).replace('[::1]', 'localhost');
}
process.stdout.write(`${JSON.stringify({ url, posApi: mounted ? 'app' : 'preview' })}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  Promise.resolve(preview?.close())
    .then(() => app.stop())
    .then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
