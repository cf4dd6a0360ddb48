/** The WhatsApp Cloud API channel: webhook (signature, handshake), normalize, render, deliver, 24-hour window, statuses. */
import type { ChannelModule } from '../channel-module.js';
import { createGraphClient } from './whatsapp.client.js';
import { readWhatsAppConfig } from './whatsapp.config.js';
import { createWhatsAppProcessor } from './whatsapp.channel.js';
import { createWhatsAppPush } from './whatsapp.push.js';
import { lastInboundAt } from '../../../core/conversation/index.js';
import { setIdentityReachable } from '../../../core/customers/index.js';
import { isWindowOpen } from './whatsapp.window.js';
import { createStatusRecorder } from './whatsapp.statuses.js';
import { whatsappWebhookPlugin } from './whatsapp.webhook.js';

/** Where Meta posts events (set it as the callback URL in the app's WhatsApp configuration). */
export const WHATSAPP_WEBHOOK_PATH = '/whatsapp/webhook';

/** The WhatsApp channel module: on when WHATSAPP_APP_SECRET, _VERIFY_TOKEN, _ACCESS_TOKEN and _PHONE_NUMBER_ID are set. */
export const whatsappChannelModule: ChannelModule = {
  name: 'whatsapp',
  create(ctx) {
    const config = readWhatsAppConfig(ctx.env);
    if (!config) return null;
    const client = createGraphClient({ baseUrl: config.graphApiUrl, phoneNumberId: config.phoneNumberId, accessToken: config.accessToken });
    const markUnreachable = (waId: string) => setIdentityReachable(ctx.deps, { brandId: ctx.brandId, channel: 'whatsapp', externalId: waId, reachable: false });
    ctx.inbox.register(
      'whatsapp',
      createWhatsAppProcessor({
        client,
        sink: ctx.sink,
        templates: config.templates,
        recordStatus: createStatusRecorder(ctx.deps, ctx.brandId),
        markUnreachable,
        log: ctx.log,
        clock: ctx.deps.clock,
      }),
    );
    return {
      name: 'whatsapp',
      // Inside the 24-hour window the reply itself; outside it the re-engagement template (if any), never the text.
      push: createWhatsAppPush({
        client,
        templates: config.templates,
        lastInboundAt: (waId) => lastInboundAt(ctx.deps, { brandId: ctx.brandId, channel: 'whatsapp', chatId: waId }),
        clock: ctx.deps.clock,
        log: ctx.log,
        markUnreachable,
      }),
      // Free text only inside the 24-hour window after the person's last message (a link code has no template).
      async notify(waId, text) {
        const last = await lastInboundAt(ctx.deps, { brandId: ctx.brandId, channel: 'whatsapp', chatId: waId });
        if (!last || !isWindowOpen(last, ctx.deps.clock.now())) return 'window_closed';
        try {
          await client.send(waId, { type: 'text', text: { body: text, preview_url: false } });
          return 'sent';
        } catch (err) {
          ctx.log.warn({ channel: 'whatsapp', reason: err instanceof Error ? err.constructor.name : typeof err }, 'whatsapp notify failed');
          return 'failed';
        }
      },
      routes: (fastify) =>
        whatsappWebhookPlugin(fastify, {
          path: WHATSAPP_WEBHOOK_PATH,
          appSecret: config.appSecret,
          verifyToken: config.verifyToken,
          phoneNumberId: config.phoneNumberId,
          inbox: ctx.inbox,
          log: ctx.log,
        }),
    };
  },
};

export { createGraphClient, type GraphClient, type GraphClientOptions } from './whatsapp.client.js';
export { readWhatsAppConfig, DEFAULT_GRAPH_API_URL, type WhatsAppConfig, type WhatsAppTemplate } from './whatsapp.config.js';
export { createWhatsAppProcessor, createRetryingSend, type WhatsAppProcessorOptions, type RetryPolicy } from './whatsapp.channel.js';
export { createWhatsAppPush, type WhatsAppPushOptions } from './whatsapp.push.js';
export { codeFor, graphError, retryHintMs } from './whatsapp.errors.js';
export { toInboundMessage } from './whatsapp.normalize.js';
export { renderReply, languageOf, shorten, splitForBody, WHATSAPP_LIMITS, type GraphMessage, type WhatsAppSend } from './whatsapp.render.js';
export { isValidSignature, signBody } from './whatsapp.signature.js';
export { createStatusRecorder, toStatusUpdate, type StatusRecorder, type WhatsAppStatusUpdate } from './whatsapp.statuses.js';
export { isWindowOpen, sendOutsideWindow, WINDOW_MS, type OutsideWindowResult } from './whatsapp.window.js';
export { whatsappWebhookPlugin, type WhatsAppWebhookOptions } from './whatsapp.webhook.js';
