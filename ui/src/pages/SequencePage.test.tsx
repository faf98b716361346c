import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, mockApi } from '../test/fetchMock';
import { enrollment, mailbox, sequence } from '../test/fixtures';
import { renderAtRoute } from '../test/render';
import { SequencePage } from './SequencePage';

const renderPage = () => renderAtRoute(<SequencePage />, '/sequences/:sequenceId', '/sequences/seq_1');
const base = [
  { path: '/api/sequences/seq_1', body: sequence },
  { path: '/api/mailboxes/mbx_1', body: mailbox },
  { path: '/api/mailboxes', body: { mailboxes: [mailbox] } },
  { path: /^\/api\/sequences\/seq_1\/enrollments/, body: { enrollments: [enrollment(1)], nextCursor: 'c2' } },
];

describe('sequence page', () => {
  it('shows the steps with their figures and the counts', async () => {
    mockApi(base);
    renderPage();
    const steps = await screen.findByRole('table', { name: 'Steps' });
    const rows = within(steps).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Hey {{firstName}}721');
    expect(rows[2]).toHaveTextContent('Wait 3 days');
    expect(rows[3]).toHaveTextContent('Re: previous subject400');
    const counts = screen.getByRole('list', { name: 'Enrollment counts' });
    expect(within(counts).getAllByRole('listitem')[0]).toHaveTextContent('active3');
    expect(await screen.findByText('contact1@acme.com')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sales' })).toHaveAttribute('href', '/mailboxes/mbx_1/sequences');
  });

  it('pauses, then completes after confirming', async () => {
    const api = mockApi([
      ...base,
      { method: 'POST', path: '/api/sequences/seq_1/pause', body: { ...sequence, status: 'paused' } },
      {
        method: 'POST',
        path: '/api/sequences/seq_1/complete',
        body: { ...sequence, status: 'completed', counts: { ...sequence.counts, active: 0, cancelled: 3 } },
      },
    ]);
    renderPage();
    const ue = userEvent.setup();
    await ue.click(await screen.findByRole('button', { name: 'Pause' }));
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeInTheDocument();

    await ue.click(screen.getByRole('button', { name: 'Complete sequence' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('cancels every active enrollment');
    expect(dialog).toHaveTextContent('cannot be undone');
    expect(api.calls.some((c) => c.url.endsWith('/complete'))).toBe(false);
    const listCalls = () => api.calls.filter((c) => c.url.includes('/enrollments')).length;
    const before = listCalls();
    await ue.click(within(dialog).getByRole('button', { name: 'Complete' }));
    expect(await screen.findByText(/archived and read-only/)).toBeInTheDocument();
    // The enrollments it cancelled are read again.
    await waitFor(() => expect(listCalls()).toBeGreaterThan(before));
    expect(screen.queryByRole('button', { name: 'Enroll contact' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resume' })).not.toBeInTheDocument();
  });

  it('filters by status, searches by email after a pause in typing, and pages with cursors', async () => {
    const api = mockApi(base);
    renderPage();
    const ue = userEvent.setup();
    await screen.findByText('contact1@acme.com');
    const listCalls = () => api.calls.filter((c) => c.url.includes('/enrollments'));

    await ue.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(listCalls().at(-1)?.url).toContain('cursor=c2'));
    expect(screen.getByRole('button', { name: 'Previous' })).toBeEnabled();

    await ue.selectOptions(screen.getByLabelText('Status'), 'replied');
    await waitFor(() => expect(listCalls().at(-1)?.url).toBe('/api/sequences/seq_1/enrollments?status=replied&limit=25'));

    const before = listCalls().length;
    fireEvent.change(screen.getByLabelText('Search by email'), { target: { value: 'ACME' } });
    expect(listCalls()).toHaveLength(before); // not at once
    await waitFor(() =>
      expect(listCalls().at(-1)?.url).toBe('/api/sequences/seq_1/enrollments?status=replied&email=ACME&limit=25'),
    );
  });

  it('enrolls a contact with merge fields, and shows a conflict with a link', async () => {
    const api = mockApi([
      ...base,
      {
        method: 'POST',
        path: '/api/sequences/seq_1/enrollments',
        status: 409,
        body: apiError('already_enrolled', 'This contact is already active in this sequence.', { enrollmentId: 'enr_7' }),
      },
    ]);
    renderPage();
    const ue = userEvent.setup();
    await ue.click(await screen.findByRole('button', { name: 'Enroll contact' }));
    const dialog = screen.getByRole('dialog');
    // The rows start with the fields the emails use.
    expect(within(dialog).getByLabelText('Field name 1')).toHaveValue('firstName');
    expect(within(dialog).getByLabelText('Field name 2')).toHaveValue('company');
    await ue.type(within(dialog).getByLabelText('Email'), 'alice@acme.com');
    await ue.type(within(dialog).getByLabelText('Value 1'), 'Alice');
    await ue.click(within(dialog).getByRole('button', { name: 'Enroll' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('already active');
    expect(within(dialog).getByRole('link', { name: 'Open the active enrollment' })).toHaveAttribute(
      'href',
      '/enrollments/enr_7',
    );
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ contactEmail: 'alice@acme.com', mergeFields: { firstName: 'Alice', company: '' } });
  });

  it('edits the steps in place, keeping their ids, with the advice to pause first', async () => {
    const api = mockApi([...base, { method: 'PATCH', path: '/api/sequences/seq_1', body: sequence }]);
    renderPage();
    const ue = userEvent.setup();
    await ue.click(await screen.findByRole('button', { name: 'Edit steps' }));
    expect(screen.getByText(/Pausing the sequence first is recommended/)).toBeInTheDocument();
    expect(screen.getByText(/emails already sent do not change/)).toBeInTheDocument();
    const delay = screen.getByRole('group', { name: 'Step 2: delay' });
    expect(within(delay).getByLabelText('Days')).toHaveValue('3');
    fireEvent.change(within(delay).getByLabelText('Days'), { target: { value: '5' } });
    await ue.click(screen.getByRole('button', { name: 'Save steps' }));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = api.calls.find((c) => c.method === 'PATCH');
    expect(patch?.body).toEqual({
      steps: [
        { id: 'stp_a', type: 'send_email', subject: 'Hey {{firstName}}', html: '<p>Hi {{firstName}} at {{company}}</p>' },
        { id: 'stp_b', type: 'delay', delayMs: 5 * 86_400_000 },
        { id: 'stp_c', type: 'send_email', subject: '', html: '<p>Bump</p>' },
      ],
    });
  });

  it('shows an error state when the sequence cannot be loaded', async () => {
    mockApi([{ path: '/api/sequences/seq_1', status: 404, body: apiError('sequence_not_found', 'No such sequence.') }]);
    renderPage();
    expect(await screen.findByRole('alert')).toHaveTextContent('No such sequence.');
  });
});
