// Sends outside a turn (push) and team-chat posts, with the real @line/bot-sdk client against the fake Messaging API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINE_API_ERRORS, startFakeLineApi, type FakeLineApi } from '../../../test/fakes/line-api.js';
import { createLineChannel, type LineChannel } from './line.channel.js';
import { lineEvent } from './line.events.js';
import { toLineStaffMessage } from './line.normalize.js';
import { captureLogger, lineUserId, MemoryInbox, MemorySink, reply, textEvent } from './line.test-support.js';

const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
const GROUP_A = `C${'a'.repeat(32)}`;
const GROUP_B = `C${'b'.repeat(32)}`;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const csat = reply('How did we do? 1 = poor, 5 = great', {
  buttons: ['1', '2', '3', '4', '5'].map((n) => ({ label: n, payload: `csat:42:${n}` })),
});

describe('LINE push and team posts against the fake Messaging API', () => {
  let api: FakeLineApi;
  let channel: LineChannel;
  let logs: ReturnType<typeof captureLogger>;
  let unreachable: string[];

  beforeEach(async () => {
    api = await startFakeLineApi();
    logs = captureLogger();
    unreachable = [];
    channel = createLineChannel({
      config: { channelSecret: SECRET, accessToken: api.token, apiBaseUrl: api.url, staffGroupIds: [GROUP_A, GROUP_B] },
      sink: new MemorySink(),
      inbox: new MemoryInbox(),
      log: logs.log,
      sleep: () => Promise.resolve(),
      markUnreachable: (userId) => {
        unreachable.push(userId);
        return Promise.resolve();
      },
    });
  });
  afterEach(() => api.close());

  it('pushes a reply with its buttons as quick replies, with a fresh UUID retry key, and returns LINE’s message id', async () => {
    const user = lineUserId();
    const result = await channel.push(user, csat);
    const [call] = api.callsTo('push');
    expect(call?.body).toMatchObject({
      to: user,
      messages: [{ type: 'text', text: csat.text, quickReply: { items: csat.buttons!.map((b) => ({ type: 'action', action: { type: 'postback', label: b.label, data: b.payload } })) } }],
    });
    expect(call?.retryKey).toMatch(UUID_V4);
    expect(result).toEqual({ status: 'sent', platformMessageId: expect.stringMatching(/^\d+$/) as unknown });
    expect(api.callsTo('reply')).toHaveLength(0);

    await channel.push(user, reply('Thanks!'));
    expect(new Set(api.callsTo('push').map((c) => c.retryKey)).size).toBe(2);
  });

  it('splits a long text as turn replies are, five messages per push call, each call with its own key', async () => {
    const user = lineUserId();
    const long = Array.from({ length: 6 }, (_, i) => `${String(i + 1)} ${'x'.repeat(4990)}`).join('\n');
    const result = await channel.push(user, reply(long));
    const pushes = api.callsTo('push');
    expect(pushes.map((c) => (c.body.messages as unknown[]).length)).toEqual([5, 1]);
    expect(new Set(pushes.map((c) => c.retryKey)).size).toBe(2);
    expect(api.messagesTo(user)).toHaveLength(6);
    expect(result.status).toBe('sent');
  });

  it('returns failed BLOCKED_BY_USER for a user who blocked the bot, marks them unreachable, and logs no text', async () => {
    const user = lineUserId();
    api.block(user);
    const result = await channel.push(user, reply('Your agent says: call me on +971501234567'));
    expect(result).toEqual({ status: 'failed', code: 'BLOCKED_BY_USER' });
    expect(unreachable).toEqual([user]);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'line push failed', code: 'BLOCKED_BY_USER' }));
    expect(logs.text()).not.toMatch(/501234567|agent says/);
  });

  it('retries a push on 5xx with the same key, and returns TEMPORARY once the tries are spent', async () => {
    const user = lineUserId();
    api.failNext('push', LINE_API_ERRORS.internal);
    expect(await channel.push(user, reply('hello'))).toMatchObject({ status: 'sent' });
    const [first, second] = api.callsTo('push');
    expect(first?.retryKey).toBe(second?.retryKey);

    for (let i = 0; i < 3; i++) api.failNext('push', LINE_API_ERRORS.internal);
    expect(await channel.push(user, reply('hello'))).toEqual({ status: 'failed', code: 'TEMPORARY' });
  });

  it('returns failed UNKNOWN for a reply LINE would reject, without calling LINE', async () => {
    expect(await channel.push(lineUserId(), reply('  '))).toEqual({ status: 'failed', code: 'UNKNOWN' });
    expect(api.calls).toHaveLength(0);
  });

  it('posts in every staff group and returns each post with LINE’s message id', async () => {
    const posts = await channel.postToTeam('#12 Lina asks for a person');
    expect(api.callsTo('push').map((c) => c.body.to)).toEqual([GROUP_A, GROUP_B]);
    expect(api.messagesTo(GROUP_A)).toEqual([{ type: 'text', text: '#12 Lina asks for a person' }]);
    expect(api.callsTo('push').map((c) => c.status)).toEqual([200, 200]);
    expect(posts).toEqual([
      { channel: 'line', workspaceId: GROUP_A, messageId: expect.stringMatching(/^\d+$/) as unknown },
      { channel: 'line', workspaceId: GROUP_B, messageId: expect.stringMatching(/^\d+$/) as unknown },
    ]);
    expect(posts[0]?.messageId).not.toBe(posts[1]?.messageId);
  });

  it('posts a thread reply only in the thread’s group (LINE has no reply-to for pushes)', async () => {
    const [alert] = await channel.postToTeam('#12 waiting');
    api.clearCalls();
    const posts = await channel.postToTeam('#12 taken by Sam', { replyTo: { channel: 'line', workspaceId: GROUP_B, messageId: alert!.messageId } });
    expect(api.callsTo('push').map((c) => c.body.to)).toEqual([GROUP_B]);
    expect(posts).toEqual([{ channel: 'line', workspaceId: GROUP_B, messageId: expect.stringMatching(/^\d+$/) as unknown }]);
    // A thread of another channel, or a group that is not a staff workspace, gets nothing.
    expect(await channel.postToTeam('x', { replyTo: { channel: 'telegram', workspaceId: GROUP_B, messageId: '5' } })).toEqual([]);
    expect(await channel.postToTeam('x', { replyTo: { channel: 'line', workspaceId: `C${'c'.repeat(32)}`, messageId: '5' } })).toEqual([]);
    expect(api.callsTo('push')).toHaveLength(1);
  });

  it('skips a group whose post fails, logging its code only, and still posts in the others', async () => {
    api.block(GROUP_A);
    const posts = await channel.postToTeam('#13 secret customer text');
    expect(posts.map((p) => p.workspaceId)).toEqual([GROUP_B]);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: 'line team post failed', workspaceId: GROUP_A, code: 'BLOCKED_BY_USER' }));
    expect(logs.text()).not.toContain('secret customer text');
  });

  it('posts nothing when no staff group is configured', async () => {
    const lonely = createLineChannel({
      config: { channelSecret: SECRET, accessToken: api.token, apiBaseUrl: api.url, staffGroupIds: [] },
      sink: new MemorySink(),
      inbox: new MemoryInbox(),
      log: logs.log,
    });
    expect(await lonely.postToTeam('hello')).toEqual([]);
    expect(api.calls).toHaveLength(0);
  });
});

describe('toLineStaffMessage', () => {
  const staffer = lineUserId();
  const groupEvent = (message: Record<string, unknown>) =>
    lineEvent.parse({ ...textEvent(staffer, 'x'), source: { type: 'group', groupId: GROUP_A, userId: staffer }, message });

  it('carries LINE’s message id, and a quoted message as replyToMessageId (a thread)', () => {
    const msg = toLineStaffMessage(groupEvent({ id: '600000000000000123', type: 'text', text: 'On it', quotedMessageId: '600000000000000001' }), GROUP_A, staffer);
    expect(msg).toMatchObject({ channel: 'line', workspaceId: GROUP_A, senderId: staffer, text: 'On it', platformMessageId: '600000000000000123', replyToMessageId: '600000000000000001' });
  });

  it('has no replyToMessageId when nothing is quoted', () => {
    const msg = toLineStaffMessage(groupEvent({ id: '600000000000000124', type: 'text', text: '/queue' }), GROUP_A, staffer);
    expect(msg).not.toHaveProperty('replyToMessageId');
    expect(msg?.platformMessageId).toBe('600000000000000124');
  });
});
