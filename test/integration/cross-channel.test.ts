// The same person on WhatsApp and LINE: a member on WhatsApp links their LINE chat with a one-time code, then sees
// one balance on LINE and redeems there, through the running app with correctly signed payloads on both webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineChannelModule } from '../../adapters/channels/line/index.js';
import { lineUserId, postbackEvent, signedHeaders, textEvent, webhookBody as lineBody } from '../../adapters/channels/line/line.test-support.js';
import { whatsappChannelModule } from '../../adapters/channels/whatsapp/index.js';
import { signBody } from '../../adapters/channels/whatsapp/whatsapp.signature.js';
import { waMessage, webhookBody as waBody } from '../../adapters/channels/whatsapp/whatsapp.test-support.js';
import { postLedgerEntry } from '../../core/loyalty/index.js';
import { silentLog, systemClock } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';
import { startFakeLineApi, type FakeLineApi } from '../fakes/line-api.js';
import { startFakeWhatsAppGraph, type FakeWhatsAppGraph, type GraphCall } from '../fakes/whatsapp-graph.js';
import { accountOfChannelUser } from '../helpers/loyalty-fixtures.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const LINE_SECRET = 'line-secret-cross-channel';
const WA_SECRET = 'wa-secret-cross-channel-0123';
type LineSent = { text?: string; quickReply?: { items: Array<{ action: { data?: string } }> }; template?: { actions?: Array<{ data?: string }> } };

describe('one customer on WhatsApp and LINE', () => {
  let line: FakeLineApi;
  let graph: FakeWhatsAppGraph;
  let t: TestApp;

  beforeAll(async () => {
    line = await startFakeLineApi();
    graph = await startFakeWhatsAppGraph({ approvedTemplates: [] });
    t = await startTestApp(
      'pglite',
      {
        LINE_CHANNEL_SECRET: LINE_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: line.token,
        LINE_API_BASE_URL: line.url,
        WHATSAPP_APP_SECRET: WA_SECRET,
        WHATSAPP_VERIFY_TOKEN: 'verify',
        WHATSAPP_ACCESS_TOKEN: graph.accessToken,
        WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
        WHATSAPP_GRAPH_API_URL: graph.url,
      },
      { channels: [lineChannelModule, whatsappChannelModule] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await line?.close();
    await graph?.close();
  });

  const waText = (c: GraphCall) => {
    const b = c.body as { type: string; text?: { body: string }; interactive?: { body: { text: string } } };
    return b.type === 'text' ? b.text!.body : (b.interactive?.body.text ?? '');
  };
  async function wa(from: string, text: string, n = 1): Promise<string> {
    const before = graph.messagesTo(from).length;
    const body = JSON.stringify(waBody({ messages: [waMessage(from, 'text', { text: { body: text } })], name: 'Noura' }));
    const res = await fetch(`${t.app.url}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, WA_SECRET) }, body });
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
    return (await graph.waitForMessages(from, before + n)).slice(before).map(waText).join('\n');
  }
  async function onLine(user: string, event: Record<string, unknown>): Promise<LineSent[]> {
    const before = line.messagesTo(user).length;
    const body = lineBody([event]);
    const res = await fetch(`${t.app.url}/line/webhook`, { method: 'POST', headers: signedHeaders(LINE_SECRET, body), body });
    expect(res.status).toBe(200);
    await t.app.inbox.drain();
    return line.messagesTo(user).slice(before);
  }
  const lineText = (sent: LineSent[]) => sent.map((m) => m.text ?? '').join('\n');
  const lineChoices = (sent: LineSent[]) => sent.flatMap((m) => [...(m.quickReply?.items.map((i) => i.action.data ?? '') ?? []), ...(m.template?.actions?.map((a) => a.data ?? '') ?? [])]);

  it('shows one balance on LINE after linking from WhatsApp, and redeems there', async () => {
    const phone = '971501239876';
    // On WhatsApp: join (the number is known, so it is not asked), then earn points.
    expect(await wa(phone, 'join')).toMatch(/full name/);
    await wa(phone, 'Noura Salem');
    await wa(phone, '1993-04-05');
    await wa(phone, 'yes');
    expect(await wa(phone, 'no', 2)).toMatch(/Welcome to the club, Noura Salem/);
    const account = (await accountOfChannelUser(t.app.db.db, phone))!;
    await postLedgerEntry({ db: t.app.db.db, clock: systemClock, log: silentLog }, { accountId: account.id, kind: 'bonus', points: 800, idempotencyKey: `cross:${phone}`, expiresAt: null });
    const code = /link (\d{8})/.exec(await wa(phone, 'link'))?.[1];
    expect(code).toMatch(/^\d{8}$/);

    // On LINE: a new friend, not a member there, until the code links the chat to the same customer.
    const user = lineUserId();
    expect(lineText(await onLine(user, textEvent(user, 'balance', line.issueReplyToken(user))))).toMatch(/not a member yet/);
    const linked = lineText(await onLine(user, textEvent(user, `link ${code}`, line.issueReplyToken(user))));
    expect(linked).toMatch(/Linked!/);
    expect(linked).toMatch(/You have 800 points/);

    // Redeem on LINE: the catalogue, the reward button, yes, the voucher; the balance is the one on WhatsApp too.
    const list = await onLine(user, textEvent(user, 'rewards', line.issueReplyToken(user)));
    const drink = lineChoices(list).find((p) => p.startsWith('reward:'));
    const [reward] = await t.app.db.db.select().from(schema.rewards);
    expect(drink).toBeDefined();
    expect(reward).toBeDefined();
    const confirm = await onLine(user, postbackEvent(user, drink!, line.issueReplyToken(user)));
    expect(lineText(confirm)).toMatch(/Redeem “/);
    const voucher = lineText(await onLine(user, postbackEvent(user, 'form:yes', line.issueReplyToken(user))));
    expect(voucher).toMatch(/Here is your voucher/);
    const after = (await accountOfChannelUser(t.app.db.db, phone))!;
    expect(after.pointsBalance).toBeLessThan(800);
    expect(await wa(phone, 'balance')).toMatch(new RegExp(`You have ${after.pointsBalance} points`));
    expect((await accountOfChannelUser(t.app.db.db, user))?.id).toBe(account.id);
  });

  it('links LINE by phone: a code goes to that number on WhatsApp, the same answer when the number is unknown', async () => {
    const phone = '971501230001';
    await wa(phone, 'join');
    await wa(phone, 'Salma Idris');
    await wa(phone, '1991-02-03');
    await wa(phone, 'yes');
    await wa(phone, 'no', 2);

    const user = lineUserId();
    const before = graph.messagesTo(phone).length;
    const asked = lineText(await onLine(user, textEvent(user, `link +${phone}`, line.issueReplyToken(user))));
    expect(asked).toMatch(/If that number belongs to a member/);
    const sent = (await graph.waitForMessages(phone, before + 1)).slice(before).map(waText).join('\n');
    const code = /link (\d{8})/.exec(sent)?.[1];
    expect(code).toMatch(/^\d{8}$/);
    // The code is bound to the chat that asked for it: anyone else who learns or guesses it gets nowhere.
    const other = lineUserId();
    expect(lineText(await onLine(other, textEvent(other, `link ${code}`, line.issueReplyToken(other))))).toMatch(/doesn't work/);
    expect(lineText(await onLine(user, textEvent(user, `link ${code}`, line.issueReplyToken(user))))).toMatch(/Linked![\s\S]*You have 0 points/);
    expect((await accountOfChannelUser(t.app.db.db, user))?.id).toBe((await accountOfChannelUser(t.app.db.db, phone))?.id);

    // An unknown number gets the very same answer, and nothing is sent anywhere.
    const stranger = lineUserId();
    const calls = graph.calls.length;
    expect(lineText(await onLine(stranger, textEvent(stranger, 'link +971509999111', line.issueReplyToken(stranger))))).toBe(asked);
    expect(graph.calls.length).toBe(calls);
  });
});
