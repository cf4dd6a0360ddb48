// The composition root: builds every part from the validated config and wires them together.
// main.ts calls it for `npm start`; integration tests call it to run the real app in-process.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { buildServer, type ReadinessCheck } from './adapters/http/server.js';
import { posApiPlugin } from './adapters/http/pos/index.js';
import { consolePlugin } from './adapters/http/console/index.js';
import { createTelegramChannel, type TelegramChannel } from './adapters/channels/telegram/index.js';
import { createOpenAILlm } from './adapters/llm/openai.js';
import type { ChannelInstance, ChannelModule } from './adapters/channels/channel-module.js';
import { CHANNEL_MODULES } from './adapters/channels/modules.js';
import { createBullmqQueue } from './adapters/queue/bullmq.queue.js';
import { campaignLinksPlugin } from './adapters/http/campaign-links.js';
import { staffFileLinker, staffFilesPlugin } from './adapters/http/staff-files.js';
import { lineChannelModuleWith } from './adapters/channels/line/index.js';
import { registerAutomationJobs } from './core/automations/index.js';
import { registerCampaignJobs } from './core/campaigns/index.js';
import { registerReportJobs } from './core/reports/index.js';
import { registerSegmentJobs } from './core/segments/index.js';
import { createCustomerBot } from './bots/customer/customer-bot.js';
import { csatQuestion } from './bots/customer/features/feedback.js';
import { createSurveySender } from './bots/customer/survey-sender.js';
import { createStaffBot } from './bots/staff/index.js';
import { createAgentDesk, registerDeskJobs, slaNoticeText } from './bots/agent/index.js';
import type { BrandSettings, CustomerNotifier } from './bots/customer/turn-context.js';
import type { Config } from './config.js';
import { LANGUAGES, type CustomerPusher, type Language, type TeamChat, type TeamPost } from './core/conversation/index.js';
import { brandExists, seedDemoData } from './core/demo/index.js';
import { createInbox, type Inbox } from './core/inbox/index.js';
import { registerCoreJobs } from './core/jobs/index.js';
import { registerTicketJobs } from './core/tickets/index.js';
import { registerSurveyJobs } from './core/surveys/index.js';
import { InProcessJobQueue, systemClock, type Clock, type CoreDeps, type JobQueue } from './core/shared/index.js';
import { migrateDb, openDb, schema, type DbHandle } from './db/index.js';
import { createNlu } from './nlu/index.js';
import { createLlmFallback } from './nlu/llm-fallback.js';
import { createGroundedAnswerer, createHashingEmbedder, createOpenAIEmbedder, ingestKnowledge } from './knowledge/index.js';

/** A running application. */
export interface RunningApp {
  server: FastifyInstance;
  /** Base URL the HTTP server listens on. */
  url: string;
  db: DbHandle;
  queue: JobQueue;
  /** Webhook events of the channels, processed in the background. */
  inbox: Inbox;
  telegram?: TelegramChannel;
  /** The channel modules that are configured (LINE, WhatsApp, WeChat…). */
  channels: ChannelInstance[];
  stop(): Promise<void>;
}

/** A running worker process (`npm run worker`): background jobs only, no HTTP server. */
export interface RunningWorker {
  db: DbHandle;
  queue: JobQueue;
  channels: ChannelInstance[];
  stop(): Promise<void>;
}

/** Options tests use to reach into the wiring (a fixed clock, a quiet logger). */
export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Where channels read their settings (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The channel modules to offer (default: CHANNEL_MODULES); each runs when its settings are present. */
  channels?: readonly ChannelModule[];
}

/** Creates the logger: JSON lines, secrets and personal data redacted by field name. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['phone', '*.phone', 'email', '*.email', 'text', '*.text', 'name', '*.name', 'token', '*.token', 'req.headers.authorization', 'req.headers["x-telegram-bot-api-secret-token"]'],
      censor: '[masked]',
    },
    serializers: {
      // Query strings carry secrets on some webhooks (WhatsApp's hub.verify_token, WeChat's signature and nonce):
      // request logs keep the path only.
      req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: req.url?.split('?')[0], id: req.id }),
    },
  });
}

/** Opens the database (migrating it), seeds demo data when asked, and returns the core deps. */
export async function openData(config: Config, logger: Logger, clock: Clock): Promise<{ db: DbHandle; deps: CoreDeps }> {
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATABASE_URL ? undefined : join(config.DATA_DIR, 'pglite') });
  await migrateDb(db);
  const deps: CoreDeps = { db: db.db, clock, log: logger };
  const exists = await brandExists(deps, config.BRAND_ID);
  // "auto": seed on the first embedded start only, so a production database is never filled with samples.
  const seed = config.SEED_DEMO_DATA === 'always' || (config.SEED_DEMO_DATA === 'auto' && !config.DATABASE_URL && !exists);
  if (seed) {
    const result = await seedDemoData(deps, config.BRAND_ID, { agentPassword: config.DEMO_AGENT_PASSWORD });
    logger.info({ ...result }, 'demo data seeded');
  } else if (!exists) {
    await db.db.insert(schema.brands).values({ id: config.BRAND_ID, name: config.BRAND_ID }).onConflictDoNothing();
  }
  return { db, deps };
}

/**
 * Starts everything: database, NLU, customer bot, channels and the HTTP server, and (unless APP_ROLE=web) the workers
 * of the background jobs.
 */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  if (config.APP_ROLE === 'worker') throw new Error('APP_ROLE=worker runs with `npm run worker` (startWorker), not the web server');
  const started = await assemble(config, options, config.APP_ROLE);
  if (started.kind !== 'web') throw new Error('unreachable');
  return started.app;
}

/**
 * Starts a worker process: the same wiring as the app (database, channels for sending, job handlers) without the HTTP
 * server, webhooks or polling. Several workers and web processes share the jobs through Redis.
 */
export async function startWorker(config: Config, options: StartOptions = {}): Promise<RunningWorker> {
  if (!config.REDIS_URL) throw new Error('a separate worker needs REDIS_URL; without Redis, `npm start` runs the jobs in its own process');
  const started = await assemble(config, options, 'worker');
  if (started.kind !== 'worker') throw new Error('unreachable');
  return started.worker;
}

async function assemble(
  config: Config,
  options: StartOptions,
  role: 'all' | 'web' | 'worker',
): Promise<{ kind: 'web'; app: RunningApp } | { kind: 'worker'; worker: RunningWorker }> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  const { db, deps } = await openData(config, logger, clock);

  const started = Date.now();
  // Cached by the training data's hash in the data folder: a restart with unchanged data skips training.
  const nlu = createNlu({ cacheDir: join(config.DATA_DIR, 'cache') });
  logger.info({ ms: Date.now() - started }, 'intent model trained');

  const [brandRow] = await db.db.select().from(schema.brands).where(eq(schema.brands.id, config.BRAND_ID));
  const defaultLanguage = (LANGUAGES as readonly string[]).includes(brandRow?.defaultLanguage ?? '') ? (brandRow!.defaultLanguage as Language) : 'en';
  const brand: BrandSettings = {
    id: config.BRAND_ID,
    country: brandRow?.country ?? 'AE',
    defaultLanguage,
    termsVersion: config.TERMS_VERSION,
    marketingWordingVersion: config.MARKETING_WORDING_VERSION,
  };
  // The brand's knowledge base: a folder of Markdown/FAQ files (the demo brand ships one), ingested at every start
  // (incremental: unchanged files cost nothing). Offline hashed n-gram embeddings; see knowledge/README.md.
  const knowledgeDir = config.KNOWLEDGE_DIR ?? (config.BRAND_ID === 'demo' ? fileURLToPath(new URL('./knowledge/sample/', import.meta.url)) : undefined);
  // Switching embedders re-embeds the knowledge base at the next start (vectors of different embedders never mix).
  // With OpenAI embeddings, the chat's queries get their own client: no retries and the LLM's time limit, because a
  // customer is waiting (ingest keeps the patient defaults).
  const openAiEmbeddings = config.KNOWLEDGE_EMBEDDINGS === 'openai' && config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.KNOWLEDGE_EMBEDDING_MODEL } : null;
  const embedder = !knowledgeDir ? null : openAiEmbeddings ? createOpenAIEmbedder(openAiEmbeddings) : createHashingEmbedder();
  const queryEmbedder =
    embedder && openAiEmbeddings ? createOpenAIEmbedder({ ...openAiEmbeddings, maxRetries: 0, timeoutMs: config.NLU_LLM_TIMEOUT_MS }) : embedder;
  // The web process keeps the knowledge base current; a worker only reads it.
  if (knowledgeDir && embedder && role !== 'worker') {
    await ingestKnowledge(deps, { brandId: config.BRAND_ID, dir: knowledgeDir, embedder });
  }
  // One chat model for both LLM uses: understanding unclear messages and answering from the knowledge base.
  const chatModel = config.OPENAI_API_KEY
    ? createOpenAILlm({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.NLU_LLM_MODEL, timeoutMs: config.NLU_LLM_TIMEOUT_MS, log: logger })
    : null;
  const llm = chatModel ? createLlmFallback({ llm: chatModel, log: logger }) : null;
  const answerer = chatModel && queryEmbedder ? createGroundedAnswerer({ llm: chatModel, log: logger }) : null;
  // Texts to a customer on another of their channels (a link code to their WhatsApp), through the running channels.
  const running: { channels: ChannelInstance[] } = { channels: [] };
  const notify: CustomerNotifier = async ({ customerId, channel, text }) => {
    const instance = running.channels.find((c) => c.name === channel && c.notify !== undefined);
    if (!instance?.notify) return 'no_identity';
    const [identity] = await db.db
      .select({ externalId: schema.channelIdentities.externalId })
      .from(schema.channelIdentities)
      .where(and(eq(schema.channelIdentities.customerId, customerId), eq(schema.channelIdentities.channel, channel), isNull(schema.channelIdentities.unreachableAt)))
      .orderBy(desc(schema.channelIdentities.createdAt))
      .limit(1);
    return identity ? await instance.notify(identity.externalId, text) : 'no_identity';
  };
  // Sends outside a turn (an agent's reply, a CSAT question) on the chat's own channel. The web chat has no push: the
  // message is stored by the caller and the page polls the history.
  let telegram: TelegramChannel | undefined;
  const pusher: CustomerPusher = async (target, reply, opts) => {
    if (target.channel === 'web') return { status: 'sent' };
    if (target.channel === 'telegram') return telegram ? telegram.push(target.chatId, reply) : { status: 'failed', code: 'NOT_CONFIGURED' };
    const instance = running.channels.find((c) => c.name === target.channel && c.push !== undefined);
    return instance?.push ? instance.push(target.chatId, reply, opts) : { status: 'failed', code: 'NOT_CONFIGURED' };
  };
  // Every team workspace (Telegram staff groups, LINE staff groups), or the one a thread lives in.
  const teamChat: TeamChat = {
    async post(text, opts) {
      const posters: Array<{ name: string; post: (text: string, opts?: { replyTo?: TeamPost }) => Promise<TeamPost[]> }> = [
        ...(telegram ? [{ name: 'telegram', post: telegram.postToTeam }] : []),
        ...running.channels.flatMap((c) => (c.postToTeam ? [{ name: c.name, post: c.postToTeam }] : [])),
      ];
      const chosen = opts?.replyTo ? posters.filter((p) => p.name === opts.replyTo!.channel) : posters;
      return (await Promise.all(chosen.map((p) => p.post(text, opts)))).flat();
    },
  };
  const desk = createAgentDesk({
    ...deps,
    brandId: config.BRAND_ID,
    pusher,
    teamChat,
    knowledge: queryEmbedder,
    idleMs: config.HANDOFF_IDLE_MINUTES * 60_000,
    queuedMaxMs: config.HANDOFF_QUEUE_MAX_MINUTES * 60_000,
    csatQuestion,
  });
  const sink = createCustomerBot({ ...deps, brand, nlu, knowledge: queryEmbedder, llm, answerer, notify, handoff: desk, teamChat, pusher });

  const readiness: ReadinessCheck[] = [{ name: 'database', check: () => db.ping() }];
  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', (err: Error) => logger.warn({ reason: err.message }, 'redis connection problem'));
    await redis.connect().catch((err: Error) => logger.warn({ reason: err.message }, 'redis not reachable at start'));
    const client = redis;
    readiness.push({ name: 'redis', check: async () => void (await client.ping()) });
  }

  // Background jobs: durable on Redis when configured; in this process otherwise (jobs re-derive their work
  // from the database, so what an in-process queue loses in a crash is redone by the next scheduled run).
  const queue: JobQueue = config.REDIS_URL
    ? createBullmqQueue({ connection: config.REDIS_URL, prefix: `crm:${config.BRAND_ID}`, log: logger })
    : new InProcessJobQueue({ log: logger });
  const timezone = brandRow?.timezone ?? 'UTC';
  const declareCore = registerCoreJobs(queue, deps, { brandId: config.BRAND_ID, timezone });
  const declareDesk = registerDeskJobs(queue, desk, { brandId: config.BRAND_ID });
  const declareTickets = registerTicketJobs(queue, deps, {
    notify: async (notice) => {
      const [assignee] = notice.assigneeId ? await db.db.select({ name: schema.agents.name }).from(schema.agents).where(eq(schema.agents.id, notice.assigneeId)) : [];
      await teamChat.post(slaNoticeText(notice, { timeZone: timezone, now: clock.now(), assigneeName: assignee?.name ?? null }));
    },
  });
  const declareSurveys = registerSurveyJobs(queue, deps, {
    send: createSurveySender({ ...deps, brandId: config.BRAND_ID, pusher, defaultLanguage }),
    relationship: { brandId: config.BRAND_ID, timezone },
  });
  const declareCampaigns = registerCampaignJobs(queue, {
    ...deps,
    pusher,
    teamChat,
    ...(config.PUBLIC_BASE_URL ? { linkBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, '') } : {}),
    rateLimits: { telegram: config.CAMPAIGN_RATE_TELEGRAM, line: config.CAMPAIGN_RATE_LINE, whatsapp: config.CAMPAIGN_RATE_WHATSAPP, wechat: config.CAMPAIGN_RATE_WECHAT },
  });
  const declareAutomations = registerAutomationJobs(queue, deps, { brandIds: [config.BRAND_ID] });
  const declareReports = registerReportJobs(queue, deps);
  const declareSegments = registerSegmentJobs(queue, deps, { brandIds: [config.BRAND_ID] });
  const declareSchedules = async () => {
    await declareCore();
    await declareCampaigns();
    await declareAutomations();
    await declareReports();
    await declareSegments();
    await declareDesk();
    await declareTickets();
    await declareSurveys();
  };
  // A web process only enqueues: its jobs run in the workers (APP_ROLE=web with `npm run worker` beside it).
  if (role !== 'web') await queue.start();
  // Declared in the background until the queue's backend answers: chat must not wait for Redis.
  let scheduleRetry: NodeJS.Timeout | undefined;
  const declare = () => {
    declareSchedules().then(
      () => logger.info({}, 'job schedules declared'),
      (err: unknown) => {
        logger.warn({ reason: err instanceof Error ? err.message : String(err) }, 'job schedules not declared yet; retrying in 30 s');
        scheduleRetry = setTimeout(declare, 30_000);
        scheduleRetry.unref();
      },
    );
  };
  declare();

  // The console's cookie is Secure in production (NODE_ENV=production) unless CONSOLE_SECURE_COOKIES says otherwise;
  // outside production it is off by default, so `npm start` on a laptop can sign in at http://localhost.
  const secureCookies = config.CONSOLE_SECURE_COOKIES ? config.CONSOLE_SECURE_COOKIES === 'true' : config.NODE_ENV === 'production';
  const plugins: FastifyPluginAsync[] = [
    posApiPlugin({ deps, brandId: config.BRAND_ID, ...(redis ? { rateLimit: { redis } } : {}) }),
  ];
  const staffSink = createStaffBot({
    log: logger,
    agents: { ...deps, brandId: config.BRAND_ID, desk },
    staff: { ...deps, brandId: config.BRAND_ID, pusher, teamChat, queue },
  });
  plugins.push(
    consolePlugin({ deps, brandId: config.BRAND_ID, desk, secureCookies, knowledgeEnabled: queryEmbedder !== null, staffSink }),
    campaignLinksPlugin({ deps }),
    staffFilesPlugin({ deps, brandId: config.BRAND_ID }),
  );
  const inbox = createInbox(deps);
  const channelContext = { env: options.env ?? process.env, brandId: config.BRAND_ID, sink, staffSink, inbox, deps, log: logger };
  // Files for staff in LINE (a segment export, a chart) go out as expiring links under PUBLIC_BASE_URL.
  const fileLinks = staffFileLinker(deps, { brandId: config.BRAND_ID, publicBaseUrl: config.PUBLIC_BASE_URL });
  const modules = (options.channels ?? CHANNEL_MODULES).map((m) => (m.name === 'line' ? lineChannelModuleWith({ fileLinks }) : m));
  const channels = modules.flatMap((m) => m.create(channelContext) ?? []);
  running.channels = channels;
  for (const channel of channels) if (channel.routes) plugins.push(channel.routes);
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = createTelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
      sink,
      // Team workspaces: their messages go to the staff side, never to the customer bot.
      staffSink,
      staffChats: config.TELEGRAM_STAFF_CHAT_IDS ?? [],
      log: logger,
    });
    if (config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET) {
      plugins.push(telegram.webhookRoute(config.TELEGRAM_WEBHOOK_SECRET, new URL(config.TELEGRAM_WEBHOOK_URL).pathname));
    }
  }

  if (role === 'worker') {
    // Channels are built for sending only: no webhooks, no polling, no inbox (those belong to the web process).
    let workerStopped = false;
    return {
      kind: 'worker',
      worker: {
        db,
        queue,
        channels,
        async stop() {
          if (workerStopped) return;
          workerStopped = true;
          clearTimeout(scheduleRetry);
          await queue.close();
          await telegram?.stop();
          for (const channel of channels) await channel.stop?.();
          redis?.disconnect();
          await db.close();
        },
      },
    };
  }

  const server = await buildServer({ logger, deps, brandId: config.BRAND_ID, sink, readiness, plugins, trustProxy: config.TRUST_PROXY === 'true' });
  const address = await server.listen({ host: config.HOST, port: config.PORT });
  const url = address.replace('[::1]', 'localhost');

  // Events stored before a crash or restart are processed now that every channel has registered its processor.
  const resumed = await inbox.resume();
  if (resumed > 0) logger.info({ resumed }, 'inbound events resumed');
  for (const channel of channels) {
    await channel.start?.(url);
    logger.info({ channel: channel.name }, 'channel started');
  }

  if (telegram) {
    if (config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET) {
      await telegram.setWebhook(config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET);
      logger.info({ path: new URL(config.TELEGRAM_WEBHOOK_URL).pathname }, 'telegram webhook registered');
    } else {
      await telegram.startPolling();
      logger.info({}, 'telegram long polling started');
    }
  }

  let stopped = false;
  const app: RunningApp = {
    server,
    url,
    db,
    queue,
    inbox,
    channels,
    ...(telegram ? { telegram } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Stop taking work first, then let in-flight work finish, then close connections.
      // Stop taking work (webhooks, then polling), let the events in progress finish, then stop the channels they send
      // through, then close connections.
      await server.close();
      await telegram?.stop();
      await inbox.stop();
      for (const channel of channels) await channel.stop?.();
      clearTimeout(scheduleRetry);
      await queue.close();
      redis?.disconnect();
      await db.close();
    },
  };
  return { kind: 'web', app };
}
