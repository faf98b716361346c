export { ApiError, errorMessage, isApiError } from './error';
export { request, setUnauthorizedHandler } from './client';
export { sessionApi } from './session';
export { mailboxApi } from './mailboxes';
export { sequenceApi } from './sequences';
export { enrollmentApi } from './enrollments';
export type * from './types';
export { ENROLLMENT_STATUSES, WEEKDAYS } from './types';
