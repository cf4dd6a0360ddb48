// The staff side of the bot: what staff and agents type in their team workspace (Telegram and LINE team chats, the
// console's command box). Agents work handoffs here (agent-commands.ts). Staff commands (customers, points, tiers,
// segments, campaigns, stats) are for people who joined with an invite code (core/staff); each is checked against
// their role and stores and written to the audit log. Someone who is not staff hears nothing, except an answer to
// `/join CODE` that says no more than whether the code worked; chatter that is not a command is never answered.
import { audit } from '../../core/audit/index.js';
import type { Reply, StaffMessage, StaffSink } from '../../core/conversation/index.js';
import { can, redeemInvite, setStaffLanguage, staffForSender, storesByIds, type StaffAction, type StaffMember } from '../../core/staff/index.js';
import { hitRateLimit, type CoreDeps, type Log } from '../../core/shared/index.js';
import type { AgentDesk } from '../agent/index.js';
import { AGENT_COMMANDS, AGENT_HELP, handleAgentMessage, teamAgent } from './agent-commands.js';
import { campaignCommand } from './campaign-commands.js';
import { commandContext, done, say, type CommandContext, type CommandResult, type StaffCommandDeps } from './context.js';
import { cancelCommand, confirmCommand, customerCommand, pointsCommand, tierCommand } from './customer-commands.js';
import { CATALOGS, directionOf, textsFor, type HelpKey } from './i18n/index.js';
import { segmentCommand } from './segment-commands.js';
import { statsCommand } from './stats-command.js';

export type { StaffCommandDeps } from './context.js';

/**
 * What the staff bot needs. Without `staff`, only /ping, /help and the agents' commands work (as before staff
 * identities existed); with it, staff commands work and strangers get silence.
 */
export interface StaffBotDeps {
  log: Log;
  agents?: CoreDeps & { brandId: string; desk: AgentDesk };
  staff?: StaffCommandDeps;
}

/** /join attempts a sender may make per hour: a code is 50 random bits, and this keeps guessing pointless. */
export const JOIN_ATTEMPTS_PER_HOUR = 5;

/** Which action a /help line needs (null: every staff member). */
const HELP_LINES: ReadonlyArray<[HelpKey, StaffAction | null]> = [
  ['customer', 'customer.view'],
  ['points', 'points.adjust'],
  ['tier', 'tier.set'],
  ['confirm', 'points.adjust'],
  ['segment_view', 'segment.view'],
  ['segment_new', 'segment.create'],
  ['segment_export', 'segment.export'],
  ['campaign_view', 'campaign.view'],
  ['campaign_build', 'campaign.create'],
  ['campaign_approve', 'campaign.approve'],
  ['campaign_send', 'campaign.send'],
  ['stats', 'stats.view'],
  ['lang', null],
  ['ping', null],
];

/** Creates the staff bot. */
export function createStaffBot(deps: StaffBotDeps): StaffSink {
  const log = deps.log.child({ component: 'staff-bot' });
  return {
    async handle(msg: StaffMessage): Promise<Reply[]> {
      const raw = msg.text?.trim() ?? '';
      const parsed = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(raw);
      const command = parsed?.[1]?.toLowerCase();
      const args = parsed?.[2]?.trim() ?? '';
      log.debug({ channel: msg.channel, workspaceId: msg.workspaceId, command: command ?? null }, 'staff workspace message');
      if (command === 'ping') return [{ text: CATALOGS.en.pong, dir: 'ltr' }];
      const staffDeps = deps.staff;
      if (!staffDeps) return legacy(deps, msg, command);
      if (command === 'join') return join(staffDeps, msg, args);

      const staff = await staffForSender(staffDeps, { brandId: staffDeps.brandId, channel: msg.channel, externalId: msg.senderId });
      const agentCommand = command !== undefined && (AGENT_COMMANDS as readonly string[]).includes(command);
      if (agentCommand || (command === undefined && msg.replyToMessageId)) {
        if (!deps.agents) return [];
        // A stranger learns nothing, not even that agents exist here.
        if (!staff && !(await teamAgent(deps.agents, msg))) return [];
        return (await handleAgentMessage(deps.agents, msg)) ?? [];
      }
      // An agent who is not staff still gets the agents' help, as before staff identities.
      if (!staff && command === 'help' && deps.agents && (await teamAgent(deps.agents, msg))) return legacy(deps, msg, command);
      if (!staff || command === undefined) return [];

      const ctx = await commandContext(staffDeps, staff, msg);
      let result: CommandResult;
      try {
        result = await run(ctx, command, args);
      } catch (err) {
        log.error({ err, command, staffId: staff.id }, 'staff command failed');
        result = done(say(ctx, ctx.t.failed), command, 'failed');
      }
      if (result.audit) {
        await audit(staffDeps, {
          brandId: staffDeps.brandId,
          actor: { type: 'staff', id: staff.id },
          action: `staff.${result.audit.action}`,
          ...(result.audit.target !== undefined ? { target: result.audit.target } : {}),
          result: result.audit.result,
          details: { channel: msg.channel, ...result.audit.details },
        });
      }
      return result.replies;
    },
  };

  async function run(ctx: CommandContext, command: string, args: string): Promise<CommandResult> {
    switch (command) {
      case 'help':
      case 'start':
        return help(ctx);
      case 'lang':
        return lang(ctx, args);
      case 'customer':
        return customerCommand(ctx, args);
      case 'points':
        return pointsCommand(ctx, args);
      case 'tier':
        return tierCommand(ctx, args);
      case 'confirm':
        return confirmCommand(ctx);
      case 'cancel':
        return cancelCommand(ctx);
      case 'segment':
        return segmentCommand(ctx, args);
      case 'campaign':
        return campaignCommand(ctx, args);
      case 'stats':
        return statsCommand(ctx, args);
      default:
        return done(say(ctx, ctx.t.unknownCommand(command)), 'unknown_command', 'invalid', { details: { command: command.slice(0, 32) } });
    }
  }

  async function help(ctx: CommandContext): Promise<CommandResult> {
    const { t, staff } = ctx;
    const lines = HELP_LINES.filter(([, action]) => action === null || can(staff.role, action)).map(([key]) => t.help[key]);
    const isAgent = deps.agents !== undefined && (staff.agentId !== null || (await teamAgent(deps.agents, ctx.msg)) !== null);
    const text = [t.helpTitle(staff.name, t.roleName[staff.role]), ...lines, ...(isAgent ? ['', t.agentHelpNote] : [])].join('\n');
    return done(say(ctx, text), 'help', 'ok');
  }

  async function lang(ctx: CommandContext, args: string): Promise<CommandResult> {
    const language = args.trim().toLowerCase();
    if (language !== 'en' && language !== 'ar' && language !== 'zh') return done(say(ctx, ctx.t.langUsage), 'lang', 'invalid');
    await setStaffLanguage(ctx.deps, { brandId: ctx.deps.brandId, staffId: ctx.staff.id, language });
    const staff: StaffMember = { ...ctx.staff, language };
    return done(say({ staff }, textsFor(language).langSet), 'lang', 'ok', { details: { language } });
  }
}

/** Before staff identities: /help for the team, agents' commands, silence otherwise. */
async function legacy(deps: StaffBotDeps, msg: StaffMessage, command: string | undefined): Promise<Reply[]> {
  if (command === 'help') {
    return [
      {
        text: `This is the team workspace. Customer conversations appear here only when handed over to a person.\n\n${AGENT_HELP}\n\n/ping — check the workspace is connected.`,
        dir: 'ltr',
      },
    ];
  }
  if (!deps.agents) return [];
  return (await handleAgentMessage(deps.agents, msg)) ?? [];
}

/** `/join CODE`: the only command a stranger gets an answer to, and it says only whether the code worked. */
async function join(deps: StaffCommandDeps, msg: StaffMessage, args: string): Promise<Reply[]> {
  const en = CATALOGS.en;
  const code = args.trim();
  const limited = await hitRateLimit(deps, { key: `staff-join:${deps.brandId}:${msg.channel}:${msg.senderId}`, limit: JOIN_ATTEMPTS_PER_HOUR, windowMs: 3_600_000 });
  const attempt = { brandId: deps.brandId, actor: { type: 'system' as const, id: 'staff-bot' }, action: 'staff.join', details: { channel: msg.channel } };
  if (!limited.allowed) {
    await audit(deps, { ...attempt, result: 'rate_limited' });
    return [{ text: en.codeNotValid, dir: 'ltr' }];
  }
  if (!code) return [{ text: en.joinUsage, dir: 'ltr' }];
  const outcome = await redeemInvite(deps, { brandId: deps.brandId, code, channel: msg.channel, externalId: msg.senderId });
  switch (outcome.status) {
    case 'invalid':
      await audit(deps, { ...attempt, result: 'invalid' });
      return [{ text: en.codeNotValid, dir: 'ltr' }];
    case 'already_staff': {
      const t = textsFor(outcome.staff.language);
      await audit(deps, { ...attempt, actor: { type: 'staff', id: outcome.staff.id }, result: 'already_staff' });
      return [{ text: t.alreadyStaff(outcome.staff.name, t.roleName[outcome.staff.role]), dir: directionOf(outcome.staff.language) }];
    }
    case 'joined': {
      const t = textsFor(outcome.staff.language);
      const stores = await storesByIds(deps, { brandId: deps.brandId, storeIds: outcome.staff.storeIds });
      return [{ text: t.welcome(outcome.staff.name, t.roleName[outcome.staff.role], stores.length ? stores.map((s) => s.code).join(', ') : null), dir: directionOf(outcome.staff.language) }];
    }
  }
}
