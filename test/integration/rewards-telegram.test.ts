// A member redeems a reward on Telegram through the real app and grammy, against the fake Bot API: the voucher's
// QR code arrives as an uploaded PNG photo (multipart), captioned with the code.
import type { Update, User } from 'grammy/types';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUpdate, messageUpdate } from '../../adapters/channels/telegram/telegram.test-support.js';
import { schema } from '../../db/index.js';
import { startFakeTelegramApi, type BotApiCall, type FakeTelegramApi } from '../fakes/telegram-bot-api.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { testDbKinds } from '../helpers/test-db.js';

type Keyboard = { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> };
const VOUCHER = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}/;

describe.each(testDbKinds)('rewards on Telegram on %s', (kind) => {
  let api: FakeTelegramApi;
  let t: TestApp;
  let updateId = 7000;
  const user: User = { id: 880011, is_bot: false, first_name: 'Aisha', language_code: 'en' };

  beforeAll(async () => {
    api = await startFakeTelegramApi({ longPollCapMs: 200 });
    t = await startTestApp(kind, { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.url });
    // Aisha (the demo member) has linked her Telegram account: the same customer on a second channel.
    const [aisha] = await t.app.db.db.select().from(schema.channelIdentities).where(eq(schema.channelIdentities.externalId, 'demo-aisha'));
    await t.app.db.db.insert(schema.channelIdentities).values({ brandId: 'demo', customerId: aisha!.customerId, channel: 'telegram', externalId: String(user.id) });
  });
  afterAll(async () => {
    await t?.close();
    await api?.close();
  });

  const mine = (method: string) => api.callsTo(method).filter((c) => String(c.params.chat_id) === String(user.id));

  /** Delivers an update by long polling and waits for `n` more sends (messages or photos) to this chat. */
  async function exchange(update: Update, n = 1): Promise<BotApiCall[]> {
    const before = mine('sendMessage').length + mine('sendPhoto').length;
    api.queueUpdate(update);
    const deadline = Date.now() + 5_000;
    for (;;) {
      const sends = api.calls.filter((c) => (c.method === 'sendMessage' || c.method === 'sendPhoto') && String(c.params.chat_id) === String(user.id));
      if (sends.length >= before + n) return sends.slice(before);
      if (Date.now() > deadline) throw new Error(`expected ${n} sends, got ${sends.length - before}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const text = (t: string) => messageUpdate(updateId++, { text: t }, user);
  const press = (data: string): Update => {
    const u = callbackUpdate(updateId++, `q${updateId}`, data);
    return { ...u, callback_query: { ...u.callback_query!, from: user, message: { ...u.callback_query!.message!, chat: { id: user.id, type: 'private', first_name: 'Aisha' } } } };
  };
  const buttons = (call: BotApiCall | undefined) => (call?.params.reply_markup as Keyboard | undefined)?.inline_keyboard?.flat() ?? [];

  it('lists rewards with inline buttons, confirms, and uploads the voucher QR code as a photo', async () => {
    const [list] = await exchange(text('what can I get?'));
    expect(list?.params.text).toMatch(/You have 6,200 points/);
    const [drink] = await t.app.db.db.select().from(schema.rewards).where(and(eq(schema.rewards.brandId, 'demo'), eq(schema.rewards.code, 'FREE-DRINK')));
    expect(buttons(list).map((b) => b.callback_data)).toContain(`reward:${drink!.id}`);

    const [confirm] = await exchange(press(`reward:${drink!.id}`));
    expect(confirm?.params.text).toMatch(/Redeem “Free regular drink” for 500 points\?/);
    expect(buttons(confirm).map((b) => b.callback_data)).toEqual(['form:yes', 'form:no']);

    const [photo] = await exchange(press('form:yes'));
    expect(photo?.method).toBe('sendPhoto');
    const caption = String(photo?.params.caption);
    expect(caption).toMatch(/Here is your voucher for Free regular drink/);
    expect(caption).toMatch(/You have 5,700 points left/);
    const code = VOUCHER.exec(caption)![0];
    // Uploaded, not linked: `photo` names a multipart part that holds a PNG file.
    expect(String(photo?.params.photo)).toMatch(/^attach:\/\//);
    const file = photo?.params[String(photo.params.photo).slice('attach://'.length)] as { filename: string; size: number };
    expect(file.filename).toBe(`qr-${code}.png`);
    expect(file.size).toBeGreaterThan(300);
    expect(buttons(photo).map((b) => b.callback_data)).toContain('intent:my_vouchers');

    const [voucher] = await t.app.db.db.select().from(schema.vouchers).where(eq(schema.vouchers.code, code));
    expect(voucher?.status).toBe('active');
    // The stored reply keeps the QR payload (for a resend) and is marked delivered.
    const stored = async () =>
      (await t.app.db.db.select().from(schema.messages).where(and(eq(schema.messages.channel, 'telegram'), eq(schema.messages.direction, 'out')))).filter(
        (m) => (m.body as { image?: { qr?: string } }).image?.qr === code,
      );
    await expect.poll(async () => (await stored()).map((m) => m.status)).toEqual(['sent']);
  });

  it('shows the voucher again with its QR code from "my vouchers"', async () => {
    const [list] = await exchange(text('my vouchers'));
    const qrButton = buttons(list).find((b) => b.callback_data.startsWith('voucher:'));
    expect(qrButton?.text).toMatch(/^QR · /);
    const [photo] = await exchange(press(qrButton!.callback_data));
    expect(photo?.method).toBe('sendPhoto');
    expect(String(photo?.params.caption)).toContain(qrButton!.text.slice('QR · '.length));
  });
});
