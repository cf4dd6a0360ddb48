// Sends outside a turn with the real fetch client against the fake WeChat API: numbered options that a typed number
// answers, the 48-hour window, and failures as closed-set codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWechatApi, WECHAT_ERRORS, type FakeWechatApi } from '../../../test/fakes/wechat-api.js';
import { createWechatApi } from './wechat.api.js';
import { createWechatChannel, type WechatChannel } from './wechat.channel.js';
import { parseWechatXml } from './wechat.xml.js';
import { captureLogger, MemorySink, reply, textXml } from './wechat.test-support.js';

const OPENID = 'oWx_customer_push';
const HOUR = 3600_000;
const csat = reply('How did we do?', { buttons: ['1', '2', '3', '4', '5'].map((n) => ({ label: `${n} ★`, payload: `csat:42:${n}` })) });
let nextId = 9_000;

describe('WeChat push', () => {
  let fake: FakeWechatApi;
  let sink: MemorySink;
  let logs: ReturnType<typeof captureLogger>;
  let unreachable: string[];
  let lastInbound: Date | null;
  let channel: WechatChannel;

  beforeEach(async () => {
    fake = await startFakeWechatApi();
    sink = new MemorySink(() => [reply('Thanks!')]);
    logs = captureLogger();
    unreachable = [];
    lastInbound = new Date(Date.now() - 2 * HOUR);
    const clock = { now: () => new Date() };
    channel = createWechatChannel({
      api: createWechatApi({ baseUrl: fake.url, appId: fake.appId, appSecret: fake.appSecret, clock }),
      sink,
      clock,
      log: logs.log,
      sleep: () => Promise.resolve(),
      lastInboundAt: () => Promise.resolve(lastInbound),
      markUnreachable: (openid) => {
        unreachable.push(openid);
        return Promise.resolve();
      },
    });
  });
  afterEach(() => fake.close());

  it('sends the buttons as numbered options, and the customer’s typed number comes back as that button’s payload', async () => {
    const result = await channel.push(OPENID, csat);
    expect(result).toEqual({ status: 'sent' });
    expect(fake.sentTo(OPENID).map((s) => s.content)).toEqual(['How did we do?\n\n1. 1 ★\n2. 2 ★\n3. 3 ★\n4. 4 ★\n5. 5 ★']);
    await channel.process(parseWechatXml(textXml(OPENID, nextId++, '4')));
    expect(sink.processed.at(-1)).toMatchObject({ externalUserId: OPENID, payload: 'csat:42:4' });
  });

  it('outside the 48-hour window sends nothing and returns window_closed without a template', async () => {
    lastInbound = new Date(Date.now() - 49 * HOUR);
    expect(await channel.push(OPENID, csat)).toEqual({ status: 'window_closed', template: false });
    lastInbound = null;
    expect(await channel.push(OPENID, csat)).toEqual({ status: 'window_closed', template: false });
    expect(fake.calls).toEqual([]);
  });

  it('returns window_closed when WeChat answers 45015', async () => {
    fake.failNextSend(WECHAT_ERRORS.windowClosed);
    expect(await channel.push(OPENID, reply('hello'))).toEqual({ status: 'window_closed', template: false });
  });

  it('returns failed BLOCKED_BY_USER for a customer who unfollowed, marks them unreachable, logs no text', async () => {
    fake.failNextSend(WECHAT_ERRORS.notFollowing);
    const result = await channel.push(OPENID, reply('Sam here: call +971501234567'));
    expect(result).toEqual({ status: 'failed', code: 'BLOCKED_BY_USER' });
    expect(unreachable).toEqual([OPENID]);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'wechat push failed', code: 'BLOCKED_BY_USER' }));
    expect(logs.text()).not.toMatch(/971|Sam here/);
  });

  it('returns failed TEMPORARY when WeChat is busy (the caller decides on a retry)', async () => {
    fake.failNextSend(WECHAT_ERRORS.systemBusy);
    expect(await channel.push(OPENID, reply('hello'))).toEqual({ status: 'failed', code: 'TEMPORARY' });
  });
});
