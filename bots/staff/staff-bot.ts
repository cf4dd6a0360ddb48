// The staff side of the bot: what staff and agents type in their team workspace. Agents work handoffs here (see
// agent-commands.ts); the other staff commands (customer lookup, points, segments, campaigns) come with the
// staff-commands issue. It answers /help and /ping so a team can check the workspace is wired, and stays quiet
// otherwise: a busy team chat must not be answered message by message.
import type { Reply, StaffMessage, StaffSink } from '../../core/conversation/index.js';
import type { CoreDeps, Log } from '../../core/shared/index.js';
import type { AgentDesk } from '../agent/index.js';
import { AGENT_HELP, handleAgentMessage } from './agent-commands.js';

/** What the staff bot needs; without a desk (and its deps) only /ping and /help work. */
export interface StaffBotDeps {
  log: Log;
  agents?: CoreDeps & { brandId: string; desk: AgentDesk };
}

/** Creates the staff bot. */
export function createStaffBot(deps: StaffBotDeps): StaffSink {
  const log = deps.log.child({ component: 'staff-bot' });
  return {
    async handle(msg: StaffMessage): Promise<Reply[]> {
      const command = /^\/([a-z]+)(?:@\w+)?\b/i.exec(msg.text?.trim() ?? '')?.[1]?.toLowerCase();
      log.debug({ channel: msg.channel, workspaceId: msg.workspaceId, command: command ?? null }, 'staff workspace message');
      switch (command) {
        case 'ping':
          return [{ text: 'pong — this team workspace is connected to the bot.', dir: 'ltr' }];
        case 'help':
          return [
            {
              text: `This is the team workspace. Customer conversations appear here only when handed over to a person.\n\n${AGENT_HELP}\n\n/ping — check the workspace is connected. Staff commands (customer lookup, points, segments, campaigns) are coming.`,
              dir: 'ltr',
            },
          ];
      }
      if (!deps.agents) return [];
      return (await handleAgentMessage(deps.agents, msg)) ?? [];
    },
  };
}
