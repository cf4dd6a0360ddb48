import { describe, expect, it } from 'vitest';
import type { Inbox, InboundEvent } from '../../../core/inbox/index.js';
import { ManualClock } from '../../../core/shared/index.js';
import { ChannelError } from '../channel-error.js';
import { MemorySink, captureLogger, reply } from '../whatsapp/whatsapp.test-support.js';
import { createWhatsAppWebChannel } from './whatsapp-web.channel.js';
import { FakeWwebClient, wwebMessage } from './whatsapp-web.test-support.js';

const WA = '971501234567@c.us';
const inbox = (events: InboundEvent[]): Inbox => ({
  accept: (e) => {
    events.push(e);
    return Promise.resolve({ duplicate: false });
  },
  register: () => undefined,
  resume: () => Promise.resolve(0),
  drain: () => Promise.resolve(),
  stop: () => Promise.resolve(),
});

describe('WhatsApp Web channel processor', () => {
  it('stores a message, then delivers the replies and records the sent ids; logs no text or number', async () => {
    const client = new FakeWwebClient();
    const sink = new MemorySink(() => [reply('Hello there', { buttons: [{ label: 'Join', payload: 'intent:enroll' }] }), reply('Voucher', { image: { qr: 'ABCD-EFGH-JK', alt: 'v' } })]);
    const events: InboundEvent[] = [];
    const { log, text } = captureLogger();
    const channel = createWhatsAppWebChannel({ send: (c, t) => client.sendMessage(c, t), sink, inbox: inbox(events), clock: new ManualClock(new Date()), log });
    await channel.accept(wwebMessage(WA, { body: 'secret words' }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ channel: 'whatsapp', chatKey: WA });
    await channel.process(events[0]!.payload);
    expect(client.textsTo(WA)).toEqual(['Hello there\n\n1. Join', 'Voucher\n\nABCD-EFGH-JK']);
    expect(sink.deliveries.map((d) => d.outcome.platformMessageId)).toEqual(client.sent.map((s) => s.id));
    // "1" now means Join.
    await channel.process({ ...(events[0]!.payload as object), id: 'true_x_2', body: '1' });
    expect(sink.received.at(-1)?.payload).toBe('intent:enroll');
    expect(text()).not.toMatch(/secret words|971501234567|Hello there/);
  });

  it('hands the event back to the inbox while not connected (nothing sent), and records recipient failures', async () => {
    const sink = new MemorySink(() => [reply('one'), reply('two')]);
    const events: InboundEvent[] = [];
    let connected = false;
    const client = new FakeWwebClient();
    const channel = createWhatsAppWebChannel({
      send: (c, t) => (connected ? client.sendMessage(c, t) : Promise.reject(new ChannelError('TEMPORARY', 'not connected'))),
      sink,
      inbox: inbox(events),
      clock: new ManualClock(new Date()),
      log: captureLogger().log,
    });
    await channel.accept(wwebMessage(WA));
    await expect(channel.process(events[0]!.payload)).rejects.toMatchObject({ code: 'TEMPORARY' });
    expect(sink.deliveries).toEqual([]);
    connected = true;
    await channel.process(events[0]!.payload); // the inbox's retry: the stored turn's replies go out now
    expect(client.textsTo(WA)).toEqual(['one', 'two']);

    client.failNext.push(new Error('Evaluation failed: Error: wid error: invalid wid'));
    await channel.accept(wwebMessage(WA));
    await channel.process(events[1]!.payload);
    expect(sink.deliveries.slice(-2).map((d) => d.outcome.error)).toEqual(['INVALID_RECIPIENT', 'INVALID_RECIPIENT']);
  });
});
