// The rules a ticket is born with: its priority and its SLA targets. Pure, so the evaluation order is visible and
// tested on its own; createTicket only gathers the facts (tier, recent tickets) from the database.
import { AppError } from '../shared/index.js';
import { DEFAULT_BUSINESS_SCHEDULE, type BusinessSchedule } from './business-hours.js';

/** How urgent a ticket is, lowest first. */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** How urgent a ticket is. */
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** SLA targets of one priority, in business hours. */
export interface SlaHours {
  firstResponseHours: number;
  resolutionHours: number;
}

/** What a brand decides about its tickets; every field has a default. */
export interface TicketPolicy {
  /** Loyalty tiers whose members are VIPs (their tickets are at least 'high'). */
  vipTiers: readonly string[];
  /** Sentiment at or below this (from -1 to 1) raises the priority one level. */
  negativeSentimentAtOrBelow: number;
  /** This many other tickets of the customer within `repeatWindowDays` raise the priority one level. */
  repeatContactTickets: number;
  repeatWindowDays: number;
  sla: Record<TicketPriority, SlaHours>;
  /** Opening hours SLA time is counted in, in the store's (or brand's) time zone. */
  businessHours: BusinessSchedule;
}

/** The defaults. */
export const DEFAULT_TICKET_POLICY: TicketPolicy = {
  vipTiers: ['platinum', 'diamond'],
  negativeSentimentAtOrBelow: -0.5,
  repeatContactTickets: 2,
  repeatWindowDays: 7,
  sla: {
    urgent: { firstResponseHours: 1, resolutionHours: 8 },
    high: { firstResponseHours: 2, resolutionHours: 24 },
    normal: { firstResponseHours: 8, resolutionHours: 72 },
    low: { firstResponseHours: 24, resolutionHours: 120 },
  },
  businessHours: DEFAULT_BUSINESS_SCHEDULE,
};

/** A brand's overrides of the defaults (`sla` per priority). */
export type TicketPolicyInput = Partial<Omit<TicketPolicy, 'sla'>> & { sla?: Partial<Record<TicketPriority, SlaHours>> };

/** The policy with the defaults filled in. */
export function resolveTicketPolicy(input: TicketPolicyInput = {}): TicketPolicy {
  return {
    ...DEFAULT_TICKET_POLICY,
    ...input,
    sla: { ...DEFAULT_TICKET_POLICY.sla, ...input.sla },
  };
}

/** Why a ticket got its priority, in the order the rules ran (recorded in the 'created' event). */
export type PriorityReason = 'vip' | 'negative_sentiment' | 'repeat_contact';

/** The facts the priority rules read. */
export interface PriorityFacts {
  tierCode: string | null;
  sentiment?: number | undefined;
  /** Other tickets of the customer within the repeat window. */
  recentTickets: number;
}

/**
 * The priority rules, in this order: base 'normal'; a VIP is raised to 'high'; negative sentiment adds one level;
 * repeated contact adds one level; never above 'urgent'. So a VIP who is also upset is 'urgent', and an upset
 * customer writing for the third time in a week is 'urgent' too.
 */
export function ticketPriority(facts: PriorityFacts, policy: TicketPolicy = DEFAULT_TICKET_POLICY): { priority: TicketPriority; reasons: PriorityReason[] } {
  let level = TICKET_PRIORITIES.indexOf('normal');
  const reasons: PriorityReason[] = [];
  if (facts.tierCode !== null && policy.vipTiers.includes(facts.tierCode)) {
    level = Math.max(level, TICKET_PRIORITIES.indexOf('high'));
    reasons.push('vip');
  }
  if (facts.sentiment !== undefined && facts.sentiment <= policy.negativeSentimentAtOrBelow) {
    level += 1;
    reasons.push('negative_sentiment');
  }
  if (facts.recentTickets >= policy.repeatContactTickets) {
    level += 1;
    reasons.push('repeat_contact');
  }
  return { priority: TICKET_PRIORITIES[Math.min(level, TICKET_PRIORITIES.length - 1)]!, reasons };
}

/** Narrows a string to a priority; throws INVALID_INPUT otherwise (a caller's bug, not a customer's answer). */
export function assertPriority(value: string): TicketPriority {
  if (!(TICKET_PRIORITIES as readonly string[]).includes(value)) throw new AppError('INVALID_INPUT', `unknown priority: ${value}`);
  return value as TicketPriority;
}
