import QRCode from 'qrcode';
import type { FastifyPluginAsync } from 'fastify';
import { setIdentityReachable } from '../../../core/customers/index.js';
import type { ChannelInstance, ChannelModule } from '../channel-module.js';
import { whatsappWebAdminPlugin, WHATSAPP_WEB_ADMIN_PATH } from './whatsapp-web.admin.js';
import { createWhatsAppWebChannel } from './whatsapp-web.channel.js';
import { createPuppeteerClientFactory, type WhatsAppWebClientFactory } from './whatsapp-web.client.js';
import { readWhatsAppWebConfig, type WhatsAppWebConfig } from './whatsapp-web.config.js';
import { createConnection, type Backoff, type ConnectionSnapshot, type Timers } from './whatsapp-web.connection.js';

/** A running WhatsApp Web channel: the app's `ChannelInstance` plus the connection state (for tests and health). */
export interface WhatsAppWebChannelInstance extends ChannelInstance {
  snapshot(): ConnectionSnapshot;
}

/** What can be swapped in `createWhatsAppWebModule` (tests pass a stand-in client and timers). */
export interface WhatsAppWebModuleOptions {
  /** Makes the WhatsApp Web client from the settings (default: whatsapp-web.js with LocalAuth and chromium). */
  clientFactory?: (config: WhatsAppWebConfig) => WhatsAppWebClientFactory;
  /** Shows a new QR to whoever runs the app (default: drawn in the terminal on stdout, never in the logs). */
  printQr?: (qr: string) => void;
  timers?: Timers;
  backoff?: Backoff;
}

/** Draws the QR in the terminal, as text; falls back to the raw string if drawing fails. */
export function printQrToTerminal(qr: string): void {
  const intro = '\nWhatsApp Web: scan this QR code with the shop’s phone (WhatsApp → Linked devices → Link a device),\nor open the admin page /admin/whatsapp-web.\n';
  QRCode.toString(qr, { type: 'terminal', small: true }).then(
    (drawn) => process.stdout.write(`${intro}${drawn}\n`),
    () => process.stdout.write(`${intro}Paste this into any QR generator and scan it:\n${qr}\n\n`),
  );
}

/** The WhatsApp Web channel module with the given client factory: on when WHATSAPP_WEB_ENABLED=true. */
export function createWhatsAppWebModule(moduleOptions: WhatsAppWebModuleOptions = {}): ChannelModule {
  return {
    name: 'whatsapp',
    create(ctx): WhatsAppWebChannelInstance | null {
      const config = readWhatsAppWebConfig(ctx.env);
      if (!config) return null;
      const factory = (moduleOptions.clientFactory ?? ((c: WhatsAppWebConfig) => createPuppeteerClientFactory({ sessionDir: c.sessionDir, chromiumPath: c.chromiumPath })))(config);
      // The connection delivers messages to the channel and the channel sends through the connection.
      let onMessage: (m: Parameters<ReturnType<typeof createWhatsAppWebChannel>['accept']>[0]) => void = () => undefined;
      const connection = createConnection({
        factory,
        onMessage: (m) => onMessage(m),
        onQr: moduleOptions.printQr ?? printQrToTerminal,
        log: ctx.log,
        clock: ctx.deps.clock,
        ...(moduleOptions.timers ? { timers: moduleOptions.timers } : {}),
        ...(moduleOptions.backoff ? { backoff: moduleOptions.backoff } : {}),
      });
      const channel = createWhatsAppWebChannel({
        send: (chatId, text) => connection.send(chatId, text),
        sink: ctx.sink,
        inbox: ctx.inbox,
        clock: ctx.deps.clock,
        log: ctx.log,
        markUnreachable: (waId) => setIdentityReachable(ctx.deps, { brandId: ctx.brandId, channel: 'whatsapp', externalId: waId, reachable: false }),
      });
      onMessage = (m) => {
        channel.accept(m).catch((err: unknown) => ctx.log.error({ channel: 'whatsapp-web', reason: err instanceof Error ? err.name : 'non-error' }, 'whatsapp web message not stored'));
      };
      ctx.inbox.register('whatsapp', channel.process);
      const routes: FastifyPluginAsync = (fastify) => whatsappWebAdminPlugin(fastify, { adminToken: config.adminToken, snapshot: () => connection.snapshot(), path: WHATSAPP_WEB_ADMIN_PATH });
      ctx.log.info({ channel: 'whatsapp-web' }, 'whatsapp web channel configured');
      return {
        name: 'whatsapp',
        routes,
        // In the background: launching the browser and logging in can take a minute and must not hold up the app.
        start() {
          connection.start();
          return Promise.resolve();
        },
        stop: () => connection.stop(),
        // No 24-hour window on a linked device; while the session is not ready the push fails TEMPORARY.
        push: channel.push,
        snapshot: () => connection.snapshot(),
      };
    },
  };
}

/** The WhatsApp Web channel module (whatsapp-web.js, unofficial): on when WHATSAPP_WEB_ENABLED=true. */
export const whatsappWebChannelModule: ChannelModule = createWhatsAppWebModule();
