import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../test/fetchMock';
import { renderAtRoute } from '../test/render';
import { NewSequencePage } from './NewSequencePage';

const renderBuilder = () =>
  renderAtRoute(<NewSequencePage />, '/mailboxes/:mailboxId/sequences/new', '/mailboxes/mbx_1/sequences/new');

const step = (n: number) => screen.getByRole('group', { name: new RegExp(`^Step ${n}:`) });

// Typing braces with user-event needs escaping; fireEvent sets the value directly.
const setValue = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

describe('step builder', () => {
  it('shows the rules and sends nothing while they are broken', async () => {
    const api = mockApi([]);
    renderBuilder();
    await userEvent.click(screen.getByRole('button', { name: 'Create sequence' }));

    expect(screen.getByText('The sequence needs a name.')).toBeInTheDocument();
    expect(within(step(1)).getByText('The first email needs a subject.')).toBeInTheDocument();
    expect(within(step(1)).getByText('An email needs an HTML body.')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('shows a problem as the user types, not before', async () => {
    mockApi([]);
    renderBuilder();
    const subject = within(step(1)).getByLabelText('Subject');
    expect(within(step(1)).queryByText('The first email needs a subject.')).not.toBeInTheDocument();
    setValue(subject, 'x');
    setValue(subject, '');
    expect(within(step(1)).getByText('The first email needs a subject.')).toBeInTheDocument();
  });

  it('refuses a delay first and a zero delay', async () => {
    mockApi([]);
    renderBuilder();
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Add delay' }));
    await ue.click(within(step(2)).getByRole('button', { name: 'Move up' }));
    expect(screen.getAllByRole('alert').some((a) => /must start with an email/.test(a.textContent ?? ''))).toBe(true);
    expect(step(1)).toHaveAccessibleName('Step 1: delay');

    for (const label of ['Days', 'Hours', 'Minutes']) {
      setValue(within(step(1)).getByLabelText(label), '0');
    }
    expect(within(step(1)).getByText(/A delay must be longer than zero/)).toBeInTheDocument();
  });

  it('converts days, hours and minutes to delayMs, keeps the order, and opens the new sequence', async () => {
    const api = mockApi([
      { method: 'POST', path: '/api/mailboxes/mbx_1/sequences', status: 201, body: { id: 'seq_9' } },
    ]);
    renderBuilder();
    const ue = userEvent.setup();
    setValue(screen.getByLabelText('Sequence name'), 'Cold outreach');
    setValue(within(step(1)).getByLabelText('Subject'), 'Hey {{firstName}}');
    setValue(within(step(1)).getByLabelText('HTML body'), '<p>Hi</p>');
    await ue.click(screen.getByRole('button', { name: 'Add email' }));
    setValue(within(step(2)).getByLabelText('HTML body'), '<p>Bump</p>');
    await ue.click(screen.getByRole('button', { name: 'Add delay' }));
    // Put the delay between the two emails.
    await ue.click(within(step(3)).getByRole('button', { name: 'Move up' }));
    setValue(within(step(2)).getByLabelText('Days'), '2');
    setValue(within(step(2)).getByLabelText('Hours'), '3');
    setValue(within(step(2)).getByLabelText('Minutes'), '30');
    expect(within(step(2)).getByText(/Wait 2 days 3 hours 30 minutes/)).toBeInTheDocument();
    // A follow-up without subject is allowed, and says what it becomes.
    expect(within(step(3)).getByText(/Re: Hey \{\{firstName\}\}/)).toBeInTheDocument();

    await ue.click(screen.getByRole('button', { name: 'Create sequence' }));
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeInTheDocument());
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.body).toEqual({
      name: 'Cold outreach',
      steps: [
        { type: 'send_email', subject: 'Hey {{firstName}}', html: '<p>Hi</p>' },
        { type: 'delay', delayMs: 2 * 86_400_000 + 3 * 3_600_000 + 30 * 60_000 },
        { type: 'send_email', subject: '', html: '<p>Bump</p>' },
      ],
    });
  });

  it('removes a step', async () => {
    mockApi([]);
    renderBuilder();
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Add delay' }));
    expect(screen.getAllByRole('group', { name: /^Step \d/ })).toHaveLength(2);
    await ue.click(within(step(2)).getByRole('button', { name: 'Remove step' }));
    expect(screen.getAllByRole('group', { name: /^Step \d/ })).toHaveLength(1);
  });

  it('inserts a merge field at the cursor when its chip is clicked', async () => {
    mockApi([]);
    renderBuilder();
    const html = within(step(1)).getByLabelText('HTML body') as HTMLTextAreaElement;
    setValue(html, '<p>Hi , welcome</p>');
    html.focus();
    html.setSelectionRange(6, 6);
    await userEvent.click(within(step(1)).getByRole('button', { name: '{{firstName}}' }));
    expect(html.value).toBe('<p>Hi {{firstName}}, welcome</p>');
  });

  it('shows the server refusal naming the step', async () => {
    mockApi([
      {
        method: 'POST',
        path: '/api/mailboxes/mbx_1/sequences',
        status: 422,
        body: { error: { code: 'html_required', message: 'A send_email step needs an html body.', details: { index: 0 } } },
      },
    ]);
    renderBuilder();
    setValue(screen.getByLabelText('Sequence name'), 'S');
    setValue(within(step(1)).getByLabelText('Subject'), 'Hi');
    setValue(within(step(1)).getByLabelText('HTML body'), '<p>x</p>');
    await userEvent.click(screen.getByRole('button', { name: 'Create sequence' }));
    expect(await screen.findByText('Step 1: A send_email step needs an html body.')).toBeInTheDocument();
  });

  it('sends the optional sending schedule on creation, and says delays count calendar time', async () => {
    const api = mockApi([
      { method: 'POST', path: '/api/mailboxes/mbx_1/sequences', status: 201, body: { id: 'seq_9' } },
    ]);
    renderBuilder();
    const ue = userEvent.setup();
    expect(screen.getByText(/Delays count calendar time, nights and weekends included/)).toBeInTheDocument();
    setValue(screen.getByLabelText('Sequence name'), 'Cold outreach');
    setValue(within(step(1)).getByLabelText('Subject'), 'Hi');
    setValue(within(step(1)).getByLabelText('HTML body'), '<p>Hi</p>');
    await ue.click(screen.getByRole('radio', { name: 'Only inside a weekly window' }));
    expect(screen.getByText(/a 3-day delay that ends on a Saturday waits for Monday’s opening/)).toBeInTheDocument();

    // An empty window is refused before anything is sent.
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) fireEvent.click(screen.getByRole('checkbox', { name: day }));
    await ue.click(screen.getByRole('button', { name: 'Create sequence' }));
    expect(screen.getByText('Pick at least one day.')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await ue.click(screen.getByRole('checkbox', { name: 'Sat' }));
    await ue.selectOptions(screen.getByLabelText('Start time'), '10:30');
    await ue.selectOptions(screen.getByLabelText('End time'), '14:00');
    setValue(screen.getByRole('textbox', { name: 'Time zone' }), 'Europe/Berlin');
    await ue.click(screen.getByRole('button', { name: 'Create sequence' }));
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeInTheDocument());
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'Cold outreach',
      steps: [{ type: 'send_email', subject: 'Hi', html: '<p>Hi</p>' }],
      schedule: { timezone: 'Europe/Berlin', days: ['sat'], from: '10:30', to: '14:00', useContactTimezone: false },
    });
    // The whole builder re-renders at each change: slow on a loaded machine.
  }, 15_000);
});
