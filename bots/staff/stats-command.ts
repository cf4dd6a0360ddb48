// /stats [period] [store]: the brand's figures (core/reports) for a period on the brand's clock, within the person's
// stores (or one of them), worded here and sent with the chart as a PNG.
import { brandStats, renderStatsChart } from '../../core/reports/index.js';
import { wallClockMs, wallToInstant } from '../../core/shared/index.js';
import { findStore } from '../../core/staff/index.js';
import { splitFirst } from './args.js';
import { done, refuse, say, type CommandContext, type CommandResult } from './context.js';

const DAY = 86_400_000;

/** A period as typed, resolved on the brand's clock: [from, to) and its label key. */
export interface StatsPeriod {
  key: 'today' | '7d' | '30d' | 'month' | 'ytd' | 'month_of';
  month?: string;
  from: Date;
  to: Date;
}

/** Reads `today`, `7d`, `30d`, `month`, `ytd` or `YYYY-MM` at `now` in `timeZone`; null when it is none of them. */
export function parsePeriod(text: string, now: Date, timeZone: string): StatsPeriod | null {
  const wallNow = new Date(wallClockMs(now.getTime(), timeZone));
  const [y, m, d] = [wallNow.getUTCFullYear(), wallNow.getUTCMonth(), wallNow.getUTCDate()];
  const at = (wall: number) => new Date(wallToInstant(wall, timeZone));
  const upToNow = (key: StatsPeriod['key'], fromWall: number): StatsPeriod => {
    const from = at(fromWall);
    // brandStats wants a non-empty period, even at the stroke of midnight.
    return { key, from, to: now.getTime() > from.getTime() ? now : new Date(from.getTime() + 1000) };
  };
  switch (text.toLowerCase()) {
    case 'today':
      return upToNow('today', Date.UTC(y, m, d));
    case '7d':
      return upToNow('7d', Date.UTC(y, m, d) - 6 * DAY);
    case '30d':
      return upToNow('30d', Date.UTC(y, m, d) - 29 * DAY);
    case 'month':
      return upToNow('month', Date.UTC(y, m, 1));
    case 'ytd':
      return upToNow('ytd', Date.UTC(y, 0, 1));
  }
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (!month) return null;
  const [my, mm] = [Number(month[1]), Number(month[2])];
  if (mm < 1 || mm > 12 || my < 2000) return null;
  const from = at(Date.UTC(my, mm - 1, 1));
  if (from.getTime() >= now.getTime()) return null;
  const end = at(Date.UTC(my, mm, 1));
  return { key: 'month_of', month: text, from, to: end.getTime() < now.getTime() ? end : now };
}

/** `/stats [period] [store]`. */
export async function statsCommand(ctx: CommandContext, args: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'stats.view', 'stats');
  if (denied) return denied;
  const s = ctx.t.stats;
  const now = ctx.deps.clock.now();
  const [first, rest] = splitFirst(args);
  let period = parsePeriod(first || '7d', now, ctx.fmt.timeZone);
  // Without a period the whole text may name a store ("/stats Dubai Mall"); a word that looks like a period is a bad one.
  const storeText = period ? rest : args.trim();
  period ??= parsePeriod('7d', now, ctx.fmt.timeZone);
  if (!period) return done(say(ctx, s.usage), 'stats.view', 'invalid');
  let storeIds: readonly string[] = ctx.staff.storeIds;
  let scope: string | null = null;
  if (storeText) {
    const store = await findStore(ctx.deps, { brandId: ctx.deps.brandId, text: storeText, storeIds: ctx.staff.storeIds });
    if (!store) {
      const periodLike = storeText === args.trim() && /^\d/.test(first);
      // A store beyond the person's own reads the same as one that does not exist.
      return done(say(ctx, periodLike ? s.badPeriod(first) : s.unknownStore(storeText)), 'stats.view', 'invalid');
    }
    storeIds = [store.id];
    scope = `${ctx.fmt.text(store.name)} (${store.code})`;
  }
  const report = await brandStats(ctx.deps, { brandId: ctx.deps.brandId, from: period.from, to: period.to, storeIds });
  const { fmt } = ctx;
  const label = s.periodName(period.key, period.month);
  const text = s.report({
    period: `${label} · ${fmt.date(period.from)} – ${fmt.date(new Date(period.to.getTime() - 1))}`,
    scope,
    members: fmt.num(report.members.total),
    newMembers: fmt.num(report.members.new),
    activeMembers: fmt.num(report.members.active),
    pointsIssued: fmt.num(report.points.issued),
    pointsRedeemed: fmt.num(report.points.redeemed),
    outstanding: fmt.num(report.points.outstanding),
    redemptionRate: report.redemptionRate === null ? null : fmt.percent(report.redemptionRate),
    nps: report.nps ? report.nps.score.toFixed(1) : null,
    npsResponses: fmt.num(report.nps?.responses ?? 0),
    openTickets: fmt.num(report.tickets.open),
    slaBreaches: fmt.num(report.tickets.slaBreaches),
    transactions: fmt.num(report.sales.transactions),
    revenue: fmt.money(report.sales.revenueMinor, report.sales.currency),
  });
  const periodSlug = period.month ?? period.key;
  const chart = renderStatsChart(report, { title: `Stats - ${periodSlug}${scope ? ` - ${scope}` : ''}`, language: ctx.staff.language });
  return done(say(ctx, text, { fileName: `stats-${periodSlug}.png`, mimeType: 'image/png', data: chart }), 'stats.view', 'ok', {
    details: { period: periodSlug, stores: storeIds.length },
  });
}
