// /customer, /points, /tier, /confirm and /cancel: a customer's card, and the admin's points and tier changes, which
// wait for /confirm (core/staff confirmations) and then go through core/loyalty's adjustment functions.
import { loadTiers } from '../../core/loyalty/index.js';
import {
  accountOf,
  cancelPending,
  confirmPending,
  lookupCustomers,
  requestConfirmation,
  staffCustomerCard,
  type CustomerLookupOutcome,
  type StaffCustomerCard,
} from '../../core/staff/index.js';
import { splitFirst, wholeNumber } from './args.js';
import { done, refuse, say, type CommandContext, type CommandResult } from './context.js';
import type { CardText } from './i18n/index.js';

const MAX_POINTS = 1_000_000;

/** `/customer <phone | member code | name>`. */
export async function customerCommand(ctx: CommandContext, args: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'customer.view', 'customer');
  if (denied) return denied;
  if (!args.trim()) return done(say(ctx, ctx.t.customerUsage), 'customer.view', 'invalid');
  const found = await lookupCustomers(ctx.deps, { staff: ctx.staff, query: args });
  if (found.status !== 'found') return lookupRefusal(ctx, found, 'customer.view');
  const card = await staffCustomerCard(ctx.deps, { staff: ctx.staff, customerId: found.customerId });
  if (!card) return done(say(ctx, ctx.t.customerNotFound), 'customer.view', 'not_found');
  return done(say(ctx, ctx.t.customerCard(cardText(ctx, card))), 'customer.view', 'ok', { target: `customer:${card.profile.customer.id}` });
}

/** The answer when a lookup did not find exactly one customer. */
function lookupRefusal(ctx: CommandContext, found: Exclude<CustomerLookupOutcome, { status: 'found' }>, action: string): CommandResult {
  switch (found.status) {
    case 'bad_query':
      return done(say(ctx, ctx.t.customerBadQuery), action, 'invalid');
    case 'not_found':
      return done(say(ctx, ctx.t.customerNotFound), action, 'not_found');
    case 'many': {
      const lines = found.matches.map((m, i) => `${i + 1}. ${m.name ?? '—'}${m.memberCode ? ` · ${m.memberCode}` : ''}${m.tierCode ? ` · ${m.tierCode}` : ''}`);
      return done(say(ctx, ctx.t.customerMany(lines, found.more)), action, 'ambiguous', { details: { matches: found.matches.length } });
    }
  }
}

function cardText(ctx: CommandContext, card: StaffCustomerCard): CardText {
  const { profile, fmt } = { profile: card.profile, fmt: ctx.fmt };
  const marketing = profile.consents.filter((c) => c.purpose === 'marketing');
  return {
    name: profile.customer.name ?? '—',
    memberCode: profile.account?.memberCode ?? null,
    tier: profile.account?.tierCode ?? null,
    balance: profile.account ? fmt.num(profile.account.points) : null,
    pending: profile.account && profile.account.pendingPoints > 0 ? fmt.num(profile.account.pendingPoints) : null,
    lifetimeSpend: card.spend ? fmt.money(card.spend.lifetimeMinor, card.currency) : null,
    visits: card.spend ? fmt.num(card.spend.visits) : null,
    purchases: card.lastPurchases.map((p) => ({ date: fmt.date(p.at), store: `${fmt.text(p.storeName)} (${p.storeCode})`, amount: fmt.money(p.totalMinor, p.currency) })),
    channels: profile.identities.map((i) => ({ channel: i.channel, reachable: i.reachable })),
    consents: marketing.map((c) => ({ channel: c.channel, granted: c.granted })),
    openTickets: card.openTickets.map((t) => ({ id: t.id, category: t.category, status: t.status })),
  };
}

/** `/points add|deduct <customer> <n> <reason>`: checked now, done on /confirm. */
export async function pointsCommand(ctx: CommandContext, args: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'points.adjust', 'points');
  if (denied) return denied;
  const [mode, afterMode] = splitFirst(args);
  const [who, afterWho] = splitFirst(afterMode);
  const [count, reason] = splitFirst(afterWho);
  const op = mode.toLowerCase();
  if ((op !== 'add' && op !== 'deduct') || !who) return done(say(ctx, ctx.t.pointsUsage), 'points.adjust', 'invalid');
  const points = wholeNumber(count, 1, MAX_POINTS);
  if (points === null) return done(say(ctx, count ? ctx.t.pointsBadNumber : ctx.t.pointsUsage), 'points.adjust', 'invalid');
  if (reason.length < 2) return done(say(ctx, ctx.t.pointsReasonRequired), 'points.adjust', 'invalid');
  const found = await lookupCustomers(ctx.deps, { staff: ctx.staff, query: who });
  if (found.status !== 'found') return lookupRefusal(ctx, found, 'points.adjust');
  const card = await staffCustomerCard(ctx.deps, { staff: ctx.staff, customerId: found.customerId, purchases: 0 });
  const account = await accountOf(ctx.deps, { customerId: found.customerId });
  const name = card?.profile.customer.name ?? '—';
  if (!account) return done(say(ctx, ctx.t.notMember(name)), 'points.adjust', 'not_member', { target: `customer:${found.customerId}` });
  const signed = op === 'add' ? points : -points;
  if (account.balance + signed < 0) {
    return done(say(ctx, ctx.t.pointsInsufficient(name, ctx.fmt.num(account.balance), ctx.fmt.num(points))), 'points.adjust', 'insufficient_points', { target: `account:${account.accountId}`, details: { points: signed } });
  }
  const pending = await requestConfirmation(ctx.deps, {
    staff: ctx.staff,
    action: { kind: 'points.adjust', accountId: account.accountId, customerId: found.customerId, memberCode: account.memberCode, points: signed, reason: reason.slice(0, 500) },
  });
  const summary = { kind: op, customer: name, memberCode: account.memberCode, points: ctx.fmt.num(points), before: ctx.fmt.num(account.balance), after: ctx.fmt.num(account.balance + signed), reason } as const;
  return done(say(ctx, ctx.t.confirmQuestion(summary)), 'points.adjust', 'confirmation_requested', { target: `account:${account.accountId}`, details: { points: signed, confirmation: pending.id } });
}

/** `/tier set <customer> <tier> [reason]`: checked now, done on /confirm. */
export async function tierCommand(ctx: CommandContext, args: string): Promise<CommandResult> {
  const denied = await refuse(ctx, 'tier.set', 'tier');
  if (denied) return denied;
  const [mode, afterMode] = splitFirst(args);
  const [who, afterWho] = splitFirst(afterMode);
  const [tierWord, reasonText] = splitFirst(afterWho);
  if (mode.toLowerCase() !== 'set' || !who || !tierWord) return done(say(ctx, ctx.t.tierUsage), 'tier.set', 'invalid');
  const tiers = await loadTiers(ctx.deps.db, ctx.deps.brandId);
  const tier = tiers.find((t) => t.code.toLowerCase() === tierWord.toLowerCase() || Object.values(t.name).some((n) => typeof n === 'string' && n.toLowerCase() === tierWord.toLowerCase()));
  if (!tier) return done(say(ctx, ctx.t.tierUnknown(tierWord, tiers.map((t) => t.code).join(', '))), 'tier.set', 'invalid');
  const found = await lookupCustomers(ctx.deps, { staff: ctx.staff, query: who });
  if (found.status !== 'found') return lookupRefusal(ctx, found, 'tier.set');
  const card = await staffCustomerCard(ctx.deps, { staff: ctx.staff, customerId: found.customerId, purchases: 0 });
  const account = await accountOf(ctx.deps, { customerId: found.customerId });
  const name = card?.profile.customer.name ?? '—';
  if (!account) return done(say(ctx, ctx.t.notMember(name)), 'tier.set', 'not_member', { target: `customer:${found.customerId}` });
  if (account.tierFloor === tier.code) return done(say(ctx, ctx.t.tierAlready(name, tier.code)), 'tier.set', 'unchanged', { target: `account:${account.accountId}` });
  const reason = reasonText || 'set by staff in the team chat';
  const pending = await requestConfirmation(ctx.deps, {
    staff: ctx.staff,
    action: { kind: 'tier.set', accountId: account.accountId, customerId: found.customerId, memberCode: account.memberCode, tierCode: tier.code, reason: reason.slice(0, 500) },
  });
  return done(say(ctx, ctx.t.confirmQuestion({ kind: 'tier', customer: name, memberCode: account.memberCode, from: account.tierCode, to: tier.code })), 'tier.set', 'confirmation_requested', {
    target: `account:${account.accountId}`,
    details: { tier: tier.code, confirmation: pending.id },
  });
}

/** `/confirm`: performs the person's waiting change once. */
export async function confirmCommand(ctx: CommandContext): Promise<CommandResult> {
  const outcome = await confirmPending(ctx.deps, { staff: ctx.staff });
  const { t, fmt } = ctx;
  switch (outcome.status) {
    case 'nothing_pending':
      return done(say(ctx, t.confirmNothing), 'confirm', 'nothing_pending');
    case 'points_adjusted':
      return done(say(ctx, t.pointsDone(outcome.memberCode, fmt.num(Math.abs(outcome.points)), fmt.num(outcome.balance), outcome.points > 0)), 'confirm', 'ok', {
        details: { kind: 'points.adjust', points: outcome.points },
      });
    case 'insufficient_points':
      return done(say(ctx, t.pointsInsufficient(outcome.memberCode, fmt.num(outcome.balance), fmt.num(Math.abs(outcome.points)))), 'confirm', 'insufficient_points', { details: { kind: 'points.adjust' } });
    case 'tier_set':
      return done(say(ctx, t.tierDone(outcome.memberCode, outcome.floor, outcome.tierCode)), 'confirm', 'ok', { details: { kind: 'tier.set', tier: outcome.floor } });
    case 'unknown_tier':
      return done(say(ctx, t.tierUnknown(outcome.tierCode, '—')), 'confirm', 'unknown_tier', { details: { kind: 'tier.set' } });
  }
}

/** `/cancel`: drops the person's waiting change. */
export async function cancelCommand(ctx: CommandContext): Promise<CommandResult> {
  const outcome = await cancelPending(ctx.deps, { staff: ctx.staff });
  return outcome.status === 'cancelled'
    ? done(say(ctx, ctx.t.cancelled), 'cancel', 'ok', { details: { kind: outcome.kind } })
    : done(say(ctx, ctx.t.confirmNothing), 'cancel', 'nothing_pending');
}
