import { describe, expect, it } from 'vitest';
import type { EnrollmentMessage, HistoryEntry } from '../api/types';
import { buildTimeline, describeCause } from './timeline';

const msg = (id: string, sentAt: string | null, status: EnrollmentMessage['status'] = 'sent'): EnrollmentMessage => ({
  id,
  stepId: `stp_${id}`,
  messageId: `<${id}@x>`,
  subject: `Subject ${id}`,
  sentAt,
  status,
});
const hist = (at: string, status: string, cause: string): HistoryEntry => ({ at, status, cause });

describe('buildTimeline', () => {
  it('merges messages and status changes in time order', () => {
    const items = buildTimeline({
      history: [
        hist('2024-05-01T10:00:00Z', 'active', 'enrolled'),
        hist('2024-05-04T10:00:05Z', 'replied', 'reply_received'),
      ],
      messages: [msg('b', '2024-05-04T10:00:00Z'), msg('a', '2024-05-01T10:00:00.250Z')],
    });
    expect(items.map((i) => (i.kind === 'message' ? i.message.id : i.entry.status))).toEqual([
      'active',
      'a',
      'b',
      'replied',
    ]);
  });

  it('puts the enrollment before a message at the same instant, and a final status after it', () => {
    const t = '2024-05-01T10:00:00Z';
    const items = buildTimeline({
      history: [hist(t, 'completed', 'all_steps_run'), hist(t, 'active', 'enrolled')],
      messages: [msg('a', t)],
    });
    expect(items.map((i) => (i.kind === 'message' ? 'message' : i.entry.status))).toEqual([
      'active',
      'message',
      'completed',
    ]);
  });

  it('puts the sender\'s note about a message after the message', () => {
    const t = '2024-05-01T10:00:00Z';
    const items = buildTimeline({
      history: [hist(t, 'active', 'enrolled'), hist(t, 'active', 'sent stp_a <a@x>: 250 ok')],
      messages: [msg('a', t)],
    });
    expect(items.map((i) => (i.kind === 'message' ? 'message' : i.entry.cause))).toEqual([
      'enrolled',
      'message',
      'sent stp_a <a@x>: 250 ok',
    ]);
  });

  it('tells status changes from notes that keep the status', () => {
    const items = buildTimeline({
      history: [
        hist('2024-05-01T10:00:00Z', 'active', 'enrolled'),
        hist('2024-05-01T10:00:01Z', 'active', 'sent stp_a <a@x>: 250 ok'),
        hist('2024-05-02T10:00:00Z', 'cancelled', 'sequence_completed'),
        hist('2024-05-02T10:00:01Z', 'cancelled', 'a later note'),
      ],
      messages: [msg('a', '2024-05-01T10:00:00Z')],
    });
    expect(items.flatMap((i) => (i.kind === 'status' ? [i.changed] : []))).toEqual([true, false, true, false]);
  });

  it('puts messages not sent yet last', () => {
    const items = buildTimeline({
      history: [hist('2024-05-01T10:00:00Z', 'active', 'enrolled')],
      messages: [msg('pending', null, 'sending'), msg('a', '2024-05-01T10:00:01Z')],
    });
    expect(items.map((i) => (i.kind === 'message' ? i.message.id : 'h'))).toEqual(['h', 'a', 'pending']);
  });
});

describe('describeCause', () => {
  it('names known causes and spells out others', () => {
    expect(describeCause('cancelled_by_user')).toBe('Cancelled by a user');
    expect(describeCause('some_new_cause')).toBe('Some new cause');
    expect(describeCause('sent stp_1 <a@b>: 250 ok')).toBe('sent stp_1 <a@b>: 250 ok');
  });
});
