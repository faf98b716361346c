import { Stack, TextInput } from '@mantine/core';
import type { FieldGroupProps } from './fieldProps';

export function IdentityFields({ values, errors, onChange }: FieldGroupProps) {
  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        description="For you: how this mailbox appears in Mailmark."
        value={values.name}
        error={errors.name}
        onChange={(e) => onChange({ name: e.currentTarget.value })}
        required
      />
      <TextInput
        label="From name"
        description="Shown to recipients, e.g. Sam Sender."
        value={values.fromName}
        error={errors.fromName}
        onChange={(e) => onChange({ fromName: e.currentTarget.value })}
      />
      <TextInput
        label="From address"
        type="email"
        autoComplete="email"
        value={values.fromEmail}
        error={errors.fromEmail}
        onChange={(e) => onChange({ fromEmail: e.currentTarget.value })}
        required
      />
    </Stack>
  );
}
