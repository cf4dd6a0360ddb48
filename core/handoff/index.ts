/** Handoff between the bot and a person: queue, round-robin assignment, take (one wins), hand back, idle timeout. */
export { requestHandoff, openHandoff, takeHandoff, handBack, touchHandoff, handBackIdle, handoffQueue } from './handoff.js';
export type { Handoff, HandoffReason, RequestResult, TakeResult, HandBackResult } from './handoff.js';
export { assignPersonalShopper, personalShopperOf, MAX_VIPS_PER_SHOPPER, DEFAULT_SHOPPER_TIERS } from './personal-shopper.js';
export type { AssignShopperResult } from './personal-shopper.js';
