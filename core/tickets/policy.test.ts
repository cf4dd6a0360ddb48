import { describe, expect, it } from 'vitest';
import { resolveTicketPolicy, ticketPriority } from './policy.js';

describe('ticketPriority', () => {
  const p = (tierCode: string | null, sentiment: number | undefined, recentTickets: number) => ticketPriority({ tierCode, sentiment, recentTickets });

  it('is normal with nothing special', () => {
    expect(p('bronze', 0.2, 1)).toEqual({ priority: 'normal', reasons: [] });
    expect(p(null, undefined, 0)).toEqual({ priority: 'normal', reasons: [] });
  });

  it('raises a VIP to high', () => {
    expect(p('platinum', undefined, 0)).toEqual({ priority: 'high', reasons: ['vip'] });
    expect(p('diamond', 0.9, 0).priority).toBe('high');
    expect(p('gold', undefined, 0).priority).toBe('normal');
  });

  it('adds a level for negative sentiment, from -0.5 down', () => {
    expect(p(null, -0.5, 0)).toEqual({ priority: 'high', reasons: ['negative_sentiment'] });
    expect(p(null, -0.49, 0).priority).toBe('normal');
  });

  it('adds a level for the third ticket within the window', () => {
    expect(p(null, undefined, 2)).toEqual({ priority: 'high', reasons: ['repeat_contact'] });
    expect(p(null, undefined, 1).priority).toBe('normal');
  });

  it('applies the rules in order and caps at urgent', () => {
    expect(p('platinum', -0.8, 0)).toEqual({ priority: 'urgent', reasons: ['vip', 'negative_sentiment'] });
    expect(p(null, -0.8, 3)).toEqual({ priority: 'urgent', reasons: ['negative_sentiment', 'repeat_contact'] });
    expect(p('platinum', -0.8, 5)).toEqual({ priority: 'urgent', reasons: ['vip', 'negative_sentiment', 'repeat_contact'] });
  });

  it('reads the brand’s own VIP tiers and thresholds', () => {
    const policy = resolveTicketPolicy({ vipTiers: ['gold'], repeatContactTickets: 1 });
    expect(ticketPriority({ tierCode: 'gold', recentTickets: 1 }, policy).priority).toBe('urgent');
    expect(ticketPriority({ tierCode: 'platinum', recentTickets: 0 }, policy).priority).toBe('normal');
  });
});

describe('resolveTicketPolicy', () => {
  it('fills in the defaults, per priority for SLA', () => {
    const policy = resolveTicketPolicy({ sla: { urgent: { firstResponseHours: 0.5, resolutionHours: 4 } } });
    expect(policy.sla.urgent).toEqual({ firstResponseHours: 0.5, resolutionHours: 4 });
    expect(policy.sla.low).toEqual({ firstResponseHours: 24, resolutionHours: 120 });
    expect(policy.vipTiers).toEqual(['platinum', 'diamond']);
    expect(policy.businessHours).toEqual({ hours: { open: '10:00', close: '22:00' } });
  });
});
