import { Stack, TextInput } from '@mantine/core';
import { bindText, type FieldGroupProps } from './fieldProps';

export function IdentityFields(props: FieldGroupProps) {
  return (
    <Stack gap="sm">
      <TextInput
        label="Name"
        description="For you: how this mailbox appears in Mailmark."
        {...bindText(props, 'name')}
        required
      />
      <TextInput label="From name" description="Shown to recipients, e.g. Sam Sender." {...bindText(props, 'fromName')} />
      <TextInput label="From address" type="email" autoComplete="email" {...bindText(props, 'fromEmail')} required />
    </Stack>
  );
}
