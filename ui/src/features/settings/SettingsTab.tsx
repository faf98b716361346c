import { Alert, Button, Divider, Group, Paper, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { FormEvent } from 'react';
import { mailboxApi } from '../../api/mailboxes';
import type { Mailbox } from '../../api/types';
import { IdentityFields } from '../mailboxes/IdentityFields';
import { ImapFields } from '../mailboxes/ImapFields';
import { valuesFromMailbox } from '../mailboxes/mailboxForm';
import { TransportFields } from '../mailboxes/TransportFields';
import { useMailboxForm } from '../mailboxes/useMailboxForm';
import { BounceProtectionFields } from './BounceProtectionFields';
import { DeleteMailbox } from './DeleteMailbox';
import { ImapStatusLine } from './ImapStatusLine';
import { MailboxStatusPanel } from './MailboxStatusPanel';
import { PaceFields } from './PaceFields';

interface Props {
  mailbox: Mailbox;
  onSaved: (m: Mailbox) => void;
}

export function SettingsTab({ mailbox, onSaved }: Props) {
  const form = useMailboxForm(valuesFromMailbox(mailbox), true);
  const props = { values: form.values, errors: form.errors, onChange: form.onChange, mode: 'edit' as const };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await form.submit((input) => mailboxApi.update(mailbox.id, input));
    if (saved) {
      // Typed passwords are not kept in the page once stored.
      form.setValues(valuesFromMailbox(saved));
      onSaved(saved);
      notifications.show({ color: 'green', message: 'Settings saved.' });
    }
  };

  return (
    <Stack>
      <MailboxStatusPanel mailbox={mailbox} onChanged={onSaved} />
      <form onSubmit={onSubmit} noValidate aria-label="Mailbox settings">
        <Stack maw={640}>
          {form.formError && (
            <Alert color="red" role="alert">
              {form.formError}
            </Alert>
          )}
          <Title order={3} size="h4">
            Sender
          </Title>
          <IdentityFields {...props} />
          <Divider />
          <Title order={3} size="h4">
            Sending
          </Title>
          <TransportFields {...props} />
          <Divider />
          <Title order={3} size="h4">
            Pace and limits
          </Title>
          <PaceFields {...props} mailbox={mailbox} />
          <Divider />
          <Title order={3} size="h4">
            Bounce protection
          </Title>
          <BounceProtectionFields {...props} mailbox={mailbox} />
          <Divider />
          <Title order={3} size="h4">
            Replies and bounces
          </Title>
          <ImapFields {...props} />
          {mailbox.imap && <ImapStatusLine status={mailbox.imapStatus ?? null} />}
          <Group>
            <Button type="submit" loading={form.busy}>
              Save settings
            </Button>
          </Group>
        </Stack>
      </form>
      <Paper withBorder p="md" maw={640}>
        <DeleteMailbox mailbox={mailbox} />
      </Paper>
    </Stack>
  );
}
