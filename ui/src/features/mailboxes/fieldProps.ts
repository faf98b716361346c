import type { ChangeEvent } from 'react';
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

// The form's fields that take any text.
export type TextKey = {
  [K in keyof MailboxFormValues]: string extends MailboxFormValues[K] ? K : never;
}[keyof MailboxFormValues];

// value, error and onChange of a text input bound to one field of the form.
export function bindText({ values, errors, onChange }: Omit<FieldGroupProps, 'mode'>, key: TextKey) {
  return {
    value: String(values[key]),
    error: errors[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) =>
      onChange({ [key]: e.currentTarget.value } as Partial<MailboxFormValues>),
  };
}
