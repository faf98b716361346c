// Who is logged in: asks GET /api/session once, and forgets the user on any 401 so the
// routes send them to the login page.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setUnauthorizedHandler } from '../api/client';
import { sessionApi } from '../api/session';
import { AuthContext, type AuthState, type AuthValue } from './AuthContext';

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading', user: null });

  useEffect(() => {
    const controller = new AbortController();
    sessionApi.current(controller.signal).then(
      (user) => setState({ status: 'in', user }),
      () => {
        if (!controller.signal.aborted) setState({ status: 'out', user: null });
      },
    );
    setUnauthorizedHandler(() => setState({ status: 'out', user: null }));
    return () => {
      controller.abort();
      setUnauthorizedHandler(null);
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const user = await sessionApi.login(username, password);
    setState({ status: 'in', user });
    return user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await sessionApi.logout();
    } finally {
      setState({ status: 'out', user: null });
    }
  }, []);

  const value = useMemo<AuthValue>(() => ({ state, login, logout }), [state, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
