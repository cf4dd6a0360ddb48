// Runs the real application in-process (the same startApp as `npm start`) against a fresh database.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type RunningApp, type StartOptions } from '../../app.js';
import { loadConfig, type Config } from '../../config.js';
import type { Reply } from '../../core/conversation/index.js';
import { createTestDb } from './test-db.js';

/** A running app plus what a test needs to talk to it and restart it. */
export interface TestApp {
  app: RunningApp;
  config: Config;
  /** Stops and starts the app on the same database (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the app on a fresh PGlite folder or PostgreSQL database. */
export async function startTestApp(kind: 'pglite' | 'postgres', env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-test-'));
  const pgDb = kind === 'postgres' ? await createTestDb('postgres') : undefined;
  if (pgDb) await pgDb.close(); // only its URL is needed; the app opens its own pool
  const appEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: 'always',
    ...(pgDb?.url ? { DATABASE_URL: pgDb.url } : {}),
    ...env,
  };
  const config = loadConfig(appEnv);
  // Channels read their own variables from the same environment (never the test process's own).
  const opts: StartOptions = { logger: pino({ level: 'silent' }), env: appEnv, ...options };
  const handle: TestApp = {
    app: await startApp(config, opts),
    config,
    async restart() {
      await handle.app.stop();
      handle.app = await startApp(config, opts);
    },
    async close() {
      await handle.app.stop();
      if (pgDb) await pgDb.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** A web chat client for one browser session. */
export class WebChatClient {
  constructor(
    private readonly app: () => RunningApp,
    readonly sessionId: string = randomUUID(),
  ) {}

  /** Sends one message (text, or a button payload) and returns the bot's replies. */
  async send(input: { text?: string; payload?: string; contact?: string; messageId?: string }): Promise<Reply[]> {
    const res = await this.post(input);
    if (res.status !== 200) throw new Error(`web chat answered ${res.status}: ${JSON.stringify(res.body)}`);
    return (res.body as { replies: Reply[] }).replies;
  }

  /** Shorthand: sends text and returns the replies' texts joined, for readable assertions. */
  async say(text: string): Promise<string> {
    return (await this.send({ text })).map((r) => r.text).join('\n');
  }

  /**
   * Answers the sign-up form after "join": name, birthday, no phone, terms accepted, offers yes or no. Returns the
   * last answer (the welcome and the offers confirmation).
   */
  async finishSignUp(name: string, opts: { birthday?: string; offers?: boolean } = {}): Promise<string> {
    await this.say(name);
    await this.say(opts.birthday ?? '1990-01-01');
    await this.say('skip');
    await this.say('yes');
    return this.say(opts.offers ? 'yes' : 'no');
  }

  /** Shorthand: presses a button. */
  async press(payload: string): Promise<string> {
    return (await this.send({ payload })).map((r) => r.text).join('\n');
  }

  /** Raw POST, for bad-input tests. */
  async post(input: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.app().url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: this.sessionId, messageId: randomUUID(), ...input }),
    });
    return { status: res.status, body: await res.json() };
  }
}
