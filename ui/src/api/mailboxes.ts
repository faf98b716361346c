import { request } from './client';
import type { Mailbox, MailboxInput, OutboxMessage, OutboxPage } from './types';

const id = (mailboxId: string) => `/mailboxes/${encodeURIComponent(mailboxId)}`;

export const mailboxApi = {
  list: (signal?: AbortSignal) =>
    request<{ mailboxes: Mailbox[] }>('/mailboxes', { signal }).then((r) => r.mailboxes),
  get: (mailboxId: string, signal?: AbortSignal) => request<Mailbox>(id(mailboxId), { signal }),
  create: (input: MailboxInput) => request<Mailbox>('/mailboxes', { method: 'POST', json: input }),
  update: (mailboxId: string, input: MailboxInput) =>
    request<Mailbox>(id(mailboxId), { method: 'PATCH', json: input }),
  pause: (mailboxId: string) => request<Mailbox>(`${id(mailboxId)}/pause`, { method: 'POST' }),
  resume: (mailboxId: string) => request<Mailbox>(`${id(mailboxId)}/resume`, { method: 'POST' }),
  remove: (mailboxId: string) => request<void>(id(mailboxId), { method: 'DELETE' }),
  outbox: (mailboxId: string, limit: number, offset: number, signal?: AbortSignal) =>
    request<OutboxPage>(`${id(mailboxId)}/outbox`, { query: { limit, offset }, signal }),
  outboxMessage: (mailboxId: string, messageId: string, signal?: AbortSignal) =>
    request<OutboxMessage>(`${id(mailboxId)}/outbox/${encodeURIComponent(messageId)}`, {
      query: { format: 'json' },
      signal,
    }),
};
