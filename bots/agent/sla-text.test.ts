import { describe, expect, it } from 'vitest';
import { slaNoticeText } from './sla-text.js';

describe('slaNoticeText', () => {
  const base = { ticketId: 12, brandId: 'b', customerId: 'c', storeId: null, assigneeId: null, category: 'points', priority: 'high' } as const;
  it('warns before and alerts after, in the brand zone', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(slaNoticeText({ ...base, target: 'first_response', level: 'warning', key: 'first_response_warning', dueAt: new Date('2026-11-22T10:30:00Z') }, { timeZone: 'Asia/Dubai', now })).toMatch(
      /^⏰ SLA warning: ticket #12 \(points, high, unassigned\) — first response due 22 Nov, 14:30 (GST|GMT\+4) \(in 30 min\)\.$/,
    );
    expect(slaNoticeText({ ...base, target: 'resolution', level: 'breach', key: 'resolution_breach', dueAt: new Date('2026-11-22T09:00:00Z') }, { timeZone: 'Asia/Dubai', now, assigneeName: 'Sara' })).toMatch(
      /^🚨 SLA breached: ticket #12 \(points, high, with Sara\) — resolution was due 22 Nov, 13:00 (GST|GMT\+4) \(60 min ago\)\.$/,
    );
  });
});
