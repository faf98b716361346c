// Delays are stored as milliseconds (delayMs) and edited as days, hours and minutes. What
// does not fit whole minutes (a 3-second delay made through the API) is kept as restMs, so
// opening and saving a sequence never changes its delays.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
// The server's limit (kMaxDelayMs in src/api/json_mapping.h): ten 365-day years.
export const MAX_DELAY_MS = 10 * 365 * DAY_MS;

export interface DelayParts {
  days: number;
  hours: number;
  minutes: number;
  restMs: number;
}

export function splitDelay(ms: number): DelayParts {
  const whole = Math.max(0, Math.trunc(ms));
  const days = Math.floor(whole / DAY_MS);
  const hours = Math.floor((whole % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((whole % HOUR_MS) / MINUTE_MS);
  return { days, hours, minutes, restMs: whole % MINUTE_MS };
}

export function joinDelay(parts: DelayParts): number {
  return parts.days * DAY_MS + parts.hours * HOUR_MS + parts.minutes * MINUTE_MS + parts.restMs;
}

// An input's value (Mantine's NumberInput gives number | string) as a count; '' is 0 and
// anything that is not a whole, non-negative number is NaN so validation catches it.
export function toCount(value: number | string): number {
  if (value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : Number.NaN;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

// "3 days", "1 day 2 hours", "90 seconds" stays "1 minute 30 seconds".
export function formatDelay(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'no delay';
  const { days, hours, minutes, restMs } = splitDelay(ms);
  const parts: string[] = [];
  if (days) parts.push(plural(days, 'day'));
  if (hours) parts.push(plural(hours, 'hour'));
  if (minutes) parts.push(plural(minutes, 'minute'));
  if (restMs) {
    parts.push(restMs % 1000 === 0 ? plural(restMs / 1000, 'second') : `${restMs} ms`);
  }
  return parts.join(' ');
}
