// Test-only helpers for the Telegram adapter tests: an in-memory InboundSink, a log capture and update fixtures.
import type { Message, Update, User } from 'grammy/types';
import { pino, type Logger } from 'pino';
import type { InboundMessage, InboundSink, Reply, TurnResult } from '../../../core/conversation/message.js';

/** One `recordDelivery` call seen by `MemorySink`. */
export interface RecordedDelivery {
  outboundId: string;
  outcome: { platformMessageId?: string; error?: string };
}

/**
 * The in-memory implementation of our own `InboundSink` port: processes each platformMessageId once
 * (like the real core) and answers with replies the test chooses.
 */
export class MemorySink implements InboundSink {
  /** Every call to `handle`, duplicates included. */
  readonly received: InboundMessage[] = [];
  /** Messages that had an effect (first delivery of each platformMessageId). */
  readonly processed: InboundMessage[] = [];
  readonly deliveries: RecordedDelivery[] = [];
  private readonly turns = new Map<string, TurnResult>();
  private nextId = 1;

  constructor(private respond: (msg: InboundMessage) => Reply[] | Promise<Reply[]> = () => []) {}

  /** Changes how later messages are answered. */
  answerWith(respond: (msg: InboundMessage) => Reply[] | Promise<Reply[]>): void {
    this.respond = respond;
  }

  async handle(msg: InboundMessage): Promise<TurnResult> {
    this.received.push(msg);
    const key = `${msg.channel}:${msg.platformMessageId}`;
    const seen = this.turns.get(key);
    if (seen) return { duplicate: true, replies: seen.replies };
    this.processed.push(msg);
    const replies = (await this.respond(msg)).map((reply) => ({ id: `out-${this.nextId++}`, reply }));
    const turn = { duplicate: false, replies };
    this.turns.set(key, turn);
    return turn;
  }

  recordDelivery(outboundId: string, outcome: { platformMessageId?: string; error?: string }): Promise<void> {
    this.deliveries.push({ outboundId, outcome });
    return Promise.resolve();
  }
}

/** A pino logger writing into memory, so tests can check what was (not) logged. */
export function captureLogger(): { log: Logger; text: () => string; entries: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return {
    log,
    text: () => lines.join(''),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** The customer in fixtures. */
export const customer: User = { id: 4242, is_bot: false, first_name: 'Lina', last_name: 'Haddad', language_code: 'ar' };

/** A private-chat message update from `customer`. */
export function messageUpdate(updateId: number, fields: Partial<Message>, from: User = customer): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId * 10,
      date: 1_767_225_600, // 2026-01-01T00:00:00Z
      chat: { id: from.id, type: 'private', first_name: from.first_name },
      from,
      ...fields,
    } as Message & { from: User; chat: { id: number; type: 'private'; first_name: string } },
  };
}

/** A text message update from `customer`. */
export function textUpdate(updateId: number, text: string): Update {
  return messageUpdate(updateId, { text });
}

/** A button press by `customer` on the bot message `messageId`. */
export function callbackUpdate(updateId: number, queryId: string, data: string, messageId = 77): Update {
  return {
    update_id: updateId,
    callback_query: {
      id: queryId,
      from: customer,
      chat_instance: 'ci-1',
      data,
      message: {
        message_id: messageId,
        date: 1_767_225_500,
        chat: { id: customer.id, type: 'private', first_name: customer.first_name },
        text: 'Pick one',
      },
    },
  };
}

/** A plain text reply. */
export function reply(text: string, extra: Partial<Reply> = {}): Reply {
  return { text, dir: 'ltr', ...extra };
}
