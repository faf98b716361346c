import type { MailboxFormErrors, MailboxFormValues } from './mailboxForm';

export interface FieldGroupProps {
  values: MailboxFormValues;
  errors: MailboxFormErrors;
  onChange: (patch: Partial<MailboxFormValues>) => void;
  // 'edit' shows stored passwords as "replace" fields.
  mode: 'create' | 'edit';
}

export const TLS_OPTIONS = [
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'tls', label: 'TLS (implicit)' },
  { value: 'none', label: 'None (plain text)' },
];
