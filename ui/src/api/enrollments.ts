import { request } from './client';
import type { EnrollmentDetail } from './types';

const id = (enrollmentId: string) => `/enrollments/${encodeURIComponent(enrollmentId)}`;

export const enrollmentApi = {
  get: (enrollmentId: string, signal?: AbortSignal) =>
    request<EnrollmentDetail>(id(enrollmentId), { signal }),
  cancel: (enrollmentId: string) =>
    request<EnrollmentDetail>(`${id(enrollmentId)}/cancel`, { method: 'POST' }),
  markReplied: (enrollmentId: string) =>
    request<EnrollmentDetail>(`${id(enrollmentId)}/replied`, { method: 'POST' }),
};
