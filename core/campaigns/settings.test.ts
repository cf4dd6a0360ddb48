import { describe, expect, it } from 'vitest';
import { campaignRules, DEFAULT_CAMPAIGN_RULES } from './settings.js';

describe('campaign rules from brand settings', () => {
  it('defaults, overrides and switches quiet hours off', () => {
    expect(campaignRules({})).toEqual(DEFAULT_CAMPAIGN_RULES);
    expect(campaignRules({ campaigns: { maxPerWeek: 100, quietHours: null } })).toEqual({ maxPerWeek: 100, quietHours: null });
    expect(campaignRules({ campaigns: { quietHours: { from: '22:00', until: '08:30' } } })).toEqual({ maxPerWeek: 3, quietHours: { from: '22:00', until: '08:30' } });
  });

  it('falls back to the defaults on nonsense', () => {
    expect(campaignRules({ campaigns: { maxPerWeek: -1 } })).toEqual(DEFAULT_CAMPAIGN_RULES);
    expect(campaignRules({ campaigns: { quietHours: { from: '25:00', until: '9' } } })).toEqual(DEFAULT_CAMPAIGN_RULES);
  });
});
