// Entry point: `npm start` runs the app; `npm run seed` loads the demo data and exits.
import { existsSync } from 'node:fs';
import { runAdminCommand } from './adapters/cli/admin.js';
import { runImport } from './adapters/cli/import.js';
import { createLogger, openData, startApp, startWorker } from './app.js';
import { ConfigError, loadConfig, redactConfig, type Config } from './config.js';
import { systemClock } from './core/shared/index.js';

function readConfig(): Config {
  // A .env file in the working directory is optional; real environment variables win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config);
  if (process.argv[2] === 'admin') {
    const { db, deps } = await openData(config, logger, systemClock);
    try {
      process.exitCode = await runAdminCommand(process.argv.slice(3), { ...deps, brandId: config.BRAND_ID }, (line) => process.stdout.write(`${line}\n`));
    } finally {
      await db.close();
    }
    return;
  }
  if (process.argv[2] === 'import') {
    const { db, deps } = await openData(config, logger, systemClock);
    try {
      process.exitCode = await runImport(process.argv.slice(3), { core: deps, brandId: config.BRAND_ID, stderr: process.stderr }, process.stdout);
    } finally {
      await db.close();
    }
    return;
  }
  if (process.argv[2] === 'seed') {
    const { db } = await openData({ ...config, SEED_DEMO_DATA: 'always' }, logger, systemClock);
    await db.close();
    return;
  }
  logger.info({ config: redactConfig(config) }, 'starting');
  let app: { stop(): Promise<void> };
  if (process.argv[2] === 'worker') {
    if (!config.REDIS_URL || !config.DATABASE_URL) {
      process.stderr.write('npm run worker needs DATABASE_URL and REDIS_URL (workers share PostgreSQL with the web process and take its jobs from Redis).\nWithout them, `npm start` runs the jobs in its own process.\n');
      process.exit(1);
    }
    app = await startWorker({ ...config, APP_ROLE: 'worker' }, { logger });
    process.stdout.write(`\n  Loyalty Club worker is running (PostgreSQL + Redis).\n\n`);
  } else {
    const web = await startApp(config, { logger });
    app = web;
    const embedded = config.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite in ${config.DATA_DIR}`;
    const jobs = config.APP_ROLE === 'web' ? ' Background jobs run in `npm run worker`.' : '';
    process.stdout.write(`\n  Loyalty Club bot is running on ${embedded}.${jobs}\n  Open ${web.url}/ to chat with it.\n\n`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
