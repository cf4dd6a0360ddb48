/** The durable inbox for webhook events: accepted once, answered at once, processed in the background. */
export { createInbox, pruneInbox } from './inbox.js';
export type { Inbox, InboxOptions, InboundEvent, EventProcessor } from './inbox.js';
