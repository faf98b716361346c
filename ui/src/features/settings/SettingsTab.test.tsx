// The Settings tab's pace, limits, bounce protection and the mailbox's paused state.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../api/types';
import { MailboxPage } from '../../pages/MailboxPage';
import { apiError, mockApi } from '../../test/fetchMock';
import { mailbox } from '../../test/fixtures';
import { renderAtRoute } from '../../test/render';

const renderSettings = () =>
  renderAtRoute(<MailboxPage />, '/mailboxes/:mailboxId/:tab?', '/mailboxes/mbx_1/settings');
const setValue = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

const bounced: Mailbox = {
  ...mailbox,
  status: 'paused',
  pausedReason: 'bounce_rate',
  pausedAt: '2024-05-01T12:00:00Z',
  bounceFigures: { bounced: 6, sends: 50 },
};

describe('mailbox settings: pace and limits', () => {
  it('shows the stored values, today’s count, and sends the new ones (gap in ms)', async () => {
    const stored: Mailbox = {
      ...mailbox,
      timezone: 'Europe/Berlin',
      dailyLimit: 40,
      sentToday: 12,
      limitResetsAt: '2024-05-01T22:00:00Z',
      sendGap: { minMs: 60_000, maxMs: 120_000 },
      bounceProtection: { maxPercent: 5, overLast: 20 },
    };
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: stored },
      { method: 'PATCH', path: '/api/mailboxes/mbx_1', body: stored },
    ]);
    renderSettings();
    const zone = await screen.findByRole('textbox', { name: 'Time zone' });
    expect(zone).toHaveValue('Europe/Berlin');
    expect(screen.getByLabelText('Daily sending limit')).toHaveValue('40');
    expect(screen.getByText(/per calendar day in the mailbox’s time zone, retries included/)).toBeInTheDocument();
    expect(screen.queryByText(/not enforced/)).not.toBeInTheDocument();
    // Midnight in Berlin (summer time) is 22:00 UTC.
    expect(screen.getByTestId('sent-today')).toHaveTextContent(/Sent today: 12 of 40\. The day starts again Thu, May 2,? 12:00\sAM \(Europe\/Berlin\)/);
    expect(screen.getByLabelText('Minimum gap (seconds)')).toHaveValue('60');
    expect(screen.getByLabelText('Maximum gap (seconds)')).toHaveValue('120');
    expect(screen.getByTestId('gap-summary')).toHaveTextContent('A random pause of 1 min to 2 min between two emails');
    expect(screen.getByRole('switch', { name: 'Pause the mailbox when too many sends bounce' })).toBeChecked();
    expect(screen.getByLabelText('Bounce limit (%)')).toHaveValue('5');
    expect(screen.getByLabelText('Over the last (sends)')).toHaveValue('20');
    expect(screen.getByTestId('bounce-window')).toHaveTextContent('Now: 1 of the last 30 sends bounced.');

    setValue(zone, 'UTC+05:30');
    setValue(screen.getByLabelText('Daily sending limit'), '50');
    setValue(screen.getByLabelText('Minimum gap (seconds)'), '90');
    setValue(screen.getByLabelText('Maximum gap (seconds)'), '180.5');
    setValue(screen.getByLabelText('Bounce limit (%)'), '8');
    setValue(screen.getByLabelText('Over the last (sends)'), '100');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({
      timezone: 'UTC+05:30',
      dailyLimit: 50,
      sendGap: { minMs: 90_000, maxMs: 180_500 },
      bounceProtection: { maxPercent: 8, overLast: 100 },
    });
    // The first render of the whole settings form is slow on a loaded machine.
  }, 15_000);

  it('turns bounce protection off with null, no limit with null, and no gap with zeros', async () => {
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      { method: 'PATCH', path: '/api/mailboxes/mbx_1', body: mailbox },
    ]);
    renderSettings();
    const ue = userEvent.setup();
    await ue.click(await screen.findByRole('switch', { name: 'Pause the mailbox when too many sends bounce' }));
    expect(screen.queryByLabelText('Bounce limit (%)')).not.toBeInTheDocument();
    setValue(screen.getByLabelText('Daily sending limit'), '');
    expect(screen.getByTestId('gap-summary')).toHaveTextContent('No gap');
    await ue.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({
      timezone: 'UTC',
      dailyLimit: null,
      sendGap: { minMs: 0, maxMs: 0 },
      bounceProtection: null,
    });
  });

  it('fills in the advice for a new Google Workspace mailbox', async () => {
    mockApi([{ path: '/api/mailboxes/mbx_1', body: { ...mailbox, dailyLimit: null } }]);
    renderSettings();
    expect(await screen.findByText(/30–50 emails a day, a gap of 60–180 seconds/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Use 40 a day and 60–180 s' }));
    expect(screen.getByLabelText('Daily sending limit')).toHaveValue('40');
    expect(screen.getByLabelText('Minimum gap (seconds)')).toHaveValue('60');
    expect(screen.getByLabelText('Maximum gap (seconds)')).toHaveValue('180');
  });

  it('checks the gap and the zone before sending, and shows the server’s refusal on its field', async () => {
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      {
        method: 'PATCH',
        path: '/api/mailboxes/mbx_1',
        status: 422,
        body: apiError('invalid_send_gap', 'sendGap.maxMs must be at most 3600000.', { field: 'sendGap.maxMs' }),
      },
    ]);
    renderSettings();
    const ue = userEvent.setup();
    setValue(await screen.findByLabelText('Minimum gap (seconds)'), '120');
    setValue(screen.getByLabelText('Maximum gap (seconds)'), '60');
    setValue(screen.getByRole('textbox', { name: 'Time zone' }), 'Mars/Olympus');
    await ue.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('At least the minimum gap.')).toBeInTheDocument();
    expect(screen.getByText(/Not a time zone/)).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);

    setValue(screen.getByLabelText('Maximum gap (seconds)'), '99999');
    setValue(screen.getByRole('textbox', { name: 'Time zone' }), 'Europe/Berlin');
    await ue.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('sendGap.maxMs must be at most 3600000.')).toBeInTheDocument();
  });
});

describe('mailbox settings: paused or active', () => {
  it('says bounce protection paused it, with the figures, and resumes it', async () => {
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: bounced },
      { method: 'POST', path: '/api/mailboxes/mbx_1/resume', body: mailbox },
    ]);
    renderSettings();
    const alert = await screen.findByTestId('mailbox-paused');
    expect(alert).toHaveTextContent('Paused by bounce protection: 6 of the last 50 sends bounced (more than 10%).');
    // The header says so too.
    const header = screen.getByRole('heading', { name: 'Sales', level: 2 }).parentElement!;
    expect(within(header).getByText('paused')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();

    await userEvent.click(within(alert).getByRole('button', { name: 'Resume' }));
    expect(await screen.findByRole('button', { name: 'Pause' })).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/mailboxes/mbx_1/resume']);
    expect(screen.queryByTestId('mailbox-paused')).not.toBeInTheDocument();
    expect(within(header).queryByText('paused')).not.toBeInTheDocument();
  });

  it('pauses an active mailbox by hand', async () => {
    const api = mockApi([
      { path: '/api/mailboxes/mbx_1', body: mailbox },
      {
        method: 'POST',
        path: '/api/mailboxes/mbx_1/pause',
        body: { ...mailbox, status: 'paused', pausedReason: 'manual', pausedAt: '2024-05-01T12:00:00Z' },
      },
    ]);
    renderSettings();
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByTestId('mailbox-paused')).toHaveTextContent('Paused by hand.');
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/mailboxes/mbx_1/pause']);
  });

  it('shows the mailbox as it is when someone else already paused it', async () => {
    const paused = { ...mailbox, status: 'paused' as const, pausedReason: 'manual' as const, pausedAt: '2024-05-01T12:00:00Z' };
    let reads = 0;
    const api = mockApi([
      { method: 'POST', path: '/api/mailboxes/mbx_1/pause', status: 409, body: apiError('mailbox_paused', 'The mailbox is already paused.') },
    ]);
    // The first read finds it active, the one after the refusal paused.
    const fetchFn = api.fn.getMockImplementation()!;
    api.fn.mockImplementation(async (input, init) => {
      const url = typeof input === 'string' ? input : '';
      if (url === '/api/mailboxes/mbx_1' && (init?.method ?? 'GET') === 'GET') {
        reads += 1;
        return new Response(JSON.stringify(reads === 1 ? mailbox : paused), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }
      return fetchFn(input, init);
    });
    renderSettings();
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByTestId('mailbox-paused')).toHaveTextContent('Paused by hand.');
    expect(screen.getByText('The mailbox is already paused.')).toBeInTheDocument();
  });
});
