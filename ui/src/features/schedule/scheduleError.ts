import { ApiError, errorMessage } from '../../api/error';
import { scheduleFieldOf, type ScheduleErrors } from '../../lib/schedule';

// A refusal of a schedule: on the field it names, else as one message.
export function scheduleServerError(e: unknown): { fields: ScheduleErrors; message: string | null } {
  if (e instanceof ApiError && (e.code === 'invalid_schedule' || e.code === 'invalid_timezone')) {
    const field = scheduleFieldOf(e.field, e.code);
    if (field) return { fields: { [field]: e.message }, message: null };
  }
  return { fields: {}, message: errorMessage(e) };
}
