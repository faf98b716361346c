// A sequence's weekly sending window (SPEC.md "Sending like a person", src/core/
// send_window.h): days Monday to Sunday, local "HH:MM" from (inclusive) to (exclusive, "24:00"
// is the end of the day), a zone or each contact's own. Edited as a draft that may be off.
import { WEEKDAYS, type SendSchedule, type Weekday } from '../api/types';
import { isValidTimeZone, TIME_ZONE_HINT } from './timeZone';

export const WEEKDAY_LABELS: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export interface ScheduleDraft {
  enabled: boolean;
  days: Weekday[];
  from: string;
  to: string;
  timezone: string;
  useContactTimezone: boolean;
}

export type ScheduleErrors = Partial<Record<'days' | 'from' | 'to' | 'timezone', string>>;

export const BUSINESS_HOURS = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[], from: '09:00', to: '17:00' };

export function scheduleDraft(schedule: SendSchedule | null | undefined, defaultZone: string): ScheduleDraft {
  if (!schedule) {
    return { enabled: false, ...BUSINESS_HOURS, timezone: defaultZone, useContactTimezone: false };
  }
  return {
    enabled: true,
    days: WEEKDAYS.filter((d) => schedule.days.includes(d)),
    from: schedule.from,
    to: schedule.to,
    timezone: schedule.timezone,
    useContactTimezone: schedule.useContactTimezone,
  };
}

// "09:00" → 540, "24:00" → 1440; null for anything else.
export function clockMinutes(value: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// The times the pickers offer, every half hour; `extra` (a time set through the API) is kept.
export function clockOptions(kind: 'from' | 'to', extra?: string): string[] {
  const out: string[] = [];
  const first = kind === 'from' ? 0 : 30;
  const last = kind === 'from' ? 23 * 60 + 30 : 24 * 60;
  for (let m = first; m <= last; m += 30) out.push(formatClock(m));
  const e = extra ? clockMinutes(extra) : null;
  if (extra && e !== null && !out.includes(extra)) {
    out.push(extra);
    out.sort((a, b) => (clockMinutes(a) ?? 0) - (clockMinutes(b) ?? 0));
  }
  return out;
}

export function validateScheduleDraft(d: ScheduleDraft): ScheduleErrors {
  const errors: ScheduleErrors = {};
  if (!d.enabled) return errors;
  if (d.days.length === 0) errors.days = 'Pick at least one day.';
  const from = clockMinutes(d.from);
  const to = clockMinutes(d.to);
  if (from === null || from >= 24 * 60) errors.from = 'A time from 00:00 to 23:59.';
  if (to === null || to === 0) errors.to = 'A time from 00:01 to 24:00.';
  if (from !== null && to !== null && !errors.from && !errors.to && from >= to) {
    errors.to = 'The window must end after it starts (on the same day).';
  }
  if (!isValidTimeZone(d.timezone)) errors.timezone = `Not a time zone. ${TIME_ZONE_HINT}`;
  return errors;
}

// What the API takes: null when off.
export function toSchedule(d: ScheduleDraft): SendSchedule | null {
  if (!d.enabled) return null;
  return {
    timezone: d.timezone.trim(),
    days: WEEKDAYS.filter((day) => d.days.includes(day)),
    from: d.from,
    to: d.to,
    useContactTimezone: d.useContactTimezone,
  };
}

// "Mon–Fri", "Mon, Wed, Fri", "Every day", "Mon–Wed, Sat".
export function describeDays(days: readonly Weekday[]): string {
  const idx = WEEKDAYS.map((d) => days.includes(d));
  if (idx.every(Boolean)) return 'Every day';
  const runs: string[] = [];
  let i = 0;
  while (i < 7) {
    if (!idx[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && idx[j + 1]) j++;
    const a = WEEKDAY_LABELS[WEEKDAYS[i] as Weekday];
    const b = WEEKDAY_LABELS[WEEKDAYS[j] as Weekday];
    if (j === i) runs.push(a);
    else if (j === i + 1) runs.push(`${a}, ${b}`);
    else runs.push(`${a}–${b}`);
    i = j + 1;
  }
  return runs.join(', ');
}

export function weekdayName(d: Weekday): string {
  return WEEKDAY_NAMES[d];
}

// The schedule in words, e.g. "Mon–Fri, 09:00–17:00 in each contact's time zone
// (America/New_York when a contact has none)".
export function describeSchedule(s: SendSchedule | null | undefined): string {
  if (!s) return 'Any time: emails go out as soon as they are due.';
  const days = describeDays(s.days);
  const hours = s.from === '00:00' && s.to === '24:00' ? 'all day' : `${s.from}–${s.to}`;
  const zone = s.useContactTimezone
    ? `in each contact's time zone (${s.timezone} when a contact has none)`
    : `${s.timezone} time`;
  return `${days}, ${hours}, ${zone}.`;
}

export const CALENDAR_DELAY_NOTE =
  'Every email, the first one included, goes out only inside the window. Delays count calendar time: a 3-day delay that ends on a Saturday waits for Monday’s opening.';

// The editor field a server refusal names: details.field "schedule.days", "schedule.to", …;
// an invalid_timezone without a field is the zone's.
export function scheduleFieldOf(field: string | undefined, code: string): keyof ScheduleErrors | null {
  const f = (field ?? '').replace(/^schedule\./, '');
  if (f === 'days' || f.startsWith('days')) return 'days';
  if (f === 'from') return 'from';
  if (f === 'to') return 'to';
  if (f === 'timezone' || (!field && code === 'invalid_timezone')) return 'timezone';
  return null;
}
