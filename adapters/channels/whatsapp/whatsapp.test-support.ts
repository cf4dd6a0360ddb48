// Test-only helpers for the WhatsApp adapter: an in-memory InboundSink, a log capture and webhook body builders
// shaped like the examples in Meta's webhook reference.
import { pino, type Logger } from 'pino';
import type { InboundMessage, InboundSink, Reply, TurnResult } from '../../../core/conversation/message.js';

export const PHONE_NUMBER_ID = '106540352242922';

/** The in-memory implementation of our own `InboundSink` port: each platformMessageId once, like the real core. */
export class MemorySink implements InboundSink {
  readonly received: InboundMessage[] = [];
  readonly deliveries: Array<{ outboundId: string; outcome: { platformMessageId?: string; error?: string } }> = [];
  private readonly turns = new Map<string, TurnResult>();
  private nextId = 1;

  constructor(private respond: (msg: InboundMessage) => Reply[] = () => []) {}

  answerWith(respond: (msg: InboundMessage) => Reply[]): void {
    this.respond = respond;
  }

  handle(msg: InboundMessage): Promise<TurnResult> {
    this.received.push(msg);
    const seen = this.turns.get(msg.platformMessageId);
    if (seen) return Promise.resolve({ duplicate: true, replies: seen.replies });
    const turn = { duplicate: false, replies: this.respond(msg).map((reply) => ({ id: `out-${this.nextId++}`, reply })) };
    this.turns.set(msg.platformMessageId, turn);
    return Promise.resolve(turn);
  }

  recordDelivery(outboundId: string, outcome: { platformMessageId?: string; error?: string }): Promise<void> {
    this.deliveries.push({ outboundId, outcome });
    return Promise.resolve();
  }
}

/** A pino logger writing into memory, so tests can check what was (not) logged. */
export function captureLogger(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, text: () => lines.join('') };
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** A reply as the bot builds it. */
export function reply(text: string, extra: Partial<Reply> = {}): Reply {
  return { text, dir: 'ltr', ...extra };
}

let counter = 0;
/** A fresh wamid in Meta's format. */
export function wamid(): string {
  counter += 1;
  return `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQz${Date.now().toString(36)}${counter}AA==`;
}

/** One inbound message object (`value.messages[]`). */
export function waMessage(from: string, type: string, content: Record<string, unknown>, options: { id?: string; at?: Date } = {}): Record<string, unknown> {
  return {
    from,
    id: options.id ?? wamid(),
    timestamp: String(Math.floor((options.at ?? new Date()).getTime() / 1000)),
    type,
    ...content,
  };
}

/** A whole webhook body carrying messages and/or statuses, as Meta posts it. */
export function webhookBody(input: { messages?: Array<Record<string, unknown>>; statuses?: Array<Record<string, unknown>>; name?: string; phoneNumberId?: string; field?: string }): Record<string, unknown> {
  const senders = [...new Set((input.messages ?? []).map((m) => String(m.from)))];
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: input.field ?? 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: input.phoneNumberId ?? PHONE_NUMBER_ID },
              ...(senders.length > 0 ? { contacts: senders.map((wa_id) => ({ profile: { name: input.name ?? 'Sheena Nelson' }, wa_id })) } : {}),
              ...(input.messages ? { messages: input.messages } : {}),
              ...(input.statuses ? { statuses: input.statuses } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** A status update for a message we sent. */
export function waStatus(id: string, status: string, recipient: string, errorCode?: number): Record<string, unknown> {
  return {
    id,
    status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: recipient,
    ...(errorCode !== undefined ? { errors: [{ code: errorCode, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed.' } }] } : {}),
  };
}
