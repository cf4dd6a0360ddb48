// The desk's scheduled work: conversations an agent left idle, and requests that waited too long, go back to the bot
// (with a message to the customer). Safe to run twice: the hand back is a conditional update.
import type { JobQueue } from '../../core/shared/index.js';
import type { AgentDesk } from './desk-types.js';

/** Names of the desk's jobs. */
export const DESK_JOBS = { sweepIdle: 'handoff.sweep-idle' } as const;

/** Registers the idle sweep and returns the function that declares its schedule (every minute). */
export function registerDeskJobs(queue: JobQueue, desk: AgentDesk, opts: { brandId: string }): () => Promise<void> {
  queue.register(DESK_JOBS.sweepIdle, async () => {
    await desk.sweepIdle();
  });
  return async () => {
    await queue.schedule(`${opts.brandId}:handoff-sweep-idle`, DESK_JOBS.sweepIdle, { everyMs: 60_000 });
  };
}
