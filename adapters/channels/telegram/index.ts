/** The Telegram channel adapter: normalize updates, render replies, deliver via grammy, map errors, serve the webhook. */
export {
  createTelegramChannel,
  TELEGRAM_ALLOWED_UPDATES,
  type TelegramChannel,
  type TelegramChannelOptions,
} from './telegram.channel.js';
export { toChannelError, codeFor } from './telegram.errors.js';
export { toInboundMessage, toStaffMessage } from './telegram.normalize.js';
export {
  renderReply,
  splitText,
  TELEGRAM_TEXT_LIMIT,
  TELEGRAM_CAPTION_LIMIT,
  TELEGRAM_CALLBACK_DATA_LIMIT,
  QR_PAYLOAD_LIMIT,
  type TelegramSend,
  type TelegramQrUpload,
} from './telegram.render.js';
export { telegramQrPng } from './telegram.qr.js';
export { telegramWebhookPlugin, type TelegramWebhookOptions } from './telegram.webhook.js';
