// The sequence page's "Sending schedule" and "Mailbox rotation" cards, and who sends to whom.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Mailbox, Sequence } from '../../api/types';
import { SequencePage } from '../../pages/SequencePage';
import { apiError, mockApi, type Route } from '../../test/fetchMock';
import { enrollment, mailbox, sequence } from '../../test/fixtures';
import { renderAtRoute } from '../../test/render';

const imap = { host: 'imap.example.com', port: 993, tls: 'tls' as const, username: 'x', folder: 'INBOX', hasPassword: true };
const own: Mailbox = { ...mailbox, imap };
const support: Mailbox = { ...mailbox, id: 'mbx_2', name: 'Support', fromEmail: 'sue@example.com', imap: null };
const outreach: Mailbox = {
  ...mailbox,
  id: 'mbx_3',
  name: 'Outreach',
  fromEmail: 'olly@example.com',
  imap,
  status: 'paused',
  pausedReason: 'bounce_rate',
  pausedAt: '2024-05-01T12:00:00Z',
  bounceFigures: { bounced: 6, sends: 50 },
};

const scheduled = {
  timezone: 'America/New_York',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '17:00',
  useContactTimezone: true,
} as const;

function routes(seq: Sequence, extra: Route[] = [], enrollments = [enrollment(1)]): Route[] {
  return [
    { path: '/api/sequences/seq_1', body: seq },
    { path: '/api/mailboxes/mbx_1', body: own },
    { path: '/api/mailboxes', body: { mailboxes: [own, support, outreach] } },
    { path: /^\/api\/sequences\/seq_1\/enrollments/, body: { enrollments, nextCursor: null } },
    ...extra,
  ];
}

const renderPage = () => renderAtRoute(<SequencePage />, '/sequences/:sequenceId', '/sequences/seq_1');
const card = (name: string) => screen.getByRole('region', { name });
const patches = (api: ReturnType<typeof mockApi>) => api.calls.filter((c) => c.method === 'PATCH').map((c) => c.body);

describe('sending schedule card', () => {
  it('sets a working-week window in the contacts’ zones, saves it with PATCH {schedule} and describes it', async () => {
    const saved = { ...sequence, schedule: { ...scheduled, days: [...scheduled.days] } };
    const api = mockApi(routes(sequence, [{ method: 'PATCH', path: '/api/sequences/seq_1', body: saved }]));
    renderPage();
    const ue = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sending schedule' });
    const schedule = card('Sending schedule');
    expect(within(schedule).getByTestId('schedule-summary')).toHaveTextContent('Now: Any time');

    await ue.click(within(schedule).getByRole('radio', { name: 'Only inside a weekly window' }));
    const zone = within(schedule).getByRole('textbox', { name: 'Time zone' });
    fireEvent.change(zone, { target: { value: 'America/New_York' } });
    await ue.click(within(schedule).getByRole('switch', { name: "Use each contact's time zone" }));
    await ue.click(within(schedule).getByRole('button', { name: 'Save schedule' }));

    await waitFor(() => expect(patches(api)).toHaveLength(1));
    expect(patches(api)[0]).toEqual({ schedule: scheduled });
    expect(await within(schedule).findByText(/Mon–Fri, 09:00–17:00, in each contact's time zone \(America\/New_York/)).toBeInTheDocument();
  });

  it('sends nothing while the window is invalid, and turns it off with schedule null', async () => {
    const mondays = { ...sequence, schedule: { ...scheduled, days: ['mon' as const] } };
    const api = mockApi(routes(mondays, [{ method: 'PATCH', path: '/api/sequences/seq_1', body: sequence }]));
    renderPage();
    const ue = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sending schedule' });
    const schedule = card('Sending schedule');
    expect(within(schedule).getByTestId('schedule-summary')).toHaveTextContent('Now: Mon, 09:00–17:00');

    await ue.click(within(schedule).getByRole('checkbox', { name: 'Mon' }));
    await ue.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(within(schedule).getByText('Pick at least one day.')).toBeInTheDocument();
    expect(patches(api)).toHaveLength(0);

    await ue.click(within(schedule).getByRole('radio', { name: 'Any time' }));
    await ue.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(patches(api)).toEqual([{ schedule: null }]));
    expect(await within(schedule).findByText(/Any time: emails go out as soon as they are due/)).toBeInTheDocument();
  });

  it('puts the server’s refusal on the field it names', async () => {
    mockApi(
      routes(sequence, [
        {
          method: 'PATCH',
          path: '/api/sequences/seq_1',
          status: 422,
          body: apiError('invalid_timezone', 'Unknown time zone "Europe/Atlantis".', { field: 'schedule.timezone' }),
        },
      ]),
    );
    renderPage();
    const ue = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sending schedule' });
    const schedule = card('Sending schedule');
    await ue.click(within(schedule).getByRole('radio', { name: 'Only inside a weekly window' }));
    await ue.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(await within(schedule).findByText('Unknown time zone "Europe/Atlantis".')).toBeInTheDocument();
  });
});

describe('mailbox rotation card', () => {
  it('adds another mailbox with PATCH {rotation} and warns that one without IMAP cannot see replies', async () => {
    const api = mockApi(
      routes(sequence, [{ method: 'PATCH', path: '/api/sequences/seq_1', body: { ...sequence, rotation: ['mbx_2'] } }]),
    );
    renderPage();
    const ue = userEvent.setup();
    await screen.findByRole('heading', { name: 'Mailbox rotation' });
    const rotation = card('Mailbox rotation');
    expect(await within(rotation).findByText(/Sends only from Sales\./)).toBeInTheDocument();
    expect(within(rotation).queryByText(/no IMAP inbox/)).not.toBeInTheDocument();
    expect(within(rotation).getByRole('button', { name: 'Save rotation' })).toBeDisabled();

    await ue.click(within(rotation).getByRole('textbox', { name: 'Also send from' }));
    // The sequence's own mailbox is not offered; a paused one says so.
    expect(screen.queryByRole('option', { name: 'Sales' })).not.toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Outreach (paused)' })).toBeInTheDocument();
    await ue.click(screen.getByRole('option', { name: 'Support' }));

    const warning = within(rotation).getByText(/has no IMAP inbox/);
    expect(warning).toHaveTextContent('“Support” has no IMAP inbox: replies and bounces to its emails cannot be detected');
    await ue.click(within(rotation).getByRole('button', { name: 'Save rotation' }));
    await waitFor(() => expect(patches(api)).toEqual([{ rotation: ['mbx_2'] }]));
    expect(await within(rotation).findByText(/Sends from Sales and 1 other mailbox\./)).toBeInTheDocument();
  });

  it('shows a paused member', async () => {
    mockApi(routes({ ...sequence, rotation: ['mbx_3'] }));
    renderPage();
    await screen.findByRole('heading', { name: 'Mailbox rotation' });
    const rotation = card('Mailbox rotation');
    const members = await within(rotation).findByRole('list', { name: 'Rotation mailboxes' });
    const items = within(members).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Sales');
    expect(items[1]).toHaveTextContent('Outreach');
    expect(within(items[1]!).getByText('paused')).toBeInTheDocument();
    expect(within(rotation).getByText(/“Outreach” is paused and sends nothing until it is resumed/)).toBeInTheDocument();
    expect(within(rotation).queryByText(/no IMAP inbox/)).not.toBeInTheDocument();
  });
});

describe('enrollments of a sequence with a rotation', () => {
  it('name the mailbox each contact gets its emails from, and the due time on the contact’s clock', async () => {
    mockApi(
      routes({ ...sequence, rotation: ['mbx_2'], schedule: { ...scheduled, days: [...scheduled.days] } }, [], [
        enrollment(1, { mailboxId: 'mbx_2', sendTimezone: 'America/Chicago', nextRunAt: '2030-01-08T15:00:00Z' }),
        enrollment(2, { mailboxId: 'mbx_1', sendTimezone: null }),
      ]),
    );
    renderPage();
    const table = await screen.findByRole('table', { name: 'Enrollments' });
    expect(within(table).getByRole('columnheader', { name: 'Mailbox' })).toBeInTheDocument();
    const rows = within(table).getAllByRole('row');
    await waitFor(() => expect(rows[1]).toHaveTextContent('Support'));
    expect(rows[1]).toHaveTextContent(/Tue, Jan 8,? 9:00\sAM \(America\/Chicago\)/);
    expect(rows[2]).toHaveTextContent('Sales');
  });

  it('leave the column out without a rotation', async () => {
    mockApi(routes(sequence));
    renderPage();
    const table = await screen.findByRole('table', { name: 'Enrollments' });
    expect(within(table).queryByRole('columnheader', { name: 'Mailbox' })).not.toBeInTheDocument();
  });
});
