import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { EnrollmentDetail } from '../../api/types';
import { renderWithMantine } from '../../test/render';
import { EnrollmentTimeline } from './EnrollmentTimeline';

const detail: EnrollmentDetail = {
  id: 'enr_1',
  sequenceId: 'seq_1',
  contactEmail: 'alice@acme.com',
  mergeFields: {},
  status: 'replied',
  currentStepId: null,
  nextRunAt: null,
  mailboxId: 'mbx_1',
  sendTimezone: null,
  createdAt: '2024-05-01T10:00:00Z',
  updatedAt: '2024-05-05T10:00:00Z',
  // The server lists messages and history separately; the timeline interleaves them.
  messages: [
    { id: 'msg_2', stepId: 's3', messageId: '<2@x>', subject: 'Re: Hello', sentAt: '2024-05-04T10:00:00Z', status: 'sent' },
    { id: 'msg_1', stepId: 's1', messageId: '<1@x>', subject: 'Hello', sentAt: '2024-05-01T10:00:00Z', status: 'sent' },
  ],
  history: [
    { at: '2024-05-01T10:00:00Z', status: 'active', cause: 'enrolled' },
    { at: '2024-05-01T10:00:00Z', status: 'active', cause: 'sent s1 <1@x>: 250 ok' },
    { at: '2024-05-05T09:00:00Z', status: 'replied', cause: 'reply_received' },
  ],
};

describe('enrollment timeline', () => {
  it('lists messages and status changes merged in time order', () => {
    const { container } = renderWithMantine(<EnrollmentTimeline detail={detail} />);
    const kinds = [...container.querySelectorAll('[data-kind]')];
    const items = kinds.map((el) => el.textContent ?? '');
    expect(items).toHaveLength(5);
    expect(items[0]).toMatch(/active.*Enrolled/);
    expect(items[1]).toMatch(/Email: Hello.*sent/);
    // The sender's note changes no status: no badge, not called a status.
    expect(kinds[2]).toHaveAttribute('data-kind', 'note');
    expect(items[2]).toMatch(/^sent s1 <1@x>: 250 ok/);
    expect(kinds[2]?.querySelector('.mantine-Badge-root')).toBeNull();
    expect(items[3]).toMatch(/Email: Re: Hello/);
    expect(items[4]).toMatch(/replied.*A reply was received/);
    expect(screen.getAllByRole('time')).toHaveLength(5);
  });

  it('is a list named Timeline, one item per event', () => {
    renderWithMantine(<EnrollmentTimeline detail={detail} />);
    const list = screen.getByRole('list', { name: 'Timeline' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(5);
  });

  it('says so when nothing has happened yet', () => {
    renderWithMantine(<EnrollmentTimeline detail={{ ...detail, messages: [], history: [] }} />);
    expect(screen.getByText('Nothing has happened yet.')).toBeInTheDocument();
    expect(screen.queryByRole('list')).toBeNull();
  });
});
