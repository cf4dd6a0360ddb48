// The channels the app knows besides Telegram and the web chat (wired in app.ts); each is on when its variables are set.
import type { ChannelModule } from './channel-module.js';
import { lineChannelModule } from './line/index.js';
import { wechatChannelModule } from './wechat/index.js';
import { whatsappWebChannelModule } from './whatsapp-web/index.js';
import { whatsappChannelModule } from './whatsapp/index.js';

/** Every channel module, in start order. */
export const CHANNEL_MODULES: readonly ChannelModule[] = [lineChannelModule, whatsappChannelModule, whatsappWebChannelModule, wechatChannelModule];
