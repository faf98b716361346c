import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, mockApi } from '../test/fetchMock';
import { mailbox } from '../test/fixtures';
import { renderAtRoute } from '../test/render';
import { MailboxesPage } from './MailboxesPage';

describe('mailboxes page', () => {
  it('creates a mailbox with the local outbox and opens it', async () => {
    const api = mockApi([
      { path: '/api/mailboxes', body: { mailboxes: [mailbox] } },
      { method: 'POST', path: '/api/mailboxes', status: 201, body: { ...mailbox, id: 'mbx_2' } },
    ]);
    renderAtRoute(<MailboxesPage />, '/mailboxes', '/mailboxes');
    expect(await screen.findByRole('link', { name: 'Sales' })).toBeInTheDocument();
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'New mailbox' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Support' } });
    fireEvent.change(within(dialog).getByLabelText('From name'), { target: { value: 'Sue' } });
    fireEvent.change(within(dialog).getByLabelText('From address'), { target: { value: 'sue@example.com' } });
    await ue.click(within(dialog).getByRole('button', { name: 'Create mailbox' }));
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeInTheDocument());
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'Support',
      fromName: 'Sue',
      fromEmail: 'sue@example.com',
      transport: { type: 'outbox' },
    });
  });

  it('checks the form and shows the server refusal', async () => {
    const api = mockApi([
      { path: '/api/mailboxes', body: { mailboxes: [] } },
      {
        method: 'POST',
        path: '/api/mailboxes',
        status: 422,
        body: apiError('invalid_email', 'fromEmail is not a valid address.', { field: 'fromEmail' }),
      },
    ]);
    renderAtRoute(<MailboxesPage />, '/mailboxes', '/mailboxes');
    expect(await screen.findByText('No mailboxes yet')).toBeInTheDocument();
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'New mailbox' }));
    const dialog = screen.getByRole('dialog');
    await ue.click(within(dialog).getByRole('button', { name: 'Create mailbox' }));
    expect(within(dialog).getByText('Give the mailbox a name.')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'X' } });
    fireEvent.change(within(dialog).getByLabelText('From address'), { target: { value: 'a@b' } });
    await ue.click(within(dialog).getByRole('radio', { name: 'SMTP server' }));
    await ue.click(within(dialog).getByRole('button', { name: 'Create mailbox' }));
    expect(within(dialog).getByText('The SMTP server is required.')).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('SMTP host'), { target: { value: 'smtp.x' } });
    await ue.click(within(dialog).getByRole('button', { name: 'Create mailbox' }));
    expect(await within(dialog).findByText('fromEmail is not a valid address.')).toBeInTheDocument();
  });

  it('marks a paused mailbox in the list, with today’s count beside the limit', async () => {
    mockApi([
      {
        path: '/api/mailboxes',
        body: {
          mailboxes: [
            mailbox,
            { ...mailbox, id: 'mbx_2', name: 'Support', status: 'paused', pausedReason: 'bounce_rate', dailyLimit: null },
          ],
        },
      },
    ]);
    renderAtRoute(<MailboxesPage />, '/mailboxes', '/mailboxes');
    const rows = within(await screen.findByRole('table', { name: 'Mailboxes' })).getAllByRole('row');
    expect(rows[1]).not.toHaveTextContent('paused');
    expect(rows[1]).toHaveTextContent('200 (12 sent today)');
    expect(within(rows[2]!).getByText('paused').closest('[title]')).toHaveAttribute('title', 'Paused by bounce protection');
    expect(rows[2]).toHaveTextContent('No limit');
  });
});
