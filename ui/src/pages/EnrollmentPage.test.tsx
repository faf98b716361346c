import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { EnrollmentDetail } from '../api/types';
import { apiError, mockApi } from '../test/fetchMock';
import { enrollment, mailbox, sequence } from '../test/fixtures';
import { renderAtRoute } from '../test/render';
import { EnrollmentPage } from './EnrollmentPage';

const detail: EnrollmentDetail = {
  ...enrollment(1),
  messages: [{ id: 'm1', stepId: 'stp_a', messageId: '<1@x>', subject: 'Hey C1', sentAt: '2024-05-01T10:00:01Z', status: 'sent' }],
  history: [{ at: '2024-05-01T10:00:00Z', status: 'active', cause: 'enrolled' }],
};

const renderPage = () => renderAtRoute(<EnrollmentPage />, '/enrollments/:enrollmentId', '/enrollments/enr_1');

describe('enrollment page', () => {
  it('cancels an active enrollment, then offers no more actions', async () => {
    const cancelled: EnrollmentDetail = {
      ...detail,
      status: 'cancelled',
      history: [...detail.history, { at: '2024-05-02T10:00:00Z', status: 'cancelled', cause: 'cancelled_by_user' }],
    };
    mockApi([
      { path: '/api/enrollments/enr_1', body: detail },
      { path: '/api/sequences/seq_1', body: sequence },
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      { method: 'POST', path: '/api/enrollments/enr_1/cancel', body: cancelled },
    ]);
    renderPage();
    expect(await screen.findByText('Email: Hey C1')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Cold outreach' })).toHaveAttribute('href', '/sequences/seq_1');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel enrollment' }));
    expect(await screen.findByText('Cancelled by a user')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel enrollment' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Mark as replied' })).not.toBeInTheDocument();
  });

  it('shows the server refusal', async () => {
    mockApi([
      { path: '/api/enrollments/enr_1', body: detail },
      { path: '/api/sequences/seq_1', body: sequence },
      {
        method: 'POST',
        path: '/api/enrollments/enr_1/replied',
        status: 409,
        body: apiError('enrollment_final', 'This enrollment is already completed.'),
      },
    ]);
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Mark as replied' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('already completed');
  });

  it('names the mailbox it sends from and the next send on the contact’s clock', async () => {
    mockApi([
      {
        path: '/api/enrollments/enr_1',
        body: { ...detail, mailboxId: 'mbx_2', sendTimezone: 'America/Chicago', nextRunAt: '2030-01-08T15:00:00Z' },
      },
      { path: '/api/sequences/seq_1', body: { ...sequence, rotation: ['mbx_2'] } },
      { path: '/api/mailboxes/mbx_2', body: { ...mailbox, id: 'mbx_2', name: 'Support', status: 'paused', pausedReason: 'manual' } },
    ]);
    renderPage();
    const link = await screen.findByRole('link', { name: 'Support' });
    expect(link).toHaveAttribute('href', '/mailboxes/mbx_2/sequences');
    expect(link.parentElement).toHaveTextContent('Supportpaused');
    expect(screen.getByText(/^Tue, Jan 8,? 9:00\sAM \(America\/Chicago\)$/)).toBeInTheDocument();
  });
});
