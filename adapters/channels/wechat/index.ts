/** The WeChat Official Account channel adapter: verify, decrypt, parse, dedupe, normalize, render, deliver, map errors. */
export { wechatChannelModule, WECHAT_WEBHOOK_PATH, type WechatChannelInstance } from './wechat.module.js';
export { createWechatApi, WECHAT_API_BASE_URL, type WechatApi, type WechatApiOptions } from './wechat.api.js';
export {
  createWechatChannel,
  customerServiceWindowOpen,
  CUSTOMER_SERVICE_WINDOW_MS,
  type WechatChannel,
  type WechatChannelOptions,
} from './wechat.channel.js';
export { readWechatConfig, type WechatConfig } from './wechat.config.js';
export { aesKeyFrom, decryptMessage, encryptMessage, wechatSignature, signatureMatches, WechatAuthError } from './wechat.crypto.js';
export { codeForErrcode, errcodeError, errcodeOf, TOKEN_ERRCODES } from './wechat.errors.js';
export { routeEvent, toInboundMessage, SUBSCRIBE_PAYLOAD, type WechatFields, type WechatEventRoute } from './wechat.normalize.js';
export { createOptionMemory, optionNumber, OPTIONS_TTL_MS, type OptionMemory } from './wechat.options.js';
export { renderReply, splitUtf8, WECHAT_TEXT_LIMIT_BYTES, type WechatRendered } from './wechat.render.js';
export { wechatWebhookPlugin, WECHAT_MAX_CLOCK_SKEW_MS, type WechatWebhookOptions } from './wechat.webhook.js';
export { parseWechatXml, buildWechatXml, WECHAT_XML_LIMIT, WechatXmlError } from './wechat.xml.js';
