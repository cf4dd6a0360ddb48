// The processor with the real fetch client against the fake Graph API: delivery, retries on the platform's hint,
// error mapping, the 24-hour window and statuses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_ERRORS, startFakeWhatsAppGraph, type FakeWhatsAppGraph } from '../../../test/fakes/whatsapp-graph.js';
import { createWhatsAppProcessor } from './whatsapp.channel.js';
import { createGraphClient, type GraphClient } from './whatsapp.client.js';
import type { WhatsAppStatusUpdate } from './whatsapp.statuses.js';
import { captureLogger, MemorySink, reply, silentLogger, waMessage, waStatus } from './whatsapp.test-support.js';
import { isWindowOpen, sendOutsideWindow } from './whatsapp.window.js';

const WA = '971501234567';
const clock = { now: () => new Date() };

describe('WhatsApp processor', () => {
  let graph: FakeWhatsAppGraph;
  let client: GraphClient;
  let sink: MemorySink;
  let waits: number[];
  let statuses: WhatsAppStatusUpdate[];

  const processor = (options: { log?: ReturnType<typeof captureLogger>['log']; templates?: Record<string, { name: string; language: string }> } = {}) =>
    createWhatsAppProcessor({
      client,
      sink,
      templates: options.templates ?? {},
      recordStatus: (u) => {
        statuses.push(u);
        return Promise.resolve('recorded');
      },
      log: options.log ?? silentLogger,
      clock,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
  const textEvent = (body = 'hello', at?: Date) => ({ kind: 'message', profileName: 'Lina', message: waMessage(WA, 'text', { text: { body } }, at ? { at } : {}) });

  beforeEach(async () => {
    graph = await startFakeWhatsAppGraph({ approvedTemplates: ['reopen_chat/en_US'] });
    client = createGraphClient({ baseUrl: graph.url, phoneNumberId: graph.phoneNumberId, accessToken: graph.accessToken });
    sink = new MemorySink(() => [reply('First'), reply('Second', { buttons: [{ label: 'Yes', payload: 'form:yes' }] })]);
    waits = [];
    statuses = [];
  });
  afterEach(async () => {
    await graph.close();
  });

  it('delivers every reply with the bearer token, marks the message read and records the wamids', async () => {
    await processor()(textEvent());
    const sent = graph.messagesTo(WA);
    expect(sent.map((c) => c.body.type)).toEqual(['text', 'interactive']);
    expect(sent.every((c) => c.authorized && c.body.messaging_product === 'whatsapp' && c.body.recipient_type === 'individual')).toBe(true);
    expect(graph.readReceipts()).toHaveLength(1);
    expect(sink.deliveries).toEqual([
      { outboundId: 'out-1', outcome: { platformMessageId: sent[0]!.wamid } },
      { outboundId: 'out-2', outcome: { platformMessageId: sent[1]!.wamid } },
    ]);
    expect(sink.received[0]).toMatchObject({ externalUserId: WA, displayName: 'Lina', text: 'hello' });
  });

  it('sends nothing for a duplicate turn', async () => {
    const event = textEvent();
    await processor()(event);
    await processor()(event);
    expect(graph.messagesTo(WA)).toHaveLength(2);
  });

  it('waits for the platform’s retry hint on 429, then sends', async () => {
    graph.failNext(GRAPH_ERRORS.rateLimited(2));
    await processor()(textEvent());
    expect(waits).toEqual([2000]);
    expect(graph.messagesTo(WA)).toHaveLength(2);
    expect(sink.deliveries.every((d) => d.outcome.platformMessageId !== undefined)).toBe(true);
  });

  it('backs off on temporary failures and records TEMPORARY once the tries are spent', async () => {
    sink.answerWith(() => [reply('Only')]);
    graph.failNext(GRAPH_ERRORS.serviceUnavailable);
    graph.failNext(GRAPH_ERRORS.serviceUnavailable);
    graph.failNext(GRAPH_ERRORS.serviceUnavailable);
    await processor()(textEvent());
    expect(waits).toEqual([1000, 2000]);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { error: 'TEMPORARY' } }]);
  });

  it('records a rate limit whose hint is too long instead of waiting', async () => {
    sink.answerWith(() => [reply('Only')]);
    graph.failNext(GRAPH_ERRORS.rateLimited(3600));
    await processor()(textEvent());
    expect(waits).toEqual([]);
    expect(sink.deliveries).toEqual([{ outboundId: 'out-1', outcome: { error: 'RATE_LIMITED' } }]);
  });

  it('stops calling WhatsApp for the turn after an undeliverable recipient, recording the code on every reply', async () => {
    const logs = captureLogger();
    graph.failNext(GRAPH_ERRORS.undeliverable);
    await processor({ log: logs.log })(textEvent('my secret text'));
    expect(graph.messagesTo(WA)).toHaveLength(0);
    expect(sink.deliveries.map((d) => d.outcome)).toEqual([{ error: 'INVALID_RECIPIENT' }, { error: 'INVALID_RECIPIENT' }]);
    // Ids and codes only: never the customer's text, number or our token.
    expect(logs.text()).toContain('INVALID_RECIPIENT');
    expect(logs.text()).not.toContain('my secret text');
    expect(logs.text()).not.toContain(WA);
    expect(logs.text()).not.toContain(graph.accessToken);
  });

  it('falls back to the template when WhatsApp says the window closed (131047)', async () => {
    graph.failNext(GRAPH_ERRORS.reEngagement);
    await processor({ templates: { en: { name: 'reopen_chat', language: 'en_US' } } })(textEvent());
    expect(graph.messagesTo(WA).map((c) => c.body.type)).toEqual(['template']);
    expect(sink.deliveries.map((d) => d.outcome)).toEqual([{ error: 'WINDOW_CLOSED' }, { error: 'WINDOW_CLOSED' }]);
  });

  it('refuses with WINDOW_CLOSED for an old message when no template is configured, sending nothing', async () => {
    await processor()(textEvent('hello', new Date(Date.now() - 30 * 60 * 60 * 1000)));
    expect(graph.messagesTo(WA)).toHaveLength(0);
    expect(sink.deliveries.map((d) => d.outcome)).toEqual([{ error: 'WINDOW_CLOSED' }, { error: 'WINDOW_CLOSED' }]);
  });

  it('hands statuses to the recorder with the failure mapped, and skips unknown statuses', async () => {
    await processor()({ kind: 'status', status: waStatus('wamid.A', 'read', WA) });
    await processor()({ kind: 'status', status: waStatus('wamid.A', 'failed', WA, 131026) });
    await processor()({ kind: 'status', status: waStatus('wamid.A', 'deleted', WA) });
    expect(statuses.map((s) => [s.status, s.error])).toEqual([['read', undefined], ['failed', 'INVALID_RECIPIENT']]);
  });

  it('drops an unreadable stored event without throwing', async () => {
    await expect(processor()({ kind: 'message', message: { nope: true } })).resolves.toBeUndefined();
    expect(sink.received).toHaveLength(0);
  });

  it('throws (so the inbox retries) when the bot fails, before anything is sent', async () => {
    sink.answerWith(() => {
      throw new Error('database down');
    });
    await expect(processor()(textEvent())).rejects.toThrow('database down');
    expect(graph.messagesTo(WA)).toHaveLength(0);
  });
});

describe('the 24-hour window', () => {
  let graph: FakeWhatsAppGraph;
  beforeEach(async () => {
    graph = await startFakeWhatsAppGraph({ approvedTemplates: ['reopen_chat/ar'] });
  });
  afterEach(async () => {
    await graph.close();
  });

  it('is open for just under 24 hours after the customer’s last message', () => {
    const now = new Date('2025-06-02T10:00:00Z');
    expect(isWindowOpen(new Date('2025-06-01T10:30:00Z'), now)).toBe(true);
    expect(isWindowOpen(new Date('2025-06-01T10:00:30Z'), now)).toBe(false);
    expect(isWindowOpen(new Date('2025-06-01T09:00:00Z'), now)).toBe(false);
  });

  it('sendOutsideWindow sends the configured template or refuses with WINDOW_CLOSED', async () => {
    const client = createGraphClient({ baseUrl: graph.url, phoneNumberId: graph.phoneNumberId, accessToken: graph.accessToken });
    const templates = { ar: { name: 'reopen_chat', language: 'ar' } };
    const sent = await sendOutsideWindow(client, templates, { to: WA, language: 'ar' });
    expect(sent).toMatchObject({ status: 'template_sent', template: 'reopen_chat' });
    expect(graph.messagesTo(WA)[0]?.body.template).toEqual({ name: 'reopen_chat', language: { code: 'ar' } });
    expect(await sendOutsideWindow(client, templates, { to: WA, language: 'zh' })).toEqual({ status: 'refused', code: 'WINDOW_CLOSED' });
    // A template Meta has not approved fails visibly (132001), it is not "sent".
    expect(await sendOutsideWindow(client, { en: { name: 'not_approved', language: 'en_US' } }, { to: WA, language: 'en' })).toEqual({ status: 'failed', code: 'UNKNOWN' });
  });

  it('a wrong token is AUTH', async () => {
    const client = createGraphClient({ baseUrl: graph.url, phoneNumberId: graph.phoneNumberId, accessToken: 'wrong' });
    await expect(client.send(WA, { type: 'text', text: { body: 'x', preview_url: false } })).rejects.toMatchObject({ code: 'AUTH' });
  });
});
