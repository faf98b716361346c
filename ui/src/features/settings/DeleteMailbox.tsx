import { Alert, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../api/error';
import { mailboxApi } from '../../api/mailboxes';
import type { Mailbox } from '../../api/types';

export function DeleteMailbox({ mailbox }: { mailbox: Mailbox }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();

  const onDelete = async () => {
    setBusy(true);
    setError(null);
    try {
      await mailboxApi.remove(mailbox.id);
      navigate('/mailboxes', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs" align="flex-start">
      <Title order={3} size="h4">
        Delete this mailbox
      </Title>
      <Text size="sm" c="dimmed">
        Only a mailbox that no sequence uses can be deleted.
      </Text>
      <Button color="red" variant="outline" onClick={() => setOpen(true)}>
        Delete mailbox
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Delete this mailbox?">
        <Stack>
          <Text size="sm">“{mailbox.name}” will be removed. This cannot be undone.</Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button color="red" loading={busy} onClick={onDelete}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
