// Every call to /api goes through request(): same origin, the session cookie, JSON bodies as
// application/json (the server refuses other types on cookie-authenticated requests), and
// one error type. A 401 on a call made while logged in tells the app to show the login page.
import { ApiError, parseErrorBody } from './error';

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Query;
  json?: unknown;
  // A raw body with its own type (the CSV import).
  body?: BodyInit;
  contentType?: string;
  signal?: AbortSignal;
  // The login call answers 401 for a wrong password: that is not "logged out".
  ignoreUnauthorized?: boolean;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/octet-stream';
    body = options.body;
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw parseErrorBody(0, '');
  }
  const text = response.status === 204 ? '' : await response.text();
  if (!response.ok) {
    const error = parseErrorBody(response.status, text);
    if (response.status === 401 && !options.ignoreUnauthorized) onUnauthorized?.();
    throw error;
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, {
      code: 'invalid_response',
      message: 'The server answered something that is not JSON.',
    });
  }
}
