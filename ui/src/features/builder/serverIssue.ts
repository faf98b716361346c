import { ApiError, errorMessage } from '../../api/error';

// A server refusal as one line, naming the step it is about (details.index) when it does.
export function describeSaveError(e: unknown): string {
  if (e instanceof ApiError && e.index !== undefined) return `Step ${e.index + 1}: ${e.message}`;
  return errorMessage(e);
}
