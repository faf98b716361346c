// A fake /api for component tests: each route answers a fixed status and body, and every
// call is recorded so a test can check what the UI sent.
import { vi } from 'vitest';

export interface Route {
  method?: string;
  path: string | RegExp; // matched against pathname + search
  status?: number;
  body?: unknown;
}

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export function mockApi(routes: Route[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(
      Object.entries((init.headers as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    let body: unknown = init.body;
    if (typeof body === 'string' && headers['content-type'] === 'application/json') body = JSON.parse(body);
    calls.push({ method, url, headers, body });
    const route = routes.find(
      (r) =>
        (r.method ?? 'GET') === method &&
        (typeof r.path === 'string' ? url === r.path || url.split('?')[0] === r.path : r.path.test(url)),
    );
    if (!route) {
      return new Response(JSON.stringify({ error: { code: 'route_not_found', message: `No mock for ${method} ${url}` } }), {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    const status = route.status ?? 200;
    if (status === 204) return new Response(null, { status });
    return new Response(JSON.stringify(route.body ?? {}), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fn);
  return { fn, calls };
}

export const apiError = (code: string, message: string, details?: unknown) => ({
  error: { code, message, details },
});
