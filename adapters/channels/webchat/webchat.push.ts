// The web chat has no transport to push over: the page polls `GET /api/webchat/history` (every few seconds while it
// is visible) and shows outbound messages it has not shown yet. The caller stores the message in the conversation
// before pushing (as the agent desk does), so storing it *is* the delivery: there is nothing left to send here.
import type { PushResult } from '../../../core/conversation/index.js';

/** The web chat's push: always 'sent', because the stored message reaches the page on its next history poll. */
export const webPush = (): Promise<PushResult> => Promise.resolve({ status: 'sent' });
