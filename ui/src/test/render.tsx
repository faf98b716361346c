import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { AppRoutes } from '../AppRoutes';
import { AuthProvider } from '../auth/AuthProvider';
import { theme } from '../theme';

// env="test" turns off Mantine's transitions and portals, so dialogs render at once.
export function renderWithMantine(ui: ReactElement) {
  return render(
    <MantineProvider theme={theme} env="test">
      {ui}
    </MantineProvider>,
  );
}

// A component under a route, to give it params and links.
export function renderAtRoute(ui: ReactElement, path: string, url: string) {
  return renderWithMantine(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path={path} element={ui} />
        <Route path="*" element={<div>elsewhere</div>} />
      </Routes>
    </MemoryRouter>,
  );
}

// The whole app (auth included) at a URL.
export function renderApp(url: string) {
  return renderWithMantine(
    <MemoryRouter initialEntries={[url]}>
      <AuthProvider>
        <AppRoutes />
      </AuthProvider>
    </MemoryRouter>,
  );
}

export const user = { id: 'usr_1', name: 'admin', createdAt: '2024-05-01T10:00:00Z' };
