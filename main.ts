// Entry point: `npm start` runs the app; `npm run seed` loads the demo data and exits.
import { existsSync } from 'node:fs';
import { runAdminCommand } from './adapters/cli/admin.js';
import { runImport } from './adapters/cli/import.js';
import { createLogger, openData, startApp } from './app.js';
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
  const app = await startApp(config, { logger });
  const embedded = config.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite in ${config.DATA_DIR}`;
  process.stdout.write(`\n  Loyalty Club bot is running on ${embedded}.\n  Open ${app.url}/ to chat with it.\n\n`);

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
