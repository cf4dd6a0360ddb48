// Planning the automations: for "now", each automation picks the period it is for (a key naming the automation and
// the day, week or year) and the audience SQL of that period. run.ts hands the plans to core/campaigns; a preview
// counts them without sending anything.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, schema } from '../../db/index.js';
import type { LocalizedText } from '../../db/schema.js';
import type { CampaignChannel } from '../campaigns/index.js';
import { expiryFor, loadProgramContext, loadTiers, postLedgerEntry } from '../loyalty/index.js';
import type { CoreDeps } from '../shared/index.js';
import * as audiences from './audiences.js';
import { addDays, dailyRun, dayWindow, datesWindow, isoWeek } from './periods.js';
import { seasonalEvents, SEASONAL_EVENT_KEYS } from './seasonal-calendar.js';
import { AUTOMATION_KINDS, parseAutomationSettings, resolvedTexts, type AutomationKind, type AutomationSettings } from './settings.js';
import { fillAutomationVariables, localizedDate } from './texts.js';

/** The local hour the daily automation jobs run at; a run covers the 24 hours that ended at the latest such hour. */
export const AUTOMATION_RUN_HOUR = 10;

/** One period's campaign, ready to launch. */
export interface AutomationPlan {
  automation: AutomationKind;
  automationKey: string;
  name: string;
  content: LocalizedText;
  audience: SQL;
  channel: CampaignChannel | undefined;
  /** Work that must be done before the message goes (the birthday bonus), returning how many members it touched. */
  before?: () => Promise<number>;
}

interface Context {
  deps: CoreDeps;
  brandId: string;
  timezone: string;
  now: Date;
  /**
   * The daily run this is (see `dailyRun`): its day names every period, weeks and event days included, so a new
   * period starts at 10:00 on the brand's wall clock, never at midnight, whatever the moment of the run.
   */
  run: ReturnType<typeof dailyRun>;
}

async function planFor<K extends AutomationKind>(ctx: Context, kind: K, settings: AutomationSettings[K]): Promise<AutomationPlan[]> {
  // The union of settings types needs a cast per case: `kind` and `settings` vary together.
  switch (kind) {
    case 'welcome':
      return planWelcome(ctx, settings as AutomationSettings['welcome']);
    case 'birthday':
      return planBirthday(ctx, settings as AutomationSettings['birthday']);
    case 'win-back':
      return planWinBack(ctx, settings as AutomationSettings['win-back']);
    case 'tier-upgrade':
      return planTierUpgrade(ctx, settings);
    case 'points-expiry':
      return planPointsExpiry(ctx, settings as AutomationSettings['points-expiry']);
    case 'seasonal':
      return planSeasonal(ctx, settings as AutomationSettings['seasonal']);
  }
  return [];
}

/** Day 0: enrolled in the run's window; the follow-up: enrolled in the window `days` days earlier. */
function planWelcome(ctx: Context, s: AutomationSettings['welcome']): AutomationPlan[] {
  const { day } = ctx.run;
  const plans: AutomationPlan[] = [
    {
      automation: 'welcome',
      automationKey: `welcome-1:${day}`,
      name: `Welcome · ${day}`,
      content: resolvedTexts({ kind: 'welcome', step: 1, settings: s }),
      audience: audiences.enrolledIn(ctx.brandId, ctx.run.window),
      channel: s.channel,
    },
  ];
  if (s.days > 0) {
    plans.push({
      automation: 'welcome',
      automationKey: `welcome-2:${day}`,
      name: `Welcome, day ${s.days} · ${day}`,
      content: resolvedTexts({ kind: 'welcome', step: 2, settings: s }),
      audience: audiences.enrolledIn(ctx.brandId, dayWindow(day, s.days, ctx.timezone, AUTOMATION_RUN_HOUR)),
      channel: s.channel,
    });
  }
  return plans;
}

/** Birthdays in this ISO week (brand's calendar): the bonus is credited first, so the message can mention it. */
function planBirthday(ctx: Context, s: AutomationSettings['birthday']): AutomationPlan[] {
  const week = isoWeek(ctx.run.day);
  const automationKey = `birthday:${week.key}`;
  const audience = audiences.birthdayOn(ctx.brandId, week.days);
  const texts = resolvedTexts({ kind: 'birthday', settings: s });
  return [
    {
      automation: 'birthday',
      automationKey,
      name: `Birthdays · ${week.key}`,
      content: fillAutomationVariables(texts, { bonus: String(s.rewardPoints) }),
      audience,
      channel: s.channel,
      ...(s.rewardPoints > 0 ? { before: () => creditBirthdayBonuses(ctx, { audience, weekDays: week.days, points: s.rewardPoints, reference: automationKey }) } : {}),
    },
  ];
}

/**
 * Credits the birthday bonus to every member of the audience not yet credited for this birthday, through the ledger
 * (kind 'bonus', the programme's expiry). The key `birthday:<accountId>:<year of the birthday>` makes a re-run, or a
 * second week that somehow matched, credit nothing twice.
 */
async function creditBirthdayBonuses(ctx: Context, input: { audience: SQL; weekDays: readonly string[]; points: number; reference: string }): Promise<number> {
  const { deps } = ctx;
  const program = await loadProgramContext(deps.db, ctx.brandId);
  if (!program) return 0;
  // The year of each birthday's date within the week (a week can straddle New Year); 29 February goes with the 28th.
  const yearOf = new Map<string, string>();
  for (const d of input.weekDays) yearOf.set(d.slice(5), d.slice(0, 4));
  const feb28 = input.weekDays.find((d) => d.slice(5) === '02-28');
  if (feb28 && !yearOf.has('02-29')) yearOf.set('02-29', feb28.slice(0, 4));
  const yearCase = sql`case to_char(${schema.customers.birthday}, 'MM-DD') ${sql.join(
    [...yearOf].map(([md, year]) => sql`when ${md} then ${year}`),
    sql` `,
  )} end`;
  const f = schema.memberFacts;
  const due = rowsOf<{ account_id: string; year: string }>(
    await deps.db.execute(sql`
      select ${f.accountId} as account_id, ${yearCase} as year
      from ${f} join ${schema.customers} on ${schema.customers.id} = ${f.customerId}
      where ${input.audience}
        and not exists (select 1 from ${schema.pointsLedger} l where l.idempotency_key = 'birthday:' || ${f.accountId} || ':' || ${yearCase})
      order by ${f.accountId}`),
  );
  const expiresAt = expiryFor(ctx.now, program.program, program.timezone);
  let credited = 0;
  for (const m of due) {
    const result = await postLedgerEntry(deps, {
      accountId: m.account_id,
      kind: 'bonus',
      points: input.points,
      idempotencyKey: `birthday:${m.account_id}:${m.year}`,
      expiresAt,
      reference: input.reference,
      note: 'Birthday bonus',
      actor: 'automation:birthday',
    });
    if (result.status === 'posted') credited++;
    // A different amount under the same key (the setting changed mid-week): the first credit stands.
    else if (result.status === 'idempotency_conflict') deps.log.warn({ accountId: m.account_id, year: m.year }, 'birthday bonus already credited with another amount');
  }
  return credited;
}

/** Members whose latest purchase is now N days old: it fell in the run's window shifted back N days. */
function planWinBack(ctx: Context, s: AutomationSettings['win-back']): AutomationPlan[] {
  const { day } = ctx.run;
  return [
    {
      automation: 'win-back',
      automationKey: `winback:${s.days}d:${day}`,
      name: `Win-back ${s.days} days · ${day}`,
      content: fillAutomationVariables(resolvedTexts({ kind: 'win-back', settings: s }), { days: String(s.days) }),
      audience: audiences.lastPurchaseIn(ctx.brandId, dayWindow(day, s.days, ctx.timezone, AUTOMATION_RUN_HOUR)),
      channel: s.channel,
    },
  ];
}

/** Members whose tier went up in the run's window (read from the `tier_changed` loyalty events). */
async function planTierUpgrade(ctx: Context, s: AutomationSettings['tier-upgrade']): Promise<AutomationPlan[]> {
  const tiers = [...(await loadTiers(ctx.deps.db, ctx.brandId))].sort((a, b) => a.minPoints - b.minPoints);
  const { day } = ctx.run;
  return [
    {
      automation: 'tier-upgrade',
      automationKey: `tier-upgrade:${day}`,
      name: `Tier upgrades · ${day}`,
      content: resolvedTexts({ kind: 'tier-upgrade', settings: s }),
      audience: audiences.tierUpgradedIn(
        ctx.brandId,
        ctx.run.window,
        tiers.map((t) => t.code),
      ),
      channel: s.channel,
    },
  ];
}

/**
 * One reminder per week of expiries: on the first run where the run's day + `days` falls in ISO week W, members with points
 * expiring in W are reminded, under the key `points-expiry:W`.
 */
function planPointsExpiry(ctx: Context, s: AutomationSettings['points-expiry']): AutomationPlan[] {
  const week = isoWeek(addDays(ctx.run.day, s.days));
  const last = week.days[6]!;
  return [
    {
      automation: 'points-expiry',
      automationKey: `points-expiry:${week.key}`,
      name: `Points expiring · ${week.key}`,
      content: fillAutomationVariables(resolvedTexts({ kind: 'points-expiry', settings: s }), { expires_by: localizedDate(last) }),
      audience: audiences.pointsExpiringIn(ctx.brandId, datesWindow(week.days[0]!, last, ctx.timezone), ctx.now),
      channel: s.channel,
    },
  ];
}

/**
 * The brand-wide greeting of each enabled seasonal event falling on the run's day. Keyed by event and Gregorian year (a second
 * occurrence in one year, as Ramadan in 2030, gets `-2`), so moving an event's date by a setting never sends twice.
 */
function planSeasonal(ctx: Context, s: AutomationSettings['seasonal']): AutomationPlan[] {
  const year = Number(ctx.run.day.slice(0, 4));
  const plans: AutomationPlan[] = [];
  for (const key of SEASONAL_EVENT_KEYS) {
    const config = s.events[key];
    if (config && !config.enabled) continue;
    const override = config?.dates?.[String(year)];
    const dates = override === undefined ? seasonalEvents(year).filter((e) => e.key === key).map((e) => e.date) : typeof override === 'string' ? [override] : override;
    const index = dates.indexOf(ctx.run.day);
    if (index < 0) continue;
    const suffix = index === 0 ? '' : `-${index + 1}`;
    plans.push({
      automation: 'seasonal',
      automationKey: `seasonal:${key}:${year}${suffix}`,
      name: `Seasonal: ${key} · ${ctx.run.day}`,
      content: resolvedTexts({ kind: 'seasonal', event: key, settings: s }),
      audience: audiences.allMembers(ctx.brandId),
      channel: s.channel,
    });
  }
  return plans;
}


/** What planning one automation found. */
export type PlanOutcome = { status: 'planned'; plans: AutomationPlan[] } | { status: 'disabled' } | { status: 'invalid_settings'; error: string };

/** The periods one automation of a brand is due to launch at `now` (default: the clock), with their audiences. */
export async function planAutomation(deps: CoreDeps, input: { brandId: string; automation: AutomationKind; now?: Date }): Promise<PlanOutcome> {
  const [row] = await deps.db
    .select()
    .from(schema.automations)
    .where(and(eq(schema.automations.brandId, input.brandId), eq(schema.automations.key, input.automation)));
  if (!row?.enabled) return { status: 'disabled' };
  const [brand] = await deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, input.brandId));
  if (!brand) return { status: 'disabled' };
  const parsed = parseAutomationSettings(input.automation, row.settings);
  if (!parsed.ok) return { status: 'invalid_settings', error: parsed.error };
  const now = input.now ?? deps.clock.now();
  const ctx: Context = { deps, brandId: input.brandId, timezone: brand.timezone, now, run: dailyRun(now, brand.timezone, AUTOMATION_RUN_HOUR) };
  return { status: 'planned', plans: await planFor(ctx, input.automation, parsed.settings) };
}

/** How many members match an audience (before the campaign's send-time rules). */
export async function countAudience(deps: CoreDeps, audience: SQL): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await deps.db.execute(sql`select count(*) as n from ${schema.memberFacts} where ${audience}`));
  return Number(row?.n ?? 0);
}

/** A planned period as a dry run shows it. */
export interface AutomationPreview {
  automation: AutomationKind;
  automationKey: string;
  name: string;
  content: LocalizedText;
  /** Members matching now, before the send-time rules. */
  audience: number;
}

/**
 * What every enabled automation of a brand would launch at `now`, counted but not launched and with no bonus credited
 * (for staff and tests); periods already launched are listed too (launching them again would do nothing).
 */
export async function previewAutomations(deps: CoreDeps, input: { brandId: string; now?: Date }): Promise<AutomationPreview[]> {
  const rows = await deps.db.select({ key: schema.automations.key }).from(schema.automations).where(and(eq(schema.automations.brandId, input.brandId), eq(schema.automations.enabled, true)));
  const out: AutomationPreview[] = [];
  for (const kind of AUTOMATION_KINDS) {
    if (!rows.some((r) => r.key === kind)) continue;
    const outcome = await planAutomation(deps, { brandId: input.brandId, automation: kind, ...(input.now ? { now: input.now } : {}) });
    if (outcome.status !== 'planned') continue;
    for (const p of outcome.plans) out.push({ automation: p.automation, automationKey: p.automationKey, name: p.name, content: p.content, audience: await countAudience(deps, p.audience) });
  }
  return out;
}
