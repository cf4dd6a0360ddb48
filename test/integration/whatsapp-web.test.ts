// The real app (customer bot, PGlite database, durable inbox) with the WhatsApp Web channel, its browser session
// replaced by a stand-in for WhatsApp's servers fed with recorded whatsapp-web.js message events. A customer
// enrolls by answering numbered options and checks the balance; the admin page guards the login QR; groups, our own
// messages and repeated message ids are handled once or not at all; a disconnect schedules a reconnect.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppWebModule, type WhatsAppWebChannelInstance } from '../../adapters/channels/whatsapp-web/index.js';
import { fakeFactory, ManualTimers, wwebMessage, type FakeWwebClient } from '../../adapters/channels/whatsapp-web/whatsapp-web.test-support.js';
import { schema } from '../../db/index.js';
import { eventually } from '../helpers/eventually.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const TOKEN = 'wweb-admin-token-0123456789';

/** The number in front of the option whose label matches, in the numbered list of `text`. */
function optionFor(text: string, label: RegExp): string {
  for (const line of text.split('\n')) {
    const m = /^(\d+)\. (.+)$/.exec(line);
    if (m && label.test(m[2]!)) return m[1]!;
  }
  throw new Error(`no option ${String(label)} in:\n${text}`);
}

describe('WhatsApp Web on pglite', () => {
  const fake = fakeFactory();
  const timers = new ManualTimers();
  let t: TestApp;
  let nextUser = 971500000700;
  const client = (): FakeWwebClient => fake.current();
  const instance = () => t.app.channels.find((c) => c.name === 'whatsapp') as WhatsAppWebChannelInstance;

  beforeAll(async () => {
    t = await startTestApp(
      'pglite',
      { WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_ADMIN_TOKEN: TOKEN },
      { channels: [createWhatsAppWebModule({ clientFactory: () => fake.factory, timers, printQr: () => undefined })] },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = (path: string, authorization?: string) => fetch(`${t.app.url}${path}`, { headers: authorization ? { authorization } : {} });
  const inboundEvents = async () => (await t.app.db.db.select({ n: count() }).from(schema.inboundEvents))[0]!.n;

  /** Emits one recorded message event and returns the texts the bot sent to that chat for it. */
  async function exchange(message: ReturnType<typeof wwebMessage>): Promise<string> {
    const before = client().textsTo(message.from).length;
    client().emit('message', message);
    return eventually(async () => {
      await t.app.inbox.drain();
      const texts = client().textsTo(message.from).slice(before);
      expect(texts.length).toBeGreaterThan(0);
      return texts.join('\n');
    });
  }
  const say = (from: string, body: string) => exchange(wwebMessage(from, { body }));

  it('starts the browser session in the background and shows the QR only to the admin', async () => {
    expect(client().initialized).toBe(true);
    expect((await admin('/admin/whatsapp-web')).status).toBe(401);
    expect((await admin('/admin/whatsapp-web/state')).status).toBe(401);
    expect((await admin('/admin/whatsapp-web/state', 'Bearer not-the-token-at-all')).status).toBe(401);

    client().emit('qr', '2@AbCdEfQrPayload,xyz==,abc==,def==');
    const state = await admin('/admin/whatsapp-web/state', `Bearer ${TOKEN}`);
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ state: 'qr', qr: '2@AbCdEfQrPayload,xyz==,abc==,def==' });
    const page = await admin('/admin/whatsapp-web', `Bearer ${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toMatch(/<img id="qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    expect(html).toMatch(/http-equiv="refresh"/);
    // A browser logs in with Basic (any user, the token as password).
    const basic = await admin('/admin/whatsapp-web', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`);
    expect(basic.status).toBe(200);
    const refused = await admin('/admin/whatsapp-web');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await refused.text()).not.toMatch(/AbCdEfQrPayload/);

    client().emit('ready');
    const ready = (await (await admin('/admin/whatsapp-web/state', `Bearer ${TOKEN}`)).json()) as Record<string, unknown>;
    expect(ready.state).toBe('ready');
    expect(ready.qr).toBeUndefined();
    expect(await (await admin('/admin/whatsapp-web', `Bearer ${TOKEN}`)).text()).not.toMatch(/<img/);
  });

  it('greets, enrolls by numbered options (Arabic-Indic digits too) and shows the balance', async () => {
    const wa = `${nextUser++}@c.us`;
    const greeting = await say(wa, 'hi');
    expect(greeting).toMatch(/Loyalty Club/);
    expect(await say(wa, optionFor(greeting, /Join the club/))).toMatch(/full name/);
    expect(await say(wa, 'Karim Nasser')).toMatch(/date of birth/);
    // WhatsApp vouches for the sender's number, so the sign-up does not ask for it.
    const terms = await say(wa, '1990-03-12');
    expect(terms).not.toMatch(/mobile number/);
    expect(terms).toMatch(/terms/);
    const arabicYes = String.fromCharCode(0x0660 + Number(optionFor(terms, /^I accept$/)));
    const marketing = await say(wa, arabicYes);
    expect(await say(wa, optionFor(marketing, /^No offers$/))).toMatch(/Welcome to the club, Karim Nasser/);
    expect(await say(wa, 'my points')).toMatch(/You have 0 points/);

    // The customer is known by the number WhatsApp gave, and every reply is stored as sent with the sent message's id.
    const [identity] = await t.app.db.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, wa));
    expect(identity?.channel).toBe('whatsapp');
    const [customer] = await t.app.db.db.select().from(schema.customers).where(eq(schema.customers.id, identity!.customerId));
    expect(JSON.stringify(customer)).toContain(wa.replace('@c.us', ''));
    const out = await t.app.db.db.select().from(schema.messages).where(eq(schema.messages.direction, 'out'));
    const sentIds = new Set(client().sent.filter((s) => s.chatId === wa).map((s) => s.id));
    const mine = out.filter((m) => m.platformMessageId !== null && sentIds.has(m.platformMessageId));
    expect(mine.length).toBeGreaterThanOrEqual(7);
    expect(mine.every((m) => m.status === 'sent')).toBe(true);
    for (const text of client().textsTo(wa)) expect(text.length).toBeLessThanOrEqual(4096);
  });

  it('processes a repeated message id once, and never stores group, own or status messages', async () => {
    const wa = `${nextUser++}@c.us`;
    const message = wwebMessage(wa, { body: 'hello' });
    await exchange(message);
    const sent = client().textsTo(wa).length;
    const events = await inboundEvents();

    client().emit('message', message); // WhatsApp Web re-emits messages after a reconnect
    client().emit('message', wwebMessage('120363025246125486@g.us', { author: wa, body: 'hi group' }));
    client().emit('message', wwebMessage(wa, { fromMe: true, body: 'sent from the shop phone' }));
    client().emit('message', wwebMessage('status@broadcast', { isStatus: true, author: wa }));
    // A message from someone else, to know the events above had their chance to be stored.
    await say(`${nextUser++}@c.us`, 'hi');
    await t.app.inbox.drain();
    expect(client().textsTo(wa)).toHaveLength(sent);
    expect(client().textsTo('120363025246125486@g.us')).toEqual([]);
    expect(await inboundEvents()).toBe(events + 1);
  });

  it('schedules a reconnect after a disconnect and answers again once the new session is ready', async () => {
    const clientsBefore = fake.clients.length;
    client().emit('disconnected', 'CONFLICT');
    expect(instance().snapshot()).toMatchObject({ state: 'reconnecting', reconnectAttempts: 1 });
    expect(timers.pending()).toEqual([5_000]);
    expect(fake.clients[clientsBefore - 1]!.destroyed).toBe(true);
    timers.runAll();
    expect(fake.clients.length).toBe(clientsBefore + 1);
    client().emit('ready');
    expect(await say(`${nextUser++}@c.us`, 'hi')).toMatch(/Loyalty Club/);
  });
});
