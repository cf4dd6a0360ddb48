import type { InboundMessage, MediaKind } from '../../../core/conversation/message.js';

/** A WeChat message or event as parsed from its XML (field name → text). */
export type WechatFields = Readonly<Record<string, string>>;

/** What the webhook does with a verified event: hand it to the inbox, or ignore it. */
export type WechatEventRoute =
  | { action: 'accept'; eventId: string; chatKey: string }
  | { action: 'ignore'; type: string; openid?: string }
  | { action: 'reject'; reason: string };

const MEDIA: Readonly<Record<string, MediaKind>> = {
  image: 'photo',
  voice: 'voice',
  video: 'video',
  shortvideo: 'video',
  location: 'location',
  link: 'other',
  file: 'file',
};

/** The payload a `subscribe` event carries: the same as Telegram's /start, so the bot greets the new follower. */
export const SUBSCRIBE_PAYLOAD = 'start';

/**
 * Decides, before anything is stored, whether an event is one the bot handles. The dedupe key is WeChat's MsgId for
 * messages; events have none, so it is FromUserName + CreateTime + Event (what WeChat repeats on its retries).
 * `unsubscribe` and unknown types are ignored (the caller logs each type once).
 */
export function routeEvent(fields: WechatFields): WechatEventRoute {
  const openid = fields.FromUserName ?? '';
  const type = fields.MsgType ?? '';
  if (openid === '' || !/^\d{1,12}$/.test(fields.CreateTime ?? '') || type === '') {
    return { action: 'reject', reason: 'message needs FromUserName, a numeric CreateTime and MsgType' };
  }
  if (type === 'event') {
    const event = fields.Event ?? '';
    if (event === 'subscribe' || (event === 'CLICK' && (fields.EventKey ?? '') !== '')) {
      return { action: 'accept', eventId: `evt:${openid}:${fields.CreateTime}:${event}`, chatKey: openid };
    }
    return { action: 'ignore', type: `event:${event || 'none'}`, openid };
  }
  if (type !== 'text' && !(type in MEDIA)) return { action: 'ignore', type, openid };
  const msgId = fields.MsgId ?? '';
  if (!/^\d{1,24}$/.test(msgId)) return { action: 'reject', reason: 'message needs a numeric MsgId' };
  return { action: 'accept', eventId: `msg:${msgId}`, chatKey: openid };
}

/**
 * Turns an accepted WeChat event into the bot's `InboundMessage` (null for anything `routeEvent` would not accept).
 * `resolveOption` maps a typed option number or label back to the payload of a button we rendered as text.
 */
export function toInboundMessage(fields: WechatFields, resolveOption: (openid: string, text: string) => string | undefined = () => undefined): InboundMessage | null {
  const route = routeEvent(fields);
  if (route.action !== 'accept') return null;
  const openid = fields.FromUserName!;
  const base: InboundMessage = {
    channel: 'wechat',
    externalUserId: openid,
    chatId: openid,
    platformMessageId: route.eventId,
    timestamp: new Date(Number(fields.CreateTime) * 1000),
  };
  const type = fields.MsgType!;
  if (type === 'event') {
    return { ...base, payload: fields.Event === 'subscribe' ? SUBSCRIBE_PAYLOAD : fields.EventKey! };
  }
  if (type === 'text') {
    const text = fields.Content ?? '';
    const payload = resolveOption(openid, text);
    return payload !== undefined ? { ...base, payload } : { ...base, text };
  }
  // Speech recognition (when enabled on the account) gives a voice message its words; the bot sees both.
  const recognition = type === 'voice' && (fields.Recognition ?? '').trim() !== '' ? { text: fields.Recognition! } : {};
  return { ...base, ...recognition, media: MEDIA[type]! };
}
