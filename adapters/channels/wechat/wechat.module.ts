import type { FastifyPluginAsync } from 'fastify';
import { lastInboundAt } from '../../../core/conversation/index.js';
import { setIdentityReachable } from '../../../core/customers/index.js';
import type { ChannelInstance, ChannelModule } from '../channel-module.js';
import { createWechatApi } from './wechat.api.js';
import { createWechatChannel, type WechatChannel } from './wechat.channel.js';
import { readWechatConfig } from './wechat.config.js';
import { wechatWebhookPlugin } from './wechat.webhook.js';

/** The webhook path to enter as the server URL in the WeChat console. */
export const WECHAT_WEBHOOK_PATH = '/wechat/webhook';

/** A running WeChat channel: the app's `ChannelInstance` (with `push`) plus proactive sends (refused outside the 48-hour window). */
export interface WechatChannelInstance extends ChannelInstance {
  sendProactive: WechatChannel['sendProactive'];
  push: WechatChannel['push'];
}

/** The WeChat Official Account channel, on when WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET are set. */
export const wechatChannelModule: ChannelModule = {
  name: 'wechat',
  create(ctx): WechatChannelInstance | null {
    const config = readWechatConfig(ctx.env);
    if (!config) return null;
    const api = createWechatApi({ baseUrl: config.apiBaseUrl, appId: config.appId, appSecret: config.appSecret, clock: ctx.deps.clock });
    const channel = createWechatChannel({
      api,
      sink: ctx.sink,
      clock: ctx.deps.clock,
      log: ctx.log,
      markUnreachable: (openId) => setIdentityReachable(ctx.deps, { brandId: ctx.brandId, channel: 'wechat', externalId: openId, reachable: false }),
      lastInboundAt: (openid) => lastInboundAt(ctx.deps, { brandId: ctx.brandId, channel: 'wechat', chatId: openid }),
    });
    ctx.inbox.register('wechat', channel.process);
    const routes: FastifyPluginAsync = (fastify) =>
      wechatWebhookPlugin(fastify, {
        path: WECHAT_WEBHOOK_PATH,
        token: config.token,
        appId: config.appId,
        ...(config.aesKey ? { aesKey: config.aesKey } : {}),
        clock: ctx.deps.clock,
        inbox: ctx.inbox,
        log: ctx.log,
      });
    ctx.log.info({ channel: 'wechat', safeMode: config.aesKey !== undefined }, 'wechat channel configured');
    return { name: 'wechat', routes, sendProactive: channel.sendProactive, push: channel.push };
  },
};
