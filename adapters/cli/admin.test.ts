import { describe, expect, it } from 'vitest';
import { endOfDay } from './admin.js';

describe('endOfDay', () => {
  it('is the next local midnight in the zone, as a UTC instant', () => {
    expect(endOfDay('2027-12-31', 'Asia/Dubai')).toEqual(new Date('2027-12-31T20:00:00Z'));
    expect(endOfDay('2027-12-31', 'UTC')).toEqual(new Date('2028-01-01T00:00:00Z'));
    expect(endOfDay('2027-06-30', 'America/New_York')).toEqual(new Date('2027-07-01T04:00:00Z'));
  });

  it('follows a daylight saving change on that night', () => {
    // Europe/Berlin goes to summer time on 28 March 2027 at 02:00; midnight after the 27th is still winter time.
    expect(endOfDay('2027-03-27', 'Europe/Berlin')).toEqual(new Date('2027-03-27T23:00:00Z'));
    expect(endOfDay('2027-03-28', 'Europe/Berlin')).toEqual(new Date('2027-03-28T22:00:00Z'));
  });

  it('refuses dates that do not exist or are not YYYY-MM-DD', () => {
    for (const bad of ['2027-02-29', '2027-13-01', '31/12/2027', '2027-1-1', 'tomorrow']) expect(endOfDay(bad, 'UTC')).toBeNull();
    expect(endOfDay('2028-02-29', 'UTC')).toEqual(new Date('2028-03-01T00:00:00Z'));
  });
});
