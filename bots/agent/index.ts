/** The agents' side: the desk (take, reply, notes, hand back, resolve) shared by the team chat and the console. */
export { createAgentDesk, fillPlaceholders, undeliveredText } from './desk.js';
export type { AgentDeskDeps } from './desk.js';
export type { AgentDesk, HandoffNotifier, QueueItem, DeskMessage, DeskNote, CustomerSummary, ConversationView, DeskRefusal, ReplyOutcome, DeskEvent } from './desk-types.js';
export { customerSummary } from './summary.js';
export { registerDeskJobs, DESK_JOBS } from './jobs.js';
export { slaNoticeText } from './sla-text.js';
