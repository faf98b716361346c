import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, mockApi } from '../test/fetchMock';
import { renderApp, user } from '../test/render';

describe('login', () => {
  it('says so when the credentials are wrong, and stays on the login page', async () => {
    const api = mockApi([
      { path: '/api/session', status: 401, body: apiError('unauthorized', 'No session.') },
      {
        method: 'POST',
        path: '/api/session',
        status: 401,
        body: apiError('invalid_credentials', 'Wrong username or password.'),
      },
    ]);
    renderApp('/mailboxes');
    const ue = userEvent.setup();
    await ue.type(await screen.findByLabelText('Username'), 'admin');
    await ue.type(screen.getByLabelText('Password'), 'nope');
    await ue.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByRole('button', { name: 'Log in' })).toBeInTheDocument();
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.body).toEqual({ username: 'admin', password: 'nope' });
  });

  it('asks for both fields before calling the server', async () => {
    const api = mockApi([{ path: '/api/session', status: 401, body: apiError('unauthorized', 'No.') }]);
    renderApp('/login');
    await userEvent.click(await screen.findByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter your username and password.');
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('logs in, goes to the page asked for, and logs out', async () => {
    const api = mockApi([
      { path: '/api/session', status: 401, body: apiError('unauthorized', 'No session.') },
      { method: 'POST', path: '/api/session', body: user },
      { method: 'DELETE', path: '/api/session', status: 204 },
      { path: '/api/mailboxes', body: { mailboxes: [] } },
    ]);
    renderApp('/mailboxes');
    const ue = userEvent.setup();
    await ue.type(await screen.findByLabelText('Username'), 'admin');
    await ue.type(screen.getByLabelText('Password'), 'secret');
    await ue.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('No mailboxes yet')).toBeInTheDocument();

    await ue.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeInTheDocument();
    expect(api.calls.some((c) => c.method === 'DELETE' && c.url === '/api/session')).toBe(true);
  });

  it('goes to the login page when a call answers 401', async () => {
    mockApi([
      { path: '/api/session', body: user },
      { path: '/api/mailboxes', status: 401, body: apiError('unauthorized', 'Expired.') },
    ]);
    renderApp('/mailboxes');
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Log out' })).not.toBeInTheDocument());
  });
});
