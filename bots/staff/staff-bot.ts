// The staff side of the bot: what staff and agents type in their team workspace. This is the plumbing (routing,
// replies in the same group and topic); the commands themselves (customer lookup, points, segments, campaigns) come
// with the staff-commands issue. Until then it answers /help and /ping so a team can check the workspace is wired,
// and stays quiet otherwise: a busy team chat must not be answered message by message.
import type { Reply, StaffMessage, StaffSink } from '../../core/conversation/index.js';
import type { Log } from '../../core/shared/index.js';

/** Creates the staff bot. */
export function createStaffBot(deps: { log: Log }): StaffSink {
  const log = deps.log.child({ component: 'staff-bot' });
  return {
    handle(msg: StaffMessage): Promise<Reply[]> {
      const command = /^\/([a-z]+)(?:@\w+)?\b/i.exec(msg.text?.trim() ?? '')?.[1]?.toLowerCase();
      log.debug({ channel: msg.channel, workspaceId: msg.workspaceId, command: command ?? null }, 'staff workspace message');
      switch (command) {
        case 'ping':
          return Promise.resolve([{ text: 'pong — this team workspace is connected to the bot.', dir: 'ltr' }]);
        case 'help':
          return Promise.resolve([
            {
              text: 'This is the team workspace. Customer conversations never appear here unless handed over to you. Staff commands (customer lookup, points, segments, campaigns) are coming; for now: /ping.',
              dir: 'ltr',
            },
          ]);
        default:
          return Promise.resolve([]);
      }
    },
  };
}
