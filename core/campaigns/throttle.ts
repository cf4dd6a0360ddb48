// Flow control of one worker process: a token bucket per channel (platform rate limits: Telegram allows about 30
// messages a second to different users) and a cap on pushes in flight, shared by every batch running here.
import type { ChannelName } from '../conversation/message.js';

/** Default messages per second per channel; channels not named here are unlimited unless configured. */
export const DEFAULT_RATE_LIMITS: Partial<Record<ChannelName, number>> = { telegram: 30 };

/** Waits for a token of one channel's bucket; the bucket refills continuously at `perSecond` and holds one second. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** Resolves when a message may go. Callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.wait());
    this.queue = turn;
    return turn;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}

/** Per-channel buckets from configured limits (0 or absent = no bucket). */
export class ChannelLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(limits: Partial<Record<ChannelName, number>> = {}) {
    const merged = { ...DEFAULT_RATE_LIMITS, ...limits };
    for (const [channel, perSecond] of Object.entries(merged)) {
      if (perSecond !== undefined && perSecond > 0) this.buckets.set(channel, new TokenBucket(perSecond));
    }
  }

  /** Resolves when one message may go on `channel`. */
  async take(channel: string): Promise<void> {
    await this.buckets.get(channel)?.take();
  }
}

/** At most `limit` tasks at once; the rest wait their turn. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiter, so a newcomer can never slip in between.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
