// Time zones as the server takes them (src/core/time_zone.h): an IANA name ("Europe/Berlin",
// "UTC") or a fixed offset written "UTC±HH:MM" up to ±14:00. Times are shown in such a zone
// with Intl; a fixed offset is applied by hand (Intl does not take "UTC+05:30").

const OFFSET = /^UTC([+-])(\d{2}):(\d{2})$/;

// The offset of a "UTC±HH:MM" zone in minutes, or null when `zone` is not one.
export function fixedOffsetMinutes(zone: string): number | null {
  const m = OFFSET.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (minutes > 59) return null;
  const total = hours * 60 + minutes;
  if (total > 14 * 60) return null;
  return m[1] === '-' ? -total : total;
}

function isIanaZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isValidTimeZone(zone: string): boolean {
  const z = zone.trim();
  if (!z) return false;
  return fixedOffsetMinutes(z) !== null || isIanaZone(z);
}

export const TIME_ZONE_HINT = 'An IANA name such as Europe/Berlin, or a fixed offset such as UTC+05:30.';

// What the time zone pickers offer: UTC, then every zone the browser knows.
let cachedZones: string[] | null = null;
export function timeZoneNames(): string[] {
  if (cachedZones) return cachedZones;
  let zones: string[] = [];
  try {
    const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
    zones = supported ? supported('timeZone') : [];
  } catch {
    zones = [];
  }
  if (zones.length === 0) {
    zones = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo'];
  }
  cachedZones = ['UTC', ...zones.filter((z) => z !== 'UTC')];
  return cachedZones;
}

// The browser's own zone, for a sensible default.
export function browserTimeZone(): string {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && isValidTimeZone(zone) ? zone : 'UTC';
  } catch {
    return 'UTC';
  }
}

// `value` (RFC 3339) as local time in `zone`, e.g. "Tue, Jan 7, 9:00 AM". Falls back to the
// browser's zone when `zone` is unknown here.
export function formatInZone(
  value: string,
  zone: string,
  options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) return '—';
  const offset = fixedOffsetMinutes(zone);
  if (offset !== null) {
    return new Date(t + offset * 60_000).toLocaleString(undefined, { ...options, timeZone: 'UTC' });
  }
  try {
    return new Date(t).toLocaleString(undefined, { ...options, timeZone: zone });
  } catch {
    return new Date(t).toLocaleString(undefined, options);
  }
}

// "Tue, Jan 7, 9:00 AM (America/Chicago)".
export function formatWithZone(value: string, zone: string): string {
  return `${formatInZone(value, zone)} (${zone})`;
}
