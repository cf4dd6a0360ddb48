// Test-only: a stand-in for WhatsApp's servers and the browser behind our `WhatsAppWebClient` interface, and recorded
// message events shaped like whatsapp-web.js `Message` objects (the fields it sets for each type).
import type { WhatsAppWebClient, WhatsAppWebEvents, WwebMessageLike, WwebSentMessage } from './whatsapp-web.client.js';
import type { Timers } from './whatsapp-web.connection.js';

/** One text the "phone" received from us. */
export interface SentText {
  chatId: string;
  text: string;
  id: string;
}

/** A WhatsApp Web session as the outside world behaves: events are emitted by the test, sends are recorded. */
export class FakeWwebClient implements WhatsAppWebClient {
  readonly sent: SentText[] = [];
  initialized = false;
  destroyed = false;
  /** Set to make the next sends fail with this error (once each). */
  readonly failNext: Error[] = [];
  /** Set to make `initialize` reject (the browser did not start). */
  initializeError: Error | undefined;
  private readonly listeners = new Map<string, Array<(...args: never[]) => void>>();
  private nextId = 1;

  on<E extends keyof WhatsAppWebEvents>(event: E, listener: WhatsAppWebEvents[E]): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  emit<E extends keyof WhatsAppWebEvents>(event: E, ...args: Parameters<WhatsAppWebEvents[E]>): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }

  initialize(): Promise<void> {
    this.initialized = true;
    return this.initializeError ? Promise.reject(this.initializeError) : Promise.resolve();
  }

  sendMessage(chatId: string, text: string): Promise<WwebSentMessage> {
    const failure = this.failNext.shift();
    if (failure) return Promise.reject(failure);
    const id = `true_${chatId}_3EB0${(this.nextId++).toString(16).toUpperCase().padStart(16, '0')}`;
    this.sent.push({ chatId, text, id });
    return Promise.resolve({ id: { _serialized: id } });
  }

  destroy(): Promise<void> {
    this.destroyed = true;
    return Promise.resolve();
  }

  /** Texts sent to one chat. */
  textsTo(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }
}

/** A factory that records every client it made (a reconnect makes a new one). */
export function fakeFactory(): { factory: () => FakeWwebClient; clients: FakeWwebClient[]; current: () => FakeWwebClient } {
  const clients: FakeWwebClient[] = [];
  return {
    factory: () => {
      const c = new FakeWwebClient();
      clients.push(c);
      return c;
    },
    clients,
    current: () => {
      const c = clients.at(-1);
      if (!c) throw new Error('no client made yet');
      return c;
    },
  };
}

/** Timers that record what was scheduled and run it only when the test says. */
export class ManualTimers implements Timers {
  readonly scheduled: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { fn, ms, cancelled: false };
    this.scheduled.push(entry);
    return entry;
  }
  clearTimeout(handle: unknown): void {
    (handle as { cancelled: boolean }).cancelled = true;
  }
  /** Runs every pending timer (once). */
  runAll(): void {
    for (const e of this.scheduled.splice(0)) if (!e.cancelled) e.fn();
  }
  /** The delays still pending. */
  pending(): number[] {
    return this.scheduled.filter((e) => !e.cancelled).map((e) => e.ms);
  }
}

let counter = 0;
/** A fresh message id as whatsapp-web.js serializes it: `<fromMe>_<chat>_<id>`. */
export function wwebId(from: string, fromMe = false): string {
  counter += 1;
  return `${fromMe}_${from}_3EB0${Date.now().toString(16).toUpperCase()}${counter}`;
}

/** A recorded `message` event: a text (type chat) from a person, with whatever overrides the test needs. */
export function wwebMessage(from: string, overrides: Partial<WwebMessageLike> & { type?: string } = {}): WwebMessageLike {
  const fromMe = overrides.fromMe ?? false;
  return {
    id: { _serialized: wwebId(from, fromMe), fromMe },
    from,
    body: 'hi',
    type: 'chat',
    timestamp: Math.floor(Date.now() / 1000),
    hasMedia: false,
    fromMe,
    isStatus: false,
    broadcast: false,
    location: undefined,
    vCards: [],
    _data: { notifyName: 'Karim' },
    ...overrides,
  };
}

/** A vCard as WhatsApp shares it. */
export function vcard(name: string, waid: string): string {
  return `BEGIN:VCARD\nVERSION:3.0\nN:;${name};;;\nFN:${name}\nTEL;type=CELL;type=VOICE;waid=${waid}:+${waid}\nEND:VCARD`;
}
