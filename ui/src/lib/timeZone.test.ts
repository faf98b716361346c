import { describe, expect, it } from 'vitest';
import { fixedOffsetMinutes, formatInZone, formatWithZone, isValidTimeZone, timeZoneNames } from './timeZone';

describe('time zones', () => {
  it('takes IANA names and UTC±HH:MM offsets up to 14 hours, as the server does', () => {
    for (const z of ['UTC', 'Europe/Berlin', 'America/New_York', 'UTC+05:30', 'UTC-10:00', 'UTC+14:00']) {
      expect(isValidTimeZone(z), z).toBe(true);
    }
    for (const z of ['', 'Mars/Olympus', 'UTC+5', 'UTC+14:30', 'UTC+05:60', '+05:00', 'GMT+5:00 x']) {
      expect(isValidTimeZone(z), z).toBe(false);
    }
    expect(fixedOffsetMinutes('UTC-03:30')).toBe(-210);
  });

  it('lists UTC first, then the zones the browser knows', () => {
    const names = timeZoneNames();
    expect(names[0]).toBe('UTC');
    expect(names).toContain('Europe/Berlin');
    expect(names.filter((n) => n === 'UTC')).toHaveLength(1);
  });

  it('shows an instant on the clock of a zone', () => {
    const t = '2030-01-08T15:00:00Z'; // a Tuesday
    const hm: Intl.DateTimeFormatOptions = { weekday: 'short', hour: 'numeric', minute: '2-digit' };
    expect(formatInZone(t, 'America/Chicago', hm)).toMatch(/^Tue,? 9:00\sAM$/);
    expect(formatInZone(t, 'UTC+05:30', hm)).toMatch(/^Tue,? 8:30\sPM$/);
    expect(formatWithZone(t, 'America/Chicago')).toMatch(/^Tue, Jan 8,? 9:00\sAM \(America\/Chicago\)$/);
  });
});
