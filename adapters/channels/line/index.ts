/** The LINE Messaging API channel: webhook signature, inbox, normalization, quick-reply rendering, reply-then-push delivery. */
import { setIdentityReachable } from '../../../core/customers/index.js';
import type { ChannelModule } from '../channel-module.js';
import { createLineChannel, type LineFileLinks } from './line.channel.js';
import { readLineConfig } from './line.config.js';

export { createLineChannel, type LineChannel, type LineChannelOptions, type LineFileLinks } from './line.channel.js';
export { readLineConfig, LINE_DEFAULT_API_BASE_URL, type LineConfig } from './line.config.js';
export { createLineApiClient, LineApiError, type LineApiClient } from './line.client.js';
export { toChannelError, codeFor } from './line.errors.js';
export { normalizeLineEvent, toLineStaffMessage, toLinePrivateStaffJoin, LINE_FOLLOW_PAYLOAD } from './line.normalize.js';
export { renderLineReply, splitText, LINE_TEXT_LIMIT, LINE_QUICK_REPLY_LIMIT, type LineMessage } from './line.render.js';
export { deliverTurn, lineRetryKey, pushMessages, LINE_MESSAGES_PER_CALL } from './line.deliver.js';
export { lineSignature, verifyLineSignature } from './line.signature.js';
export { lineWebhookPlugin, LINE_WEBHOOK_PATH } from './line.webhook.js';

/** What the app can add to the LINE module beyond what every channel gets. */
export interface LineModuleExtras {
  /** Links for staff replies' files (see `LineChannelOptions.fileLinks`). */
  fileLinks?: LineFileLinks;
  fileLinkMinutes?: number;
}

/** The LINE channel module with `extras`: on when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set. */
export function lineChannelModuleWith(extras: LineModuleExtras): ChannelModule {
  return {
    name: 'line',
    create(ctx) {
      const config = readLineConfig(ctx.env);
      if (!config) return null;
      return createLineChannel({
        config,
        sink: ctx.sink,
        staffSink: ctx.staffSink,
        inbox: ctx.inbox,
        log: ctx.log,
        markUnreachable: (userId) => setIdentityReachable(ctx.deps, { brandId: ctx.brandId, channel: 'line', externalId: userId, reachable: false }),
        ...(extras.fileLinks ? { fileLinks: extras.fileLinks } : {}),
        ...(extras.fileLinkMinutes !== undefined ? { fileLinkMinutes: extras.fileLinkMinutes } : {}),
      });
    },
  };
}

/** The LINE channel module without file links (staff files are then offered through the console). */
export const lineChannelModule: ChannelModule = lineChannelModuleWith({});
