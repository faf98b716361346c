import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';

interface Props {
  opened: boolean;
  activeCount: number;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
}

export function CompleteDialog({ opened, activeCount, busy, error, onConfirm, onClose }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Complete this sequence?">
      <Stack>
        <Text size="sm">
          Completing the sequence cancels every active enrollment at once
          {activeCount > 0 ? ` (${activeCount} contact${activeCount === 1 ? '' : 's'} now)` : ''} and
          archives it: no more emails, no new enrollments.
        </Text>
        <Text size="sm" fw={600}>
          This cannot be undone.
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={busy}>
            Complete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
