import { describe, expect, it } from 'vitest';
import { generateInviteCode, hashInviteCode, normalizeInviteCode } from './invite-code.js';
import { ACTIONS, can, ROLES, STORE_BOUND_ROLES } from './roles.js';

describe('permissions', () => {
  it('keeps points, tiers and invitations for the admin alone', () => {
    for (const role of ROLES) {
      for (const action of ['points.adjust', 'tier.set', 'staff.invite'] as const) expect(can(role, action)).toBe(role === 'admin');
    }
  });

  it('lets the admin do everything and the analyst only read', () => {
    expect(ACTIONS.every((a) => can('admin', a))).toBe(true);
    expect(ACTIONS.filter((a) => can('data_analyst', a))).toEqual(['segment.view', 'segment.export', 'campaign.view', 'campaign.stats', 'stats.view']);
    expect(ACTIONS.filter((a) => can('customer_service', a))).toEqual(['customer.view']);
  });

  it('lets admins and marketing managers approve campaigns, and nobody else', () => {
    expect(ROLES.filter((r) => can(r, 'campaign.approve'))).toEqual(['admin', 'marketing_manager']);
  });

  it('binds store managers and franchise owners to stores', () => {
    expect([...STORE_BOUND_ROLES].sort()).toEqual(['franchise_owner', 'store_manager']);
  });
});

describe('invite codes', () => {
  it('are two groups of five unambiguous letters, different each time', () => {
    const codes = new Set(Array.from({ length: 200 }, generateInviteCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('read as typed: case, spaces and dashes ignored, O as 0 and I or L as 1', () => {
    expect(normalizeInviteCode(' k7q2m-x9abd ')).toBe('K7Q2MX9ABD');
    expect(normalizeInviteCode('K7Q2M X9ABO')).toBe('K7Q2MX9AB0');
    expect(normalizeInviteCode('ilIL0-00000')).toBe('1111000000');
    expect(normalizeInviteCode('K7Q2M-X9AB')).toBeNull();
    expect(normalizeInviteCode('K7Q2M-X9ABU')).toBeNull();
    expect(normalizeInviteCode("'; drop table--")).toBeNull();
    expect(hashInviteCode('K7Q2MX9ABD')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashInviteCode('K7Q2MX9ABD')).not.toBe(hashInviteCode('K7Q2MX9ABE'));
  });
});
