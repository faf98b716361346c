// One enrollment's story: every message and every status change, merged and ordered by time.
import type { EnrollmentDetail, EnrollmentMessage, HistoryEntry } from '../api/types';
import { parseTime } from './time';

// `changed` is false for an entry that keeps the status it follows: the sender's note about a
// delivery ("sent stp_… <id>: 250 …") is history too, but not a status change.
export type TimelineItem =
  | { kind: 'message'; at: string | null; message: EnrollmentMessage }
  | { kind: 'status'; at: string; entry: HistoryEntry; changed: boolean };

// At the same instant the enrollment itself comes first, then messages, then the events they
// caused (the sender's "sent …" note, completed after the last send).
function rank(item: TimelineItem): number {
  if (item.kind === 'message') return 1;
  return item.entry.cause === 'enrolled' ? 0 : 2;
}

export function buildTimeline(detail: Pick<EnrollmentDetail, 'messages' | 'history'>): TimelineItem[] {
  const items: TimelineItem[] = [
    ...detail.history.map((entry) => ({ kind: 'status' as const, at: entry.at, entry, changed: true })),
    ...detail.messages.map((message) => ({ kind: 'message' as const, at: message.sentAt, message })),
  ];
  const time = (i: TimelineItem) => parseTime(i.at)?.getTime() ?? Number.POSITIVE_INFINITY;
  // Array.prototype.sort is stable, so equal items keep the server's order.
  items.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    return rank(a) - rank(b);
  });
  let status: string | null = null;
  for (const item of items) {
    if (item.kind !== 'status') continue;
    item.changed = item.entry.status !== status;
    status = item.entry.status;
  }
  return items;
}

const CAUSES: Record<string, string> = {
  enrolled: 'Enrolled',
  all_steps_run: 'Every step has run',
  cancelled_by_user: 'Cancelled by a user',
  marked_replied_by_user: 'Marked as replied by a user',
  sequence_completed: 'The sequence was completed',
  reply_received: 'A reply was received',
  bounce_dsn: 'A delivery failure report was received',
  retries_exhausted: 'Sending failed too many times',
  unsubscribe: 'The contact unsubscribed',
  unsubscribed: 'The contact unsubscribed',
  delivery_delayed: 'Delivery delayed',
};

export function describeCause(cause: string): string {
  if (!cause) return '';
  const known = CAUSES[cause];
  if (known) return known;
  // A bare code reads as words; free text (the sender's "sent stp_… <id>: 250 …") stays as is.
  if (/^[a-z]+(_[a-z]+)*$/.test(cause)) return cause.charAt(0).toUpperCase() + cause.slice(1).replace(/_/g, ' ');
  return cause;
}
