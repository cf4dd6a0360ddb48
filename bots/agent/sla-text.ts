// How an SLA notice reads in the staff team chat: which ticket, which target, when it is (or was) due.
import type { SlaNotice } from '../../core/tickets/index.js';

/** The team-chat line for one SLA notice; times in the brand's zone. */
export function slaNoticeText(notice: SlaNotice, opts: { timeZone: string; now: Date; assigneeName?: string | null }): string {
  const target = notice.target === 'first_response' ? 'first response' : 'resolution';
  const due = new Intl.DateTimeFormat('en-GB', { timeZone: opts.timeZone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(notice.dueAt);
  const minutes = Math.round(Math.abs(notice.dueAt.getTime() - opts.now.getTime()) / 60_000);
  const who = opts.assigneeName ? `, with ${opts.assigneeName}` : ', unassigned';
  return notice.level === 'warning'
    ? `⏰ SLA warning: ticket #${notice.ticketId} (${notice.category}, ${notice.priority}${who}) — ${target} due ${due} (in ${minutes} min).`
    : `🚨 SLA breached: ticket #${notice.ticketId} (${notice.category}, ${notice.priority}${who}) — ${target} was due ${due} (${minutes} min ago).`;
}
