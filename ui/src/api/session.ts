import { request } from './client';
import type { User } from './types';

export const sessionApi = {
  current: (signal?: AbortSignal) =>
    request<User>('/session', { signal, ignoreUnauthorized: true }),
  login: (username: string, password: string) =>
    request<User>('/session', {
      method: 'POST',
      json: { username, password },
      ignoreUnauthorized: true,
    }),
  logout: () => request<void>('/session', { method: 'DELETE', ignoreUnauthorized: true }),
};
