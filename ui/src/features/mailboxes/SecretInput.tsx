// A write-only secret: never filled from the server; with one stored it is a "replace" field.
import { PasswordInput } from '@mantine/core';

interface Props {
  label: string;
  stored: boolean;
  value: string;
  onChange: (value: string) => void;
}

export function SecretInput({ label, stored, value, onChange }: Props) {
  return (
    <PasswordInput
      label={stored ? `Replace ${label}` : label}
      description={
        stored
          ? 'A password is stored and never shown. Leave this empty to keep it.'
          : 'Stored on the server and never shown again.'
      }
      autoComplete="new-password"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
