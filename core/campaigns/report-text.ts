// Plain-English progress reports, used unless the staff layer passes its own (localized) wording in CampaignDeps.
import type { CampaignReport, CampaignStats } from './types.js';

/** The default text of a progress report. */
export function defaultReportText(report: CampaignReport): string {
  const title = `Campaign #${report.campaignId} "${report.name}"`;
  switch (report.kind) {
    case 'started':
      return `${title} started: ${report.recipients} recipients${report.holdout > 0 ? `, ${report.holdout} in the holdout` : ''}.`;
    case 'progress':
      return `${title}: ${report.percent}% handled (${report.done} of ${report.total}).`;
    case 'paused_revoked':
      return `${title} paused: ${report.revokedName}'s access was revoked; an admin must resume it.`;
    case 'completed':
      return `${title} completed.\n${resultsText(report.stats)}`;
  }
}

function resultsText(stats: CampaignStats): string {
  const sent = stats.byVariant.filter((v) => v.key !== 'holdout').reduce((s, v) => s + v.sent, 0);
  const skipped = Object.values(stats.skipped).reduce((s, n) => s + n, 0);
  const lines = [`Sent ${sent}, skipped ${skipped}, failed ${stats.failed}.`];
  const reasons = Object.entries(stats.skipped)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason.replace(/_/g, ' ')} ${n}`);
  if (reasons.length > 0) lines.push(`Skipped: ${reasons.join(', ')}.`);
  for (const v of stats.byVariant) {
    const rate = (v.conversionRate * 100).toFixed(1);
    const label = v.key === 'holdout' ? 'Holdout' : `Variant ${v.key}`;
    const figures = v.key === 'holdout' ? `${v.base} comparable, ${v.converted} converted (${rate}%)` : `sent ${v.sent}, delivered ${v.delivered}, read ${v.read}, clicked ${v.clicked}, converted ${v.converted} (${rate}%)`;
    lines.push(`${label}: ${figures}.`);
  }
  if (stats.incrementalRevenueMinor !== null) lines.push(`Incremental revenue (minor units): ${stats.incrementalRevenueMinor}.`);
  if (stats.significance) lines.push(`Significance: z = ${stats.significance.z.toFixed(2)}, p = ${stats.significance.pValue.toFixed(4)}.`);
  return lines.join('\n');
}
