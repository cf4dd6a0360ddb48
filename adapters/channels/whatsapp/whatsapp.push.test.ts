// Sends outside a turn with the real fetch client against the fake Graph API: inside the 24-hour window the reply
// itself; outside it the re-engagement template or nothing, never the free text.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_ERRORS, startFakeWhatsAppGraph, type FakeWhatsAppGraph } from '../../../test/fakes/whatsapp-graph.js';
import { createGraphClient } from './whatsapp.client.js';
import type { WhatsAppConfig } from './whatsapp.config.js';
import { createWhatsAppPush } from './whatsapp.push.js';
import { captureLogger, reply } from './whatsapp.test-support.js';

const WA = '971501234567';
const HOUR = 3600_000;
const TEMPLATES: WhatsAppConfig['templates'] = { en: { name: 'reopen_chat', language: 'en_US' } };
const csat = reply('How did we do? 1 = poor, 5 = great', {
  buttons: ['1', '2', '3', '4', '5'].map((n) => ({ label: n, payload: `csat:42:${n}` })),
});
const agentReply = reply('Hi, this is Sam from the store: yes, the oud is back in stock.', {
  buttons: [
    { label: 'Reserve one', payload: 'reserve' },
    { label: 'No thanks', payload: 'no' },
  ],
});

describe('WhatsApp push', () => {
  let graph: FakeWhatsAppGraph;
  let logs: ReturnType<typeof captureLogger>;
  let unreachable: string[];
  let lastInbound: Date | null;
  const now = new Date('2026-03-01T12:00:00Z');

  const push = (templates: WhatsAppConfig['templates'] = TEMPLATES) =>
    createWhatsAppPush({
      client: createGraphClient({ baseUrl: graph.url, phoneNumberId: graph.phoneNumberId, accessToken: graph.accessToken }),
      templates,
      lastInboundAt: () => Promise.resolve(lastInbound),
      clock: { now: () => now },
      log: logs.log,
      sleep: () => Promise.resolve(),
      markUnreachable: (waId) => {
        unreachable.push(waId);
        return Promise.resolve();
      },
    });
  const freeText = () => graph.messagesTo(WA).filter((c) => c.body.type !== 'template');
  const templatesSent = () => graph.messagesTo(WA).filter((c) => c.body.type === 'template');

  beforeEach(async () => {
    graph = await startFakeWhatsAppGraph({ approvedTemplates: ['reopen_chat/en_US'] });
    logs = captureLogger();
    unreachable = [];
    lastInbound = new Date(now.getTime() - 2 * HOUR);
  });
  afterEach(() => graph.close());

  it('inside the window, sends the reply with its buttons as reply buttons and returns the wamid', async () => {
    const result = await push()(WA, agentReply);
    const [sent] = graph.messagesTo(WA);
    expect(sent?.body).toMatchObject({
      to: WA,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: agentReply.text },
        action: { buttons: [{ type: 'reply', reply: { id: 'reserve', title: 'Reserve one' } }, { type: 'reply', reply: { id: 'no', title: 'No thanks' } }] },
      },
    });
    expect(result).toEqual({ status: 'sent', platformMessageId: sent!.wamid });
  });

  it('renders five or more choices as a list, as turn replies do', async () => {
    await push()(WA, csat);
    expect(graph.messagesTo(WA)[0]?.body).toMatchObject({ type: 'interactive', interactive: { type: 'list', action: { sections: [{ rows: csat.buttons!.map((b) => ({ id: b.payload, title: b.label })) }] } } });
  });

  it('outside the window, sends the re-engagement template instead and returns window_closed with template', async () => {
    lastInbound = new Date(now.getTime() - 25 * HOUR);
    const result = await push()(WA, agentReply);
    expect(result).toEqual({ status: 'window_closed', template: true });
    expect(templatesSent().map((c) => c.body.template)).toEqual([{ name: 'reopen_chat', language: { code: 'en_US' } }]);
    expect(freeText()).toEqual([]);
  });

  it('treats a customer who never wrote as outside the window', async () => {
    lastInbound = null;
    expect(await push()(WA, agentReply)).toEqual({ status: 'window_closed', template: true });
    expect(freeText()).toEqual([]);
  });

  it('outside the window without a template for the language, sends nothing at all', async () => {
    lastInbound = new Date(now.getTime() - 25 * HOUR);
    expect(await push({})(WA, agentReply)).toEqual({ status: 'window_closed', template: false });
    expect(graph.calls).toEqual([]);
  });

  it('when Meta says the window closed (131047), sends the template and returns window_closed', async () => {
    graph.closeWindow(WA);
    const result = await push()(WA, agentReply);
    expect(result).toEqual({ status: 'window_closed', template: true });
    expect(freeText()).toEqual([]);
    expect(templatesSent()).toHaveLength(1);
  });

  it('returns failed BLOCKED_BY_USER for a customer who stopped our messages, marks them unreachable, logs no number or text', async () => {
    graph.block(WA);
    const result = await push()(WA, reply('Sam here: call me on +971509998877'));
    expect(result).toEqual({ status: 'failed', code: 'BLOCKED_BY_USER' });
    expect(unreachable).toEqual([WA]);
    expect(logs.text()).not.toMatch(/971|Sam here/);
    expect(logs.text()).toContain('BLOCKED_BY_USER');
  });

  it('retries a rate-limited send in place, then sends', async () => {
    graph.failNext(GRAPH_ERRORS.rateLimited(1));
    expect(await push()(WA, reply('hello'))).toMatchObject({ status: 'sent' });
    expect(graph.messagesTo(WA)).toHaveLength(1);
  });

  it('returns failed UNKNOWN for a reply WhatsApp would reject, without calling it', async () => {
    expect(await push()(WA, reply('   '))).toEqual({ status: 'failed', code: 'UNKNOWN' });
    expect(graph.calls).toEqual([]);
  });
});
