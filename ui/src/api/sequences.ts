import { request } from './client';
import type {
  EnrollInput,
  EnrollmentDetail,
  EnrollmentPage,
  EnrollmentStatus,
  ImportResult,
  Sequence,
  SequenceInput,
  SequencePatch,
} from './types';

const id = (sequenceId: string) => `/sequences/${encodeURIComponent(sequenceId)}`;

export interface EnrollmentQuery {
  status?: EnrollmentStatus | '';
  email?: string;
  limit?: number;
  cursor?: string | null;
}

export const sequenceApi = {
  listForMailbox: (mailboxId: string, signal?: AbortSignal) =>
    request<{ sequences: Sequence[] }>(`/mailboxes/${encodeURIComponent(mailboxId)}/sequences`, {
      signal,
    }).then((r) => r.sequences),
  create: (mailboxId: string, input: SequenceInput) =>
    request<Sequence>(`/mailboxes/${encodeURIComponent(mailboxId)}/sequences`, {
      method: 'POST',
      json: input,
    }),
  get: (sequenceId: string, signal?: AbortSignal) => request<Sequence>(id(sequenceId), { signal }),
  update: (sequenceId: string, patch: SequencePatch) =>
    request<Sequence>(id(sequenceId), { method: 'PATCH', json: patch }),
  pause: (sequenceId: string) => request<Sequence>(`${id(sequenceId)}/pause`, { method: 'POST' }),
  resume: (sequenceId: string) =>
    request<Sequence>(`${id(sequenceId)}/resume`, { method: 'POST' }),
  complete: (sequenceId: string) =>
    request<Sequence>(`${id(sequenceId)}/complete`, { method: 'POST' }),
  enrollments: (sequenceId: string, q: EnrollmentQuery, signal?: AbortSignal) =>
    request<EnrollmentPage>(`${id(sequenceId)}/enrollments`, {
      query: { status: q.status, email: q.email, limit: q.limit, cursor: q.cursor },
      signal,
    }),
  enroll: (sequenceId: string, input: EnrollInput) =>
    request<EnrollmentDetail>(`${id(sequenceId)}/enrollments`, { method: 'POST', json: input }),
  importCsv: (sequenceId: string, csv: Blob | string) =>
    request<ImportResult>(`${id(sequenceId)}/enrollments/import`, {
      method: 'POST',
      body: csv,
      contentType: 'text/csv',
    }),
};
