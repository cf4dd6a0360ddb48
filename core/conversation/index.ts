/** Conversations: normalized messages, dedupe, stored dialogue state and history. */
export * from './message.js';
export {
  lockConversation,
  peekConversation,
  lastInboundAt,
  saveConversation,
  recordInbound,
  findInbound,
  recordOutbound,
  repliesTo,
  markDelivery,
  recordDeliveryStatus,
  conversationHistory,
} from './conversation-store.js';
export type { Conversation, HistoryItem } from './conversation-store.js';
export { storePush, deliverPush, mergeConversationState } from './push.js';
export type { PushTarget } from './push.js';
