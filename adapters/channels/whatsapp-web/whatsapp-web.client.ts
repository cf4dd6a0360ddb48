// The small slice of whatsapp-web.js the adapter uses, behind our own interface: the adapter's logic (normalize,
// render, deliver, reconnect, QR state) is tested with a stand-in for WhatsApp's servers and the browser, and only
// `createPuppeteerClientFactory` touches the real library (loaded lazily, so importing the channel never loads puppeteer).
import type { Client as WwebClient } from 'whatsapp-web.js';

/**
 * A message as whatsapp-web.js emits it, reduced to the fields we read. The real `Message` has many more (and a
 * reference to its client); recorded test events are plain objects of this shape.
 */
export interface WwebMessageLike {
  id: { _serialized: string; fromMe?: boolean };
  /** The chat the message came from: `<number>@c.us` for a person, `<id>@lid` for a hidden number, `…@g.us` for a group. */
  from: string;
  /** Text, a media caption, or (vcard) the card itself; for other types whatever WhatsApp Web put there. */
  body?: string;
  /** whatsapp-web.js `MessageTypes`: chat, image, ptt, audio, video, document, sticker, location, vcard, multi_vcard… */
  type: string;
  /** Unix seconds. */
  timestamp: number;
  hasMedia?: boolean;
  fromMe?: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  /** Set in groups: the member who wrote. */
  author?: string;
  location?: { latitude?: number | string; longitude?: number | string } | undefined;
  vCards?: string[];
  /** The raw WhatsApp Web model; only `notifyName` (the sender's profile name) is read. */
  _data?: { notifyName?: unknown };
}

/** A message we sent, as whatsapp-web.js returns it. */
export interface WwebSentMessage {
  id: { _serialized: string };
}

/** The events the adapter listens to (whatsapp-web.js `Events`). */
export interface WhatsAppWebEvents {
  /** A new QR to scan with the phone (WhatsApp → Linked devices); a new one comes every ~20 s until scanned. */
  qr: (qr: string) => void;
  /** Logged in and ready to send and receive. */
  ready: () => void;
  /** An incoming (or own, `fromMe`) message. */
  message: (message: WwebMessageLike) => void;
  /** The connection ended; `LOGOUT` when the phone removed the linked device (the session is gone). */
  disconnected: (reason: string) => void;
  /** A stored session could not be restored. */
  auth_failure: (message: string) => void;
}

/** The WhatsApp Web client the adapter drives. One instance is one browser session; after `destroy` a new one is made. */
export interface WhatsAppWebClient {
  on<E extends keyof WhatsAppWebEvents>(event: E, listener: WhatsAppWebEvents[E]): void;
  /** Launches the browser and opens WhatsApp Web; resolves once the page is up (not when logged in: wait for `ready`). */
  initialize(): Promise<void>;
  /** Sends a text message to a chat id (`<number>@c.us`). */
  sendMessage(chatId: string, text: string): Promise<WwebSentMessage>;
  /** Closes the browser. */
  destroy(): Promise<void>;
}

/** Makes a fresh client (called at start and for every reconnect). */
export type WhatsAppWebClientFactory = () => WhatsAppWebClient;

/** What the real client needs. */
export interface PuppeteerClientOptions {
  /** LocalAuth's folder: the logged-in session survives restarts there. */
  sessionDir: string;
  /** The chromium executable (no browser is downloaded). */
  chromiumPath: string;
}

// Chromium flags for a server: no sandbox (containers run as root), no GPU, /tmp instead of a small /dev/shm.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-setuid-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-zygote'];

/**
 * The factory of real clients: whatsapp-web.js with LocalAuth and the given chromium. The library is imported on the
 * first `initialize`, so constructing the channel (and every test) never loads puppeteer.
 */
export function createPuppeteerClientFactory(options: PuppeteerClientOptions): WhatsAppWebClientFactory {
  return () => {
    // The library's `on` is typed per event with its own classes; ours are structural subsets of them.
    type AnyListener = (...args: unknown[]) => void;
    const listeners: Array<[string, AnyListener]> = [];
    let real: WwebClient | undefined;
    let destroyed = false;
    return {
      on(event, listener) {
        listeners.push([event, listener as AnyListener]);
        (real as { on(event: string, listener: AnyListener): unknown } | undefined)?.on(event, listener as AnyListener);
      },
      async initialize() {
        const wweb = (await import('whatsapp-web.js')).default;
        if (destroyed) return;
        real = new wweb.Client({
          authStrategy: new wweb.LocalAuth({ dataPath: options.sessionDir }),
          puppeteer: { executablePath: options.chromiumPath, headless: true, args: CHROMIUM_ARGS },
        });
        const emitter = real as { on(event: string, listener: AnyListener): unknown };
        for (const [event, listener] of listeners) emitter.on(event, listener);
        await real.initialize();
      },
      async sendMessage(chatId, text) {
        if (!real) throw new Error('WhatsApp Web client not initialized');
        // linkPreview off: a link in a reply must not make WhatsApp Web fetch it from the shop's browser.
        const sent = await real.sendMessage(chatId, text, { linkPreview: false });
        return { id: { _serialized: sent.id._serialized } };
      },
      async destroy() {
        destroyed = true;
        await real?.destroy();
      },
    };
  };
}
