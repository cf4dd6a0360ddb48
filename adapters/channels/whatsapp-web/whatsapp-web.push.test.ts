// Sends outside a turn through the stand-in WhatsApp Web session: numbered options a typed number answers, and the
// connection's and WhatsApp's failures as closed-set codes.
import { describe, expect, it } from 'vitest';
import type { Inbox } from '../../../core/inbox/index.js';
import { ManualClock } from '../../../core/shared/index.js';
import { ChannelError } from '../channel-error.js';
import { MemorySink, captureLogger, reply } from '../whatsapp/whatsapp.test-support.js';
import { createWhatsAppWebChannel } from './whatsapp-web.channel.js';
import { FakeWwebClient, wwebMessage } from './whatsapp-web.test-support.js';
import { toStoredMessage } from './whatsapp-web.normalize.js';

const WA = '971501234567@c.us';
const inbox: Inbox = {
  accept: () => Promise.resolve({ duplicate: false }),
  register: () => undefined,
  resume: () => Promise.resolve(0),
  drain: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};
const csat = reply('How did we do?', { buttons: ['1', '2', '3', '4', '5'].map((n) => ({ label: `${n} stars`, payload: `csat:42:${n}` })) });

describe('WhatsApp Web push', () => {
  it('sends the buttons as numbered options, and a typed number comes back as that button’s payload', async () => {
    const client = new FakeWwebClient();
    const sink = new MemorySink(() => [reply('Thanks!')]);
    const channel = createWhatsAppWebChannel({ send: (c, t) => client.sendMessage(c, t), sink, inbox, clock: new ManualClock(new Date()), log: captureLogger().log });
    const result = await channel.push(WA, csat);
    expect(client.textsTo(WA)).toEqual(['How did we do?\n\n1. 1 stars\n2. 2 stars\n3. 3 stars\n4. 4 stars\n5. 5 stars']);
    expect(result).toEqual({ status: 'sent', platformMessageId: client.sent[0]!.id });
    await channel.process(toStoredMessage(wwebMessage(WA, { body: '٥' })));
    expect(sink.received.at(-1)?.payload).toBe('csat:42:5');
  });

  it('returns failed TEMPORARY while not connected, and INVALID_RECIPIENT (marking the customer unreachable) for a bad wid', async () => {
    const client = new FakeWwebClient();
    let connected = false;
    const unreachable: string[] = [];
    const { log, text } = captureLogger();
    const channel = createWhatsAppWebChannel({
      send: (c, t) => (connected ? client.sendMessage(c, t) : Promise.reject(new ChannelError('TEMPORARY', 'not connected'))),
      sink: new MemorySink(),
      inbox,
      clock: new ManualClock(new Date()),
      log,
      markUnreachable: (waId) => {
        unreachable.push(waId);
        return Promise.resolve();
      },
    });
    expect(await channel.push(WA, reply('Sam: call me'))).toEqual({ status: 'failed', code: 'TEMPORARY' });
    expect(unreachable).toEqual([]);
    connected = true;
    client.failNext.push(new Error(`Evaluation failed: Error: wid error: invalid wid ${WA}`));
    expect(await channel.push(WA, reply('Sam: call me'))).toEqual({ status: 'failed', code: 'INVALID_RECIPIENT' });
    expect(unreachable).toEqual([WA]);
    expect(text()).not.toMatch(/971501234567|Sam: call me/);
  });
});
