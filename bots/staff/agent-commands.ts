// Agents at work in the team chat: /queue, /take, /done, /resolve, /note, /canned, /duty, and replies in a handoff's
// thread relayed to the customer. Which conversation a message is about: the thread it replies to (the alert or a
// relayed customer message), else the number given, else the one conversation the agent has. Every action goes
// through the desk, which enforces who may do what; this file only reads commands and words the outcomes.
import { and, eq } from 'drizzle-orm';
import type { AgentDesk, DeskRefusal, ReplyOutcome } from '../agent/index.js';
import { undeliveredText } from '../agent/index.js';
import type { Reply, StaffMessage } from '../../core/conversation/index.js';
import { findAgentById } from '../../core/agents/index.js';
import { audit } from '../../core/audit/index.js';
import type { CoreDeps } from '../../core/shared/index.js';
import { schema } from '../../db/index.js';

/** What the agent commands need. */
export interface AgentCommandDeps extends CoreDeps {
  brandId: string;
  desk: AgentDesk;
}

/** Commands handled here; the staff bot sends anything else elsewhere. */
export const AGENT_COMMANDS = ['queue', 'take', 'done', 'resolve', 'note', 'canned', 'duty'] as const;

/** The help text of the agent commands. */
export const AGENT_HELP = [
  'Handoffs (for agents):',
  '/queue — open conversations waiting for a person',
  '/take N — take conversation #N (or reply /take to its alert)',
  'Reply to an alert or a relayed customer message to answer that customer on their own channel.',
  '/note N text — a private note (never sent to the customer)',
  '/canned NAME — send a canned response (in a thread, or /canned N NAME)',
  '/done N — hand the conversation back to the bot',
  '/resolve N — hand back, resolve its ticket and ask the customer to rate us',
  '/duty on|off — take new conversations or not',
].join('\n');

const text = (t: string): Reply[] => [{ text: t, dir: 'ltr' }];

/**
 * Handles an agent command, or a reply in a handoff's thread; null when the message is neither (the staff bot then
 * stays quiet: a busy team chat is not answered message by message).
 */
export async function handleAgentMessage(deps: AgentCommandDeps, msg: StaffMessage): Promise<Reply[] | null> {
  const raw = msg.text?.trim() ?? '';
  const command = /^\/([a-z]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(raw);
  const name = command?.[1]?.toLowerCase();
  const isAgentCommand = name !== undefined && (AGENT_COMMANDS as readonly string[]).includes(name);
  const threadHandoff =
    msg.replyToMessageId && msg.channel !== 'console'
      ? await deps.desk.handoffForTeamMessage({ channel: msg.channel, workspaceId: msg.workspaceId, messageId: msg.replyToMessageId })
      : null;
  if (!isAgentCommand && (command || threadHandoff === null || raw === '')) return null;

  const agent = await teamAgent(deps, msg);
  if (!agent) {
    return text(`You are not registered as an agent here (your ${msg.channel} id is ${msg.senderId}). An admin can add you with: npm run admin -- agent add --login … --name … --${msg.channel === 'line' ? 'line' : 'telegram'}-id ${msg.senderId}`);
  }
  if (!isAgentCommand) {
    // A reply in a handoff's thread: the customer gets it. Taking a waiting conversation by answering it is natural.
    return relay(deps, agent, threadHandoff!, raw, msg);
  }
  let args = command?.[2]?.trim() ?? '';
  switch (name) {
    case 'queue':
      return queueReplies(deps);
    case 'duty':
      return duty(deps, agent, args);
  }
  // The conversation: the thread, else a leading number (#12 or 12), else the agent's only conversation.
  let handoffId = threadHandoff;
  const numbered = /^#?(\d{1,12})(?:\s+|$)([\s\S]*)$/.exec(args);
  if (handoffId === null && numbered) {
    handoffId = Number(numbered[1]);
    args = numbered[2]!.trim();
  }
  if (handoffId === null) {
    const mine = (await deps.desk.queue()).filter((q) => q.agentId === agent.id);
    if (mine.length !== 1) return text(mine.length === 0 ? `Which conversation? Use /${name} N (see /queue).` : `You have ${mine.length} conversations: use /${name} N (${mine.map((q) => `#${q.handoffId}`).join(', ')}).`);
    handoffId = mine[0]!.handoffId;
  }
  switch (name) {
    case 'take': {
      const result = await deps.desk.take({ agentId: agent.id, handoffId });
      if (result.status === 'taken') return text(`#${handoffId} is yours, ${agent.name}. Reply to the alert or to the customer's messages to answer; /done ${handoffId} hands back.`);
      if (result.status === 'full') return text(`#${handoffId}: you are at your limit of open conversations; hand one back first.`);
      return refusal(handoffId, result);
    }
    case 'done': {
      const result = await deps.desk.handBack({ agentId: agent.id, handoffId });
      return result.status === 'handed_back' ? text(`#${handoffId} is back with the bot.`) : refusal(handoffId, result);
    }
    case 'resolve': {
      const result = await deps.desk.resolve({ agentId: agent.id, handoffId });
      return result.status === 'resolved' ? text(`#${handoffId} resolved (ticket #${result.ticketId}); the customer was asked to rate us.`) : refusal(handoffId, result);
    }
    case 'note': {
      if (!args) return text('Usage: /note N text (or reply /note text in the thread).');
      const result = await deps.desk.note({ agentId: agent.id, handoffId, text: args.slice(0, 4000) });
      return result.status === 'added' ? text(`Note added to #${handoffId}.`) : refusal(handoffId, result);
    }
    case 'canned': {
      if (!args) return text('Usage: /canned NAME (in the thread) or /canned N NAME.');
      const canned = await deps.desk.canned({ agentId: agent.id, handoffId, name: args });
      if (canned.status === 'unknown_canned') return text(`No canned response "${args}". Known: ${canned.names.join(', ') || 'none yet'}.`);
      if (canned.status !== 'ok') return refusal(handoffId, canned);
      return relay(deps, agent, handoffId, canned.text, msg);
    }
  }
  return null;
}

/** The agent behind a team-chat sender; on the console the sender id is the signed-in agent's own id. */
export async function teamAgent(deps: AgentCommandDeps, msg: StaffMessage): Promise<{ id: string; name: string } | null> {
  if (msg.channel !== 'console') return deps.desk.agentForTeamMember({ channel: msg.channel, senderId: msg.senderId });
  const agent = await findAgentById(deps, { brandId: deps.brandId, id: msg.senderId });
  return agent?.active ? { id: agent.id, name: agent.name } : null;
}

/** Sends an agent's text to the customer; says nothing back when it went out (the thread is the record). */
async function relay(deps: AgentCommandDeps, agent: { id: string; name: string }, handoffId: number, body: string, msg: StaffMessage): Promise<Reply[]> {
  const clientRef = `${msg.channel}:${msg.workspaceId}:${msg.platformMessageId}`;
  let result: ReplyOutcome = await deps.desk.reply({ agentId: agent.id, handoffId, text: body.slice(0, 4000), clientRef });
  if (result.status === 'not_taken') {
    const taken = await deps.desk.take({ agentId: agent.id, handoffId });
    if (taken.status !== 'taken') return taken.status === 'full' ? text(`#${handoffId}: you are at your limit of open conversations; nothing was sent.`) : refusal(handoffId, taken);
    result = await deps.desk.reply({ agentId: agent.id, handoffId, text: body.slice(0, 4000), clientRef });
  }
  switch (result.status) {
    case 'sent':
    case 'duplicate':
      return [];
    case 'undelivered':
      return text(`#${handoffId}: not delivered — ${undeliveredText(result.push)}.`);
    default:
      return refusal(handoffId, result);
  }
}

/** Refusals in words; "nothing was sent" where a message was at stake. */
export function refusal(handoffId: number, r: DeskRefusal): Reply[] {
  switch (r.status) {
    case 'not_found':
      return text(`There is no conversation #${handoffId}.`);
    case 'closed':
      return text(`#${handoffId} was already handed back to the bot; nothing was sent.`);
    case 'taken_by_other':
      return text(`#${handoffId} is with ${r.agentName}; nothing was sent.`);
    case 'not_taken':
      return text(`#${handoffId} is waiting in the queue: /take ${handoffId} first.`);
    case 'not_an_agent':
      return text('Your agent account is not active.');
  }
}

async function queueReplies(deps: AgentCommandDeps): Promise<Reply[]> {
  const items = await deps.desk.queue();
  if (items.length === 0) return text('No conversations are waiting for a person.');
  const now = deps.clock.now().getTime();
  return text(
    [
      `Open conversations (${items.length}):`,
      ...items.map((q) => {
        const minutes = Math.max(0, Math.round((now - q.requestedAt.getTime()) / 60_000));
        return `#${q.handoffId} ${q.customerName ?? 'Customer'} · ${q.channel} · ${q.reason} · ${q.status === 'assigned' ? `with ${q.agentName ?? '?'}` : `waiting ${minutes} min`}`;
      }),
    ].join('\n'),
  );
}

async function duty(deps: AgentCommandDeps, agent: { id: string; name: string }, args: string): Promise<Reply[]> {
  const on = /^on$/i.test(args) ? true : /^off$/i.test(args) ? false : null;
  if (on === null) return text('Usage: /duty on or /duty off.');
  await deps.db.update(schema.agents).set({ onDuty: on }).where(and(eq(schema.agents.id, agent.id), eq(schema.agents.brandId, deps.brandId)));
  await audit(deps, { brandId: deps.brandId, actor: { type: 'agent', id: agent.id }, action: on ? 'agent.on_duty' : 'agent.off_duty', result: 'ok' });
  return text(on ? `${agent.name}, you are on duty: new conversations can be assigned to you.` : `${agent.name}, you are off duty: no new conversations will be assigned to you.`);
}
