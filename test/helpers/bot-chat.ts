// Talks to a customer bot built in the test (no HTTP): one web-chat message at a time, as a chat id.
import { randomUUID } from 'node:crypto';
import type { InboundMessage, InboundSink, Reply } from '../../core/conversation/index.js';
import type { Clock } from '../../core/shared/index.js';

/** send / say / press against `bot()` for a chat id; messages are stamped with the test's clock. */
export function botChat(bot: () => InboundSink, clock: () => Clock) {
  const send = async (chat: string, m: Partial<InboundMessage>): Promise<{ text: string; replies: Reply[] }> => {
    const result = await bot().handle({ channel: 'web', externalUserId: chat, chatId: chat, platformMessageId: randomUUID(), timestamp: clock().now(), ...m });
    const replies = result.replies.map((r) => r.reply);
    return { text: replies.map((r) => r.text).join('\n'), replies };
  };
  return {
    send,
    say: async (chat: string, text: string) => (await send(chat, { text })).text,
    press: async (chat: string, payload: string) => (await send(chat, { payload })).text,
  };
}
