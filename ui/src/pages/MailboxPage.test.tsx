import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, mockApi } from '../test/fetchMock';
import { mailbox, sequence } from '../test/fixtures';
import { renderAtRoute } from '../test/render';
import { MailboxPage } from './MailboxPage';

const renderTab = (tab: string) =>
  renderAtRoute(<MailboxPage />, '/mailboxes/:mailboxId/:tab?', `/mailboxes/mbx_1/${tab}`);

describe('mailbox page', () => {
  it('lists the sequences with status and counts per status', async () => {
    mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      { path: '/api/mailboxes/mbx_1/sequences', body: { sequences: [sequence] } },
    ]);
    renderTab('sequences');
    expect(await screen.findByRole('tab', { name: 'Sequences' })).toHaveAttribute('aria-selected', 'true');
    const link = await screen.findByRole('link', { name: 'Cold outreach' });
    expect(link).toHaveAttribute('href', '/sequences/seq_1');
    expect(link.closest('tr')).toHaveTextContent('Cold outreachactive331201');
    expect(screen.getByRole('button', { name: 'New sequence' })).toBeInTheDocument();
  });

  it('says when there are no sequences', async () => {
    mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      { path: '/api/mailboxes/mbx_1/sequences', body: { sequences: [] } },
    ]);
    renderTab('sequences');
    expect(await screen.findByText('No sequences yet')).toBeInTheDocument();
  });

  it('opens an outbox message by its encoded Message-ID', async () => {
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      {
        path: '/api/mailboxes/mbx_1/outbox',
        body: { messages: [{ messageId: '<a/b@x.com>', to: 'alice@acme.com', subject: 'Hey Alice', sentAt: '2024-05-01T10:00:00Z', size: 2048 }], total: 1 },
      },
      {
        path: '/api/mailboxes/mbx_1/outbox/%3Ca%2Fb%40x.com%3E?format=json',
        body: { messageId: '<a/b@x.com>', from: 'sam@example.com', to: 'alice@acme.com', subject: 'Hey Alice', date: '2024-05-01T10:00:00Z', text: 'Hi', html: '<p>Hi</p>', headers: [] },
      },
    ]);
    renderTab('outbox');
    await userEvent.click(await screen.findByRole('button', { name: 'Hey Alice' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByTitle('HTML body of “Hey Alice”')).toHaveAttribute('sandbox', '');
    expect(api.calls.at(-1)?.url).toBe('/api/mailboxes/mbx_1/outbox/%3Ca%2Fb%40x.com%3E?format=json');
  });

  it('never shows stored passwords and sends one only when replaced', async () => {
    const saved = { ...mailbox, name: 'Sales EU' };
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      { method: 'PATCH', path: '/api/mailboxes/mbx_1', body: saved },
    ]);
    renderTab('settings');
    const ue = userEvent.setup();
    const replace = await screen.findByLabelText('Replace SMTP password');
    expect(replace).toHaveValue('');
    expect(screen.getByLabelText('SMTP host')).toHaveValue('smtp.example.com');

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Sales EU' } });
    await ue.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'PATCH')).toBe(true));
    const first = api.calls.find((c) => c.method === 'PATCH')?.body as { transport: Record<string, unknown> };
    expect(first.transport).not.toHaveProperty('password');
    expect(first).toMatchObject({ name: 'Sales EU', imap: null, dailyLimit: 200 });

    await ue.type(screen.getByLabelText('Replace SMTP password'), 'n3w');
    await ue.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.calls.filter((c) => c.method === 'PATCH')).toHaveLength(2));
    const second = api.calls.filter((c) => c.method === 'PATCH')[1]?.body as { transport: Record<string, unknown> };
    expect(second.transport.password).toBe('n3w');
    // Once stored, the typed password leaves the page.
    await waitFor(() => expect(screen.getByLabelText('Replace SMTP password')).toHaveValue(''));
  });

  it('puts a server error on the field it names', async () => {
    mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      {
        method: 'PATCH',
        path: '/api/mailboxes/mbx_1',
        status: 422,
        body: apiError('invalid_port', 'transport.port must be between 1 and 65535.', { field: 'transport.port' }),
      },
    ]);
    renderTab('settings');
    await screen.findByLabelText('SMTP host');
    fireEvent.change(screen.getByLabelText('From address'), { target: { value: 'new@example.com' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('transport.port must be between 1 and 65535.')).toBeInTheDocument();
  });
});
