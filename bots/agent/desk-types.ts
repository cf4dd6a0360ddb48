// The agents' desk: the one service both agent surfaces (the staff team chat and the web console) act through, so a
// conversation taken in the console can be answered in the team chat and the rules (one owner, nothing sent after a
// hand back, nothing sent twice) live in one place. The customer bot tells the desk about new handoffs and about
// customer messages that arrive while a person has the conversation (the `HandoffNotifier` port).
import type { ChannelName, PushResult } from '../../core/conversation/index.js';
import type { Handoff } from '../../core/handoff/index.js';

/** What the customer bot tells the agents' side, after its turn committed (never inside the turn's transaction). */
export interface HandoffNotifier {
  /** A new handoff was requested (queued or assigned): alert the team chat and the console. */
  handoffRequested(handoffId: number): Promise<void>;
  /** The customer wrote while the conversation is with a person: relay it to the agent (team-chat thread, console). */
  customerWrote(input: { conversationId: string; messageId: string }): Promise<void>;
}

/** One entry of the queue every agent sees. */
export interface QueueItem {
  handoffId: number;
  conversationId: string;
  customerId: string;
  customerName: string | null;
  channel: ChannelName;
  language: string | null;
  reason: string;
  status: 'queued' | 'assigned';
  agentId: string | null;
  agentName: string | null;
  requestedAt: Date;
  /** The customer's latest message (for the queue's preview). */
  lastMessage: string | null;
}

/** A message of the conversation as an agent sees it. */
export interface DeskMessage {
  id: string;
  direction: 'in' | 'out';
  /** Who wrote an outbound message: the bot, or an agent (with their name). */
  author: { type: 'customer' } | { type: 'bot' } | { type: 'agent'; id: string; name: string };
  text: string | null;
  status: string;
  error: string | null;
  at: Date;
}

/** A private note on a conversation. */
export interface DeskNote {
  id: number;
  agentId: string | null;
  agentName: string | null;
  text: string;
  at: Date;
}

/** The customer panel: who they are to the brand. Texts are raw (escape them when rendering HTML). */
export interface CustomerSummary {
  customerId: string;
  name: string | null;
  language: string | null;
  memberCode: string | null;
  tier: string | null;
  points: number | null;
  /** Latest purchases, newest first. */
  purchases: Array<{ at: Date; amountMinor: number; currency: string; store: string | null }>;
  openTickets: Array<{ id: number; category: string; status: string; priority: string }>;
  channels: Array<{ channel: string; reachable: boolean }>;
  /** True when the member is in a VIP tier; their personal shopper, if any. */
  vip: boolean;
  personalShopper: string | null;
}

/** A conversation opened in the console. */
export interface ConversationView {
  handoff: Handoff;
  channel: ChannelName;
  language: string | null;
  customer: CustomerSummary;
  messages: DeskMessage[];
  notes: DeskNote[];
}

/** Why an agent's action did nothing. Every surface maps these to a clear sentence. */
export type DeskRefusal =
  | { status: 'not_found' }
  /** The conversation was handed back (or resolved) already: nothing is sent. */
  | { status: 'closed' }
  /** Another agent has it. */
  | { status: 'taken_by_other'; agentName: string }
  /** Queued: take it first. */
  | { status: 'not_taken' }
  | { status: 'not_an_agent' };

/** What sending an agent's message did. `duplicate`: the same clientRef was sent already (nothing sent again). */
export type ReplyOutcome = { status: 'sent'; messageId: string } | { status: 'duplicate'; messageId: string } | { status: 'undelivered'; messageId: string; push: Exclude<PushResult, { status: 'sent' }> } | DeskRefusal;

/** Events the console listens to (server-sent events): something changed; reload that part. */
export type DeskEvent =
  | { type: 'queue' }
  | { type: 'message'; handoffId: number; conversationId: string }
  | { type: 'note'; handoffId: number; conversationId: string }
  | { type: 'handoff'; handoffId: number; conversationId: string; status: 'queued' | 'assigned' | 'closed' };

/** The desk every agent surface uses. `agentId` is an authenticated agent's id (the surface checked who it is). */
export interface AgentDesk extends HandoffNotifier {
  queue(): Promise<QueueItem[]>;
  conversation(input: { agentId: string; handoffId: number }): Promise<{ status: 'ok'; view: ConversationView } | DeskRefusal>;
  take(input: { agentId: string; handoffId: number }): Promise<{ status: 'taken'; handoff: Handoff } | DeskRefusal | { status: 'full' }>;
  /** Sends the agent's text to the customer on their channel (and records it). Only the agent who has it may. */
  reply(input: { agentId: string; handoffId: number; text: string; clientRef?: string }): Promise<ReplyOutcome>;
  /** A canned response with its placeholders filled ({name}, {points}, {tier}, {member_code}) in the conversation's language. */
  canned(input: { agentId: string; handoffId: number; name: string }): Promise<{ status: 'ok'; text: string } | { status: 'unknown_canned'; names: string[] } | DeskRefusal>;
  /** Canned responses of the brand in a language, for the console's picker. */
  cannedList(language: string | null): Promise<Array<{ name: string; text: string }>>;
  /** Knowledge-base passages for what the customer asked last (or `query`), for the console's reply box. */
  suggestions(input: { agentId: string; handoffId: number; query?: string }): Promise<Array<{ title: string; text: string }>>;
  note(input: { agentId: string; handoffId: number; text: string }): Promise<{ status: 'added'; noteId: number } | DeskRefusal>;
  /** Returns the conversation to the bot (its language kept) and tells the customer. */
  handBack(input: { agentId: string; handoffId: number }): Promise<{ status: 'handed_back' } | DeskRefusal>;
  /** Hands back, resolves the conversation's open tickets (one is recorded if there was none) and asks the customer for a CSAT rating. */
  resolve(input: { agentId: string; handoffId: number }): Promise<{ status: 'resolved'; ticketId: number } | DeskRefusal>;
  /** The open handoff a team-chat message belongs to (the alert or a relayed message was replied to). */
  handoffForTeamMessage(input: { channel: ChannelName; workspaceId: string; messageId: string }): Promise<number | null>;
  /** The agent a team-chat sender is (agents.telegram_user_id / line_user_id). */
  agentForTeamMember(input: { channel: ChannelName; senderId: string }): Promise<{ id: string; name: string } | null>;
  /** Hands back conversations idle too long (agent silent, or waiting in the queue too long), telling each customer. */
  sweepIdle(): Promise<number>;
  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(listener: (event: DeskEvent) => void): () => void;
}
