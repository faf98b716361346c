import { Alert, Button, Divider, Group, Modal, Stack } from '@mantine/core';
import type { FormEvent } from 'react';
import { mailboxApi } from '../../api/mailboxes';
import type { Mailbox } from '../../api/types';
import { IdentityFields } from './IdentityFields';
import { EMPTY_MAILBOX_FORM } from './mailboxForm';
import { TransportFields } from './TransportFields';
import { useMailboxForm } from './useMailboxForm';

interface Props {
  opened: boolean;
  onClose: () => void;
  onCreated: (m: Mailbox) => void;
}

export function MailboxCreateModal({ opened, onClose, onCreated }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="New mailbox" size="lg">
      {opened && <CreateForm onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function CreateForm({ onClose, onCreated }: Omit<Props, 'opened'>) {
  const form = useMailboxForm(EMPTY_MAILBOX_FORM, false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await form.submit((input) => mailboxApi.create(input));
    if (created) onCreated(created);
  };
  const props = { values: form.values, errors: form.errors, onChange: form.onChange, mode: 'create' as const };
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {form.formError && (
          <Alert color="red" role="alert">
            {form.formError}
          </Alert>
        )}
        <IdentityFields {...props} />
        <Divider />
        <TransportFields {...props} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={form.busy}>
            Create mailbox
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
