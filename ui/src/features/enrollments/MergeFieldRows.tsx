import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { newRow, type FieldRow } from './enrollForm';

interface Props {
  rows: FieldRow[];
  onChange: (rows: FieldRow[]) => void;
}

export function MergeFieldRows({ rows, onChange }: Props) {
  const update = (key: string, patch: Partial<FieldRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Merge fields
      </Text>
      {rows.length === 0 && (
        <Text size="xs" c="dimmed">
          None. Add the values the emails use, like firstName.
        </Text>
      )}
      {rows.map((row, i) => (
        <Group key={row.key} gap="xs" align="flex-end" wrap="nowrap">
          <TextInput
            label="Field name"
            aria-label={`Field name ${i + 1}`}
            value={row.name}
            onChange={(e) => update(row.key, { name: e.currentTarget.value })}
            style={{ flex: 1 }}
            size="sm"
          />
          <TextInput
            label="Value"
            aria-label={`Value ${i + 1}`}
            value={row.value}
            onChange={(e) => update(row.key, { value: e.currentTarget.value })}
            style={{ flex: 1.4 }}
            size="sm"
          />
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={`Remove field ${i + 1}`}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
          >
            <span aria-hidden>✕</span>
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="subtle" size="xs" onClick={() => onChange([...rows, newRow()])}>
          Add field
        </Button>
      </Group>
    </Stack>
  );
}
