// The staff bot behind the real Telegram adapter and grammy, against a fake Bot API server on 127.0.0.1: a new staff
// member joins privately with an invite code, works in the staff group (/help, /customer, /stats with its chart as a
// photo), and a stranger in the same group gets no answer at all.
import type { Update, User } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramChannel, type TelegramChannel } from '../../adapters/channels/telegram/telegram.channel.js';
import { MemorySink, messageUpdate, silentLogger } from '../../adapters/channels/telegram/telegram.test-support.js';
import { createStaffBot } from '../../bots/staff/index.js';
import { ManualClock, silentLog, type CoreDeps } from '../../core/shared/index.js';
import { createInvite } from '../../core/staff/index.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-bot-api.js';
import { createBrand, createMember } from '../helpers/loyalty-fixtures.js';
import { createTestDb, testDbKinds } from '../helpers/test-db.js';

const GROUP = -1005550001;
const mona: User = { id: 71001, is_bot: false, first_name: 'Mona' };
const stranger: User = { id: 71002, is_bot: false, first_name: 'Eve' };

describe.each(testDbKinds)('staff commands over Telegram on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let deps: CoreDeps;
  let brandId: string;
  let fake: FakeTelegramApi;
  let channel: TelegramChannel;
  let updateId = 100;

  const inGroup = (from: User, text: string): Update => {
    const u = messageUpdate(updateId++, { text }, from);
    return { ...u, message: { ...u.message!, chat: { id: GROUP, type: 'supergroup', title: 'Team' } } };
  };
  const sentTo = (chatId: number) => fake.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId)).map((c) => String(c.params.text));

  beforeAll(async () => {
    handle = await createTestDb(kind);
    deps = { db: handle.db, clock: new ManualClock(new Date('2026-11-22T08:00:00Z')), log: silentLog };
    brandId = (await createBrand(handle.db)).brandId;
    await createMember(deps, brandId, { name: 'Layla Haddad', phone: '+971501234567' });
    fake = await startFakeTelegramApi();
    channel = createTelegramChannel({
      token: fake.token,
      apiRoot: fake.url,
      sink: new MemorySink(() => []),
      staffSink: createStaffBot({ log: silentLog, staff: { ...deps, brandId } }),
      staffChats: [String(GROUP)],
      log: silentLogger,
      botInfo: fake.botInfo,
    });
  });
  afterAll(async () => {
    await fake?.close();
    await handle?.cleanup();
  });

  it('joins privately, then answers the staff member in the group and nobody else', async () => {
    const invite = await createInvite(deps, { brandId, name: 'Mona Saleh', role: 'admin', storeIds: [], createdBy: 'test' });
    if (invite.status !== 'created') throw new Error(invite.status);

    // Before joining, Mona is a stranger too: nothing comes back in the group.
    await channel.handleUpdate(inGroup(mona, '/help'));
    expect(sentTo(GROUP)).toEqual([]);

    await channel.handleUpdate(messageUpdate(updateId++, { text: `/join ${invite.code}` }, mona));
    expect(sentTo(mona.id)).toEqual([expect.stringContaining('Welcome to the team, Mona Saleh. Your role: CRM administrator.')]);
    await channel.handleUpdate(messageUpdate(updateId++, { text: '/join ZZZZZ-ZZZZZ' }, stranger));
    expect(sentTo(stranger.id)).toEqual(['That code is not valid. Ask your CRM administrator for a new one.']);

    await channel.handleUpdate(inGroup(mona, '/help'));
    expect(sentTo(GROUP).at(-1)).toMatch(/^Mona Saleh · CRM administrator\. Your commands:\n\/customer/);
    await channel.handleUpdate(inGroup(mona, '/customer 050 123 4567'));
    expect(sentTo(GROUP).at(-1)).toMatch(/^👤 Layla Haddad · member \d{10}/);

    await channel.handleUpdate(inGroup(mona, '/stats 7d'));
    expect(sentTo(GROUP).at(-1)).toMatch(/^📊 Last 7 days/);
    expect(fake.callsTo('sendPhoto')).toHaveLength(1);
    expect(fake.callsTo('sendPhoto')[0]!.params).toMatchObject({ chat_id: GROUP });

    const before = fake.calls.filter((c) => c.method.startsWith('send')).length;
    for (const text of ['/help', '/customer 0501234567', '/stats', '/points add 0501234567 10 x', 'hi all']) await channel.handleUpdate(inGroup(stranger, text));
    expect(fake.calls.filter((c) => c.method.startsWith('send')).length).toBe(before);
  });
});
