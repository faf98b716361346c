import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/error';
import { renderWithMantine } from '../test/render';
import { LoadedView } from './LoadedView';

const empty = { title: 'Nothing here', text: 'Add one.' };
const isEmpty = (list: string[]) => list.length === 0;
const show = (list: string[]) => <p>{list.join(', ')}</p>;

describe('loaded view', () => {
  it('shows a status while loading', () => {
    renderWithMantine(
      <LoadedView loaded={{ data: undefined, error: null, reload: () => {} }} loadingLabel="Loading things…">
        {show}
      </LoadedView>,
    );
    expect(screen.getByRole('status')).toHaveTextContent('Loading things…');
  });

  it('shows the error with Try again, which reloads', async () => {
    const reload = vi.fn();
    const error = new ApiError(500, { code: 'internal', message: 'The database is locked.' });
    renderWithMantine(
      <LoadedView loaded={{ data: undefined, error, reload }} loadingLabel="Loading…">
        {show}
      </LoadedView>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('The database is locked.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(reload).toHaveBeenCalledOnce();
  });

  it('shows the empty state for an empty list, the content otherwise', () => {
    const { rerender } = renderWithMantine(
      <LoadedView loaded={{ data: [], error: null, reload: () => {} }} loadingLabel="…" isEmpty={isEmpty} empty={empty}>
        {show}
      </LoadedView>,
    );
    expect(screen.getByRole('heading', { name: 'Nothing here' })).toBeInTheDocument();
    rerender(
      <LoadedView loaded={{ data: ['a', 'b'], error: null, reload: () => {} }} loadingLabel="…" isEmpty={isEmpty} empty={empty}>
        {show}
      </LoadedView>,
    );
    expect(screen.getByText('a, b')).toBeInTheDocument();
  });

  it('keeps the data shown when a reload fails, with the error above it', () => {
    renderWithMantine(
      <LoadedView loaded={{ data: ['a'], error: new Error('offline'), reload: () => {} }} loadingLabel="…">
        {show}
      </LoadedView>,
    );
    expect(screen.getByRole('alert')).toBeInTheDocument();
    expect(screen.getByText('a')).toBeInTheDocument();
  });
});
