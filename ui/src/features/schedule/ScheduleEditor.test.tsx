import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { scheduleDraft, toSchedule, type ScheduleDraft } from '../../lib/schedule';
import { renderWithMantine } from '../../test/render';
import { ScheduleEditor } from './ScheduleEditor';

function Harness({ initial, showAll = false }: { initial: ScheduleDraft; showAll?: boolean }) {
  const [draft, setDraft] = useState(initial);
  return (
    <>
      <ScheduleEditor value={draft} onChange={(p) => setDraft((d) => ({ ...d, ...p }))} showAllErrors={showAll} />
      <output data-testid="payload">{JSON.stringify(toSchedule(draft))}</output>
    </>
  );
}

const payload = () => JSON.parse(screen.getByTestId('payload').textContent ?? 'null');

describe('schedule editor', () => {
  it('is off by default, and turning it on starts from business hours', async () => {
    renderWithMantine(<Harness initial={scheduleDraft(null, 'Europe/Berlin')} />);
    expect(screen.getByRole('radio', { name: 'Any time' })).toBeChecked();
    expect(screen.queryByLabelText('Start time')).not.toBeInTheDocument();
    expect(payload()).toBeNull();

    await userEvent.click(screen.getByRole('radio', { name: 'Only inside a weekly window' }));
    const days = screen.getByRole('group', { name: 'Sending days' });
    expect(within(days).getAllByRole('checkbox').map((c) => (c as HTMLInputElement).checked)).toEqual([
      true, true, true, true, true, false, false,
    ]);
    expect(screen.getByLabelText('Start time')).toHaveValue('09:00');
    expect(screen.getByLabelText('End time')).toHaveValue('17:00');
    expect(screen.getByRole('textbox', { name: 'Time zone' })).toHaveValue('Europe/Berlin');
    // Delays and the first email follow the window: the editor says so.
    expect(screen.getByText(/a 3-day delay that ends on a Saturday waits for Monday’s opening/)).toBeInTheDocument();
    expect(payload()).toEqual({
      timezone: 'Europe/Berlin',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '09:00',
      to: '17:00',
      useContactTimezone: false,
    });
  });

  it('asks for at least one day and for the start before the end', async () => {
    const ue = userEvent.setup();
    renderWithMantine(<Harness initial={{ ...scheduleDraft(null, 'UTC'), enabled: true, days: ['mon'] }} />);
    await ue.click(screen.getByRole('checkbox', { name: 'Mon' }));
    expect(screen.getByText('Pick at least one day.')).toBeInTheDocument();
    await ue.click(screen.getByRole('checkbox', { name: 'Sat' }));
    expect(screen.queryByText('Pick at least one day.')).not.toBeInTheDocument();

    await ue.selectOptions(screen.getByLabelText('Start time'), '18:00');
    expect(screen.getByText('The window must end after it starts (on the same day).')).toBeInTheDocument();
    await ue.selectOptions(screen.getByLabelText('End time'), '24:00');
    expect(screen.queryByText(/must end after it starts/)).not.toBeInTheDocument();
    expect(payload()).toMatchObject({ days: ['sat'], from: '18:00', to: '24:00' });
  });

  it('takes a fixed offset as the zone, judges a typed zone when the field is left, and uses contact zones', async () => {
    const ue = userEvent.setup();
    renderWithMantine(<Harness initial={{ ...scheduleDraft(null, 'UTC'), enabled: true }} />);
    const zone = screen.getByRole('textbox', { name: 'Time zone' });
    fireEvent.change(zone, { target: { value: 'Europe/Nowhere' } });
    expect(screen.queryByText(/Not a time zone/)).not.toBeInTheDocument();
    fireEvent.blur(zone);
    expect(screen.getByText(/Not a time zone/)).toBeInTheDocument();
    fireEvent.change(zone, { target: { value: 'UTC-03:30' } });
    expect(screen.queryByText(/Not a time zone/)).not.toBeInTheDocument();

    await ue.click(screen.getByRole('switch', { name: "Use each contact's time zone" }));
    expect(payload()).toMatchObject({ timezone: 'UTC-03:30', useContactTimezone: true });
  });

  it('offers the zones the browser knows as the user types', async () => {
    const ue = userEvent.setup();
    renderWithMantine(<Harness initial={{ ...scheduleDraft(null, ''), enabled: true }} />);
    await ue.type(screen.getByRole('textbox', { name: 'Time zone' }), 'new_y');
    await ue.click(await screen.findByRole('option', { name: 'America/New_York' }));
    expect(payload()).toMatchObject({ timezone: 'America/New_York' });
  });
});
