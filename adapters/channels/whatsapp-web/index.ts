/** The WhatsApp Web channel (whatsapp-web.js, unofficial): QR login, reconnect, normalize, numbered options, deliver. */
export { createWhatsAppWebModule, whatsappWebChannelModule, printQrToTerminal, type WhatsAppWebChannelInstance, type WhatsAppWebModuleOptions } from './whatsapp-web.module.js';
export { whatsappWebAdminPlugin, isAuthorized, adminPage, stateJson, WHATSAPP_WEB_ADMIN_PATH, type WhatsAppWebAdminOptions } from './whatsapp-web.admin.js';
export { createWhatsAppWebChannel, type WhatsAppWebChannel, type WhatsAppWebChannelOptions } from './whatsapp-web.channel.js';
export {
  createPuppeteerClientFactory,
  type PuppeteerClientOptions,
  type WhatsAppWebClient,
  type WhatsAppWebClientFactory,
  type WhatsAppWebEvents,
  type WwebMessageLike,
  type WwebSentMessage,
} from './whatsapp-web.client.js';
export { readWhatsAppWebConfig, CLOUD_VARIABLES, DEFAULT_CHROMIUM, MIN_ADMIN_TOKEN_LENGTH, type WhatsAppWebConfig } from './whatsapp-web.config.js';
export {
  createConnection,
  backoffDelay,
  realTimers,
  DEFAULT_BACKOFF,
  type Backoff,
  type Connection,
  type ConnectionOptions,
  type ConnectionSnapshot,
  type ConnectionState,
  type Timers,
} from './whatsapp-web.connection.js';
export { codeForWwebError, wwebError, notConnectedError } from './whatsapp-web.errors.js';
export { isCustomerMessage, phoneOf, storedMessage, toInboundMessage, toStoredMessage, type StoredMessage } from './whatsapp-web.normalize.js';
export { renderReply, WHATSAPP_WEB_TEXT_LIMIT, type WwebRendered } from './whatsapp-web.render.js';
