import { Button, Group, Text } from '@mantine/core';

interface Props {
  fields: string[];
  target: string; // the field that receives the insert, for the hint
  onInsert: (key: string) => void;
}

export function MergeFieldChips({ fields, target, onInsert }: Props) {
  return (
    <div>
      <Text size="xs" c="dimmed" mb={4}>
        Merge fields, inserted into the {target} at the cursor. Write {'{{firstName|there}}'} to use
        “there” when a contact has no value.
      </Text>
      <Group gap={6} role="group" aria-label="Insert merge field">
        {fields.map((key) => (
          <Button
            key={key}
            size="compact-xs"
            variant="light"
            radius="xl"
            onClick={() => onInsert(key)}
            // Keeps the caret where it was in the field being edited.
            onMouseDown={(e) => e.preventDefault()}
          >
            {`{{${key}}}`}
          </Button>
        ))}
      </Group>
    </div>
  );
}
