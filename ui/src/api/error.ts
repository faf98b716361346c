// The one error type of the client: the server's {"error":{code,message,details}}, or a
// stand-in for a network failure or an answer that was not the API's JSON.

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }

  // details.field / details.index, when the server named what was wrong.
  get field(): string | undefined {
    const d = this.details as { field?: unknown } | undefined;
    return typeof d?.field === 'string' ? d.field : undefined;
  }

  get index(): number | undefined {
    const d = this.details as { index?: unknown } | undefined;
    return typeof d?.index === 'number' ? d.index : undefined;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

// A message fit for people, whatever was thrown.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function parseErrorBody(status: number, text: string): ApiError {
  try {
    const parsed = JSON.parse(text) as { error?: Partial<ApiErrorBody> };
    const err = parsed?.error;
    if (err && typeof err.code === 'string') {
      return new ApiError(status, {
        code: err.code,
        message: typeof err.message === 'string' && err.message ? err.message : err.code,
        details: err.details,
      });
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, {
    code: status === 0 ? 'network_error' : `http_${status}`,
    message:
      status === 0
        ? 'The server could not be reached.'
        : `The server answered ${status}${text ? `: ${text.slice(0, 200)}` : ''}.`,
  });
}
