import { describe, expect, it } from 'vitest';
import { routeEvent, toInboundMessage } from './wechat.normalize.js';
import { parseWechatXml } from './wechat.xml.js';
import { eventXml, mediaXml, textXml } from './wechat.test-support.js';

const T = 1_767_225_600; // 2026-01-01T00:00:00Z
const fields = (xml: string) => parseWechatXml(xml);

describe('routeEvent', () => {
  it('dedupes messages on MsgId and events on FromUserName + CreateTime + Event, in order per openid', () => {
    expect(routeEvent(fields(textXml('o1', '6100000000000000001', 'hi', T)))).toEqual({ action: 'accept', eventId: 'msg:6100000000000000001', chatKey: 'o1' });
    expect(routeEvent(fields(eventXml('o1', 'subscribe', {}, T)))).toEqual({ action: 'accept', eventId: `evt:o1:${T}:subscribe`, chatKey: 'o1' });
    expect(routeEvent(fields(eventXml('o1', 'CLICK', { EventKey: 'intent:balance' }, T)))).toMatchObject({ action: 'accept', eventId: `evt:o1:${T}:CLICK` });
  });

  it('ignores unsubscribe, other events and unknown message types', () => {
    expect(routeEvent(fields(eventXml('o1', 'unsubscribe', {}, T)))).toEqual({ action: 'ignore', type: 'event:unsubscribe', openid: 'o1' });
    expect(routeEvent(fields(eventXml('o1', 'VIEW', { EventKey: 'https://x' }, T)))).toMatchObject({ action: 'ignore', type: 'event:VIEW' });
    expect(routeEvent(fields(eventXml('o1', 'CLICK', {}, T)))).toMatchObject({ action: 'ignore', type: 'event:CLICK' });
    expect(routeEvent(fields(mediaXml('o1', 5, 'miniprogrampage', {}, T)))).toMatchObject({ action: 'ignore', type: 'miniprogrampage' });
  });

  it.each([
    ['no FromUserName', '<xml><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>'],
    ['a text CreateTime', '<xml><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>'],
    ['no MsgType', '<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>'],
    ['no MsgId', '<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>'],
  ])('rejects a message with %s', (_name, xml) => {
    expect(routeEvent(fields(xml))).toMatchObject({ action: 'reject' });
  });
});

describe('toInboundMessage', () => {
  it('normalizes a text message', () => {
    expect(toInboundMessage(fields(textXml('o1', 42, '我要加入會員', T)))).toEqual({
      channel: 'wechat',
      externalUserId: 'o1',
      chatId: 'o1',
      platformMessageId: 'msg:42',
      text: '我要加入會員',
      timestamp: new Date(T * 1000),
    });
  });

  it('turns a typed option into its button payload', () => {
    const msg = toInboundMessage(fields(textXml('o1', 43, '1', T)), (openid, text) => (openid === 'o1' && text === '1' ? 'intent:enroll' : undefined));
    expect(msg).toMatchObject({ payload: 'intent:enroll' });
    expect(msg?.text).toBeUndefined();
  });

  it('turns subscribe into the start payload and a menu click into its EventKey', () => {
    expect(toInboundMessage(fields(eventXml('o1', 'subscribe', { EventKey: '' }, T)))).toMatchObject({ payload: 'start', platformMessageId: `evt:o1:${T}:subscribe` });
    expect(toInboundMessage(fields(eventXml('o1', 'CLICK', { EventKey: 'intent:balance' }, T)))).toMatchObject({ payload: 'intent:balance' });
  });

  it.each([
    ['image', { PicUrl: 'http://mmbiz/x', MediaId: 'm' }, 'photo'],
    ['voice', { MediaId: 'm', Format: 'amr' }, 'voice'],
    ['video', { MediaId: 'm', ThumbMediaId: 't' }, 'video'],
    ['shortvideo', { MediaId: 'm', ThumbMediaId: 't' }, 'video'],
    ['location', { Location_X: '25.2', Location_Y: '55.3', Scale: '20', Label: 'Dubai Mall' }, 'location'],
    ['link', { Title: 't', Description: 'd', Url: 'https://x' }, 'other'],
  ])('marks a %s message as media', (type, extra, media) => {
    const msg = toInboundMessage(fields(mediaXml('o1', 44, type, extra, T)));
    expect(msg).toMatchObject({ media, platformMessageId: 'msg:44' });
    expect(msg?.text).toBeUndefined();
  });

  it('gives a voice message the words WeChat recognised', () => {
    expect(toInboundMessage(fields(mediaXml('o1', 45, 'voice', { Recognition: '我的积分' }, T)))).toMatchObject({ media: 'voice', text: '我的积分' });
  });

  it('returns null for what it ignores', () => {
    expect(toInboundMessage(fields(eventXml('o1', 'unsubscribe', {}, T)))).toBeNull();
  });
});
