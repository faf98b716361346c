import { ApiError, errorMessage } from '../../api/error';

// An import the server stopped: its message, and how many rows were enrolled before it
// (details.enrolledBeforeError, for a structural error after whole batches committed).
export function describeImportError(e: unknown): string {
  const message = errorMessage(e);
  if (!(e instanceof ApiError)) return message;
  const before = (e.details as { enrolledBeforeError?: unknown } | undefined)?.enrolledBeforeError;
  if (typeof before === 'number' && before > 0) {
    return `${message} ${before} contact${before === 1 ? ' was' : 's were'} enrolled before the error.`;
  }
  return message;
}
