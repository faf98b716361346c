import { describe, expect, it } from 'vitest';
import {
  clockOptions,
  describeDays,
  describeSchedule,
  scheduleDraft,
  scheduleFieldOf,
  toSchedule,
  validateScheduleDraft,
  type ScheduleDraft,
} from './schedule';

const workWeek: ScheduleDraft = {
  enabled: true,
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  timezone: 'America/New_York',
  useContactTimezone: true,
};

describe('sending schedule', () => {
  it('accepts a working week and sends it as the API takes it, days in week order', () => {
    const d: ScheduleDraft = { ...workWeek, days: ['fri', 'mon', 'wed'] };
    expect(validateScheduleDraft(d)).toEqual({});
    expect(toSchedule(d)).toEqual({
      timezone: 'America/New_York',
      days: ['mon', 'wed', 'fri'],
      from: '09:00',
      to: '17:00',
      useContactTimezone: true,
    });
  });

  it('is null when off, whatever the fields hold', () => {
    const off: ScheduleDraft = { ...workWeek, enabled: false, days: [], from: '18:00', to: '09:00' };
    expect(validateScheduleDraft(off)).toEqual({});
    expect(toSchedule(off)).toBeNull();
  });

  it('needs a day, a start before the end, and a zone', () => {
    expect(validateScheduleDraft({ ...workWeek, days: [] })).toEqual({ days: 'Pick at least one day.' });
    expect(validateScheduleDraft({ ...workWeek, from: '17:00', to: '09:00' }).to).toMatch(/end after it starts/);
    expect(validateScheduleDraft({ ...workWeek, from: '09:00', to: '09:00' }).to).toMatch(/end after it starts/);
    expect(validateScheduleDraft({ ...workWeek, timezone: 'Mars/Olympus' }).timezone).toMatch(/Not a time zone/);
    expect(validateScheduleDraft({ ...workWeek, timezone: 'UTC+05:30' })).toEqual({});
    expect(validateScheduleDraft({ ...workWeek, timezone: 'UTC+15:00' }).timezone).toBeDefined();
    // "24:00" ends a day.
    expect(validateScheduleDraft({ ...workWeek, from: '00:00', to: '24:00' })).toEqual({});
    expect(validateScheduleDraft({ ...workWeek, from: '24:00', to: '24:00' }).from).toBeDefined();
  });

  it('offers half hours, keeps a time set through the API, and ends at 24:00', () => {
    expect(clockOptions('from')[0]).toBe('00:00');
    expect(clockOptions('from').at(-1)).toBe('23:30');
    expect(clockOptions('to').at(-1)).toBe('24:00');
    const with845 = clockOptions('from', '08:45');
    expect(with845.slice(with845.indexOf('08:30'), with845.indexOf('08:30') + 3)).toEqual(['08:30', '08:45', '09:00']);
  });

  it('reads a stored schedule, and starts a new one on business hours', () => {
    expect(scheduleDraft(null, 'Europe/Berlin')).toEqual({
      enabled: false,
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '09:00',
      to: '17:00',
      timezone: 'Europe/Berlin',
      useContactTimezone: false,
    });
    const stored = toSchedule({ ...workWeek, days: ['sat', 'sun'] })!;
    expect(scheduleDraft(stored, 'UTC')).toMatchObject({ enabled: true, days: ['sat', 'sun'], timezone: 'America/New_York' });
  });

  it('says the schedule in words', () => {
    expect(describeDays(['mon', 'tue', 'wed', 'thu', 'fri'])).toBe('Mon–Fri');
    expect(describeDays(['mon', 'wed', 'fri'])).toBe('Mon, Wed, Fri');
    expect(describeDays(['mon', 'tue', 'sat', 'sun'])).toBe('Mon, Tue, Sat, Sun');
    expect(describeDays(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).toBe('Every day');
    expect(describeSchedule(null)).toBe('Any time: emails go out as soon as they are due.');
    expect(describeSchedule(toSchedule(workWeek))).toBe(
      "Mon–Fri, 09:00–17:00, in each contact's time zone (America/New_York when a contact has none).",
    );
    expect(describeSchedule(toSchedule({ ...workWeek, useContactTimezone: false, from: '00:00', to: '24:00' }))).toBe(
      'Mon–Fri, all day, America/New_York time.',
    );
  });

  it('puts a server refusal on the field it names', () => {
    expect(scheduleFieldOf('schedule.to', 'invalid_schedule')).toBe('to');
    expect(scheduleFieldOf('schedule.days', 'invalid_schedule')).toBe('days');
    expect(scheduleFieldOf('schedule.timezone', 'invalid_timezone')).toBe('timezone');
    expect(scheduleFieldOf(undefined, 'invalid_timezone')).toBe('timezone');
    expect(scheduleFieldOf('schedule', 'invalid_schedule')).toBeNull();
  });
});
