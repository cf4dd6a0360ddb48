// The desk's refusals as HTTP answers: a status, a stable code the page can translate, and an English sentence that
// says what happened (and, for a reply, that nothing was sent). The page shows the sentence as text.
import type { DeskRefusal } from '../../../bots/agent/index.js';

/** What the agent tried. */
export type ConsoleAction = 'view' | 'take' | 'reply' | 'note' | 'hand_back' | 'resolve' | 'canned';

/** An error answer: status, and the body's `error` object (`agentName` for TAKEN_BY_OTHER, so the page can translate). */
export interface ConsoleError {
  status: number;
  error: { code: string; message: string; agentName?: string; names?: string[] };
}

const NOT_SENT = '; your message was not sent.';

/** Maps a refusal (or `full`, `unknown_canned`) of `action` to an HTTP error. */
export function refusalError(refusal: DeskRefusal | { status: 'full' } | { status: 'unknown_canned'; names: string[] }, action: ConsoleAction): ConsoleError {
  const end = action === 'reply' ? NOT_SENT : '.';
  switch (refusal.status) {
    case 'not_found':
      return { status: 404, error: { code: 'NOT_FOUND', message: 'This conversation does not exist.' } };
    case 'closed':
      return {
        status: 409,
        error: {
          code: 'CLOSED',
          message: action === 'reply' ? 'This conversation was handed back to the bot; your message was not sent.' : 'This conversation was already handed back to the bot.',
        },
      };
    case 'taken_by_other': {
      const name = refusal.agentName;
      const tail = action === 'hand_back' ? '; only they can hand it back.' : action === 'resolve' ? '; only they can resolve it.' : end;
      return { status: 409, error: { code: 'TAKEN_BY_OTHER', message: `${name} has taken this conversation${tail}`, agentName: name } };
    }
    case 'not_taken':
      return { status: 409, error: { code: 'NOT_TAKEN', message: `Take this conversation first${end}` } };
    case 'not_an_agent':
      return { status: 403, error: { code: 'NOT_AN_AGENT', message: 'Your agent account is not active; ask an administrator.' } };
    case 'full':
      return { status: 409, error: { code: 'FULL', message: 'You already have as many conversations as you can take; hand one back first.' } };
    case 'unknown_canned':
      return { status: 404, error: { code: 'UNKNOWN_CANNED', message: `No canned response by that name. Known: ${refusal.names.join(', ') || 'none'}.`, names: refusal.names } };
  }
}
