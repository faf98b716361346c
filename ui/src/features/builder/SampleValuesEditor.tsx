import { Group, Paper, Stack, Text, TextInput } from '@mantine/core';

interface Props {
  keys: string[];
  values: Record<string, string>;
  email: string;
  onChange: (key: string, value: string) => void;
  onEmailChange: (email: string) => void;
}

export function SampleValuesEditor({ keys, values, email, onChange, onEmailChange }: Props) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          Preview values
        </Text>
        <Text size="xs" c="dimmed">
          The previews use these. Leave one empty to see what a contact without it receives.
        </Text>
        <Group gap="sm" align="flex-start">
          <TextInput
            label="Sample email"
            size="xs"
            value={email}
            onChange={(e) => onEmailChange(e.currentTarget.value)}
            w={200}
          />
          {keys.map((key) => (
            <TextInput
              key={key}
              label={`Sample ${key}`}
              size="xs"
              value={values[key] ?? ''}
              onChange={(e) => onChange(key, e.currentTarget.value)}
              w={160}
            />
          ))}
        </Group>
      </Stack>
    </Paper>
  );
}
