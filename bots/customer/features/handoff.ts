// Handing the conversation to a person (core/handoff): asked for, after repeated misunderstanding, when the customer is
// upset, or by rule (an urgent ticket). The request is made inside the turn (its savepoint commits with the turn and
// switches the conversation to agent mode, so from the next message on the bot stays silent); the agents' side is told
// after the commit. The customer is told in their language who comes and roughly when.
import { eq } from 'drizzle-orm';
import type { Reply } from '../../../core/conversation/index.js';
import { requestHandoff, type HandoffReason, type RequestResult } from '../../../core/handoff/index.js';
import { addBusinessHours, resolveTicketPolicy, type BusinessSchedule, type DayHours, type Weekday } from '../../../core/tickets/index.js';
import { schema } from '../../../db/index.js';
import { scoreSentiment } from '../../../nlu/index.js';
import { formatTime, formatWeekday, zoneName, type TeamHoursText } from '../i18n/index.js';
import { say, type TurnContext } from '../turn-context.js';

/**
 * Sentiment at or below this hands a free-text message the bot could not act on to a person. Chosen on the lexicon's
 * scale (nlu/sentiment.ts): "terrible" -0.61, "this is terrible, worst service ever!!" -0.87, "خدمة سيئة جدا" -0.67,
 * "服務態度超差，太失望了！" -0.87; mild annoyance stays above it ("I want to complain" -0.42, "you are useless" -0.53).
 */
export const UPSET_AT_OR_BELOW = -0.6;

/** True when a typed message (not a button or command) reads as strongly negative. */
export function isUpset(ctx: TurnContext): boolean {
  if (ctx.msg.payload !== undefined || !ctx.text || ctx.text.startsWith('/')) return false;
  return scoreSentiment(ctx.text) <= UPSET_AT_OR_BELOW;
}

/**
 * Requests a person for this conversation and says so. `lead` is said first (why the bot hands over on its own).
 * Whatever form was open is dropped: a person takes it from here, and the bot will not ask its next question.
 */
export async function handOver(ctx: TurnContext, reason: HandoffReason, lead: string[] = []): Promise<Reply[]> {
  const result = await requestHandoff(ctx.deps, { brandId: ctx.brand.id, conversationId: ctx.conversationId, customerId: ctx.customer.id, reason });
  delete ctx.state.form;
  ctx.state.misunderstood = 0;
  ctx.deps.log.info({ customerId: ctx.customer.id, reason, outcome: result.status }, 'handoff requested');
  if (result.status !== 'already_open' && ctx.handoff) {
    const notifier = ctx.handoff;
    const id = result.handoff.id;
    ctx.afterCommit.push(() => notifier.handoffRequested(id));
  }
  // No buttons: the bot is silent from now on, so a button pressed would go to the person, not to a menu.
  return [...lead.map((text) => say(ctx, text)), say(ctx, await handoffText(ctx, result))];
}

async function handoffText(ctx: TurnContext, result: RequestResult): Promise<string> {
  switch (result.status) {
    case 'assigned':
      return ctx.t.handoff.assigned;
    case 'already_open':
      return ctx.t.handoff.alreadyQueued(result.position);
    case 'queued': {
      if (result.agentsOnDuty > 0) return ctx.t.handoff.queued(result.position);
      const hours = await teamHours(ctx);
      return hours.openNow ? ctx.t.handoff.noneFree(result.position, hours) : ctx.t.handoff.offHours(hours);
    }
  }
}

/** When the team answers: the brand's support hours (the ticket policy's, 10:00–22:00 by default) in its time zone. */
async function teamHours(ctx: TurnContext): Promise<TeamHoursText> {
  const schedule = resolveTicketPolicy(typeof ctx.ticketPolicy === 'function' ? ctx.ticketPolicy(ctx.brand.id) : ctx.ticketPolicy).businessHours;
  const [brand] = await ctx.deps.db.select({ timezone: schema.brands.timezone }).from(schema.brands).where(eq(schema.brands.id, ctx.brand.id));
  const timeZone = brand?.timezone ?? 'UTC';
  const now = ctx.deps.clock.now();
  const next = nextOpening(now, timeZone, schedule);
  const openNow = next.getTime() <= now.getTime();
  const hours = windowOn(next, timeZone, schedule);
  const day = localDay(next, timeZone) - localDay(now, timeZone);
  return {
    open: hours.open,
    close: hours.close,
    zone: zoneName(now, ctx.lang, timeZone),
    openNow,
    next: { day: day <= 0 ? 'today' : day === 1 ? 'tomorrow' : 'later', weekday: formatWeekday(next, ctx.lang, timeZone), time: formatTime(next, ctx.lang, timeZone) },
  };
}

/**
 * The next instant the team is open (now, when it is open now). One millisecond of business time after `now` lands one
 * millisecond after the next opening (or after now, inside opening hours), so the schedule's own arithmetic decides.
 */
export function nextOpening(now: Date, timeZone: string, schedule: BusinessSchedule): Date {
  return new Date(addBusinessHours(now, 1 / 3_600_000, timeZone, schedule).getTime() - 1);
}

/** The opening hours of the local day of `at`. */
function windowOn(at: Date, timeZone: string, schedule: BusinessSchedule): DayHours {
  const weekday = new Date(Date.parse(`${localDateIso(at, timeZone)}T00:00:00Z`)).getUTCDay() as Weekday;
  return schedule.byWeekday?.[weekday] ?? schedule.hours;
}

function localDateIso(at: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Days since the epoch of the local date of `at` (for "today" / "tomorrow"). */
function localDay(at: Date, timeZone: string): number {
  return Math.round(Date.parse(`${localDateIso(at, timeZone)}T00:00:00Z`) / 86_400_000);
}
