import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Mailbox } from '../../api/types';
import { ListTable } from '../../components/ListTable';

const COLUMNS = ['Name', 'From', 'Transport', 'Inbox', 'Daily limit'];

function transportLabel(m: Mailbox): string {
  return m.transport.type === 'smtp' ? `SMTP ${m.transport.host}:${m.transport.port}` : 'Local outbox';
}

function InboxBadge({ mailbox: m }: { mailbox: Mailbox }) {
  if (!m.imap) {
    return (
      <Text size="sm" c="dimmed">
        Not watched
      </Text>
    );
  }
  if (!m.imapStatus) {
    return (
      <Badge color="gray" variant="light">
        waiting
      </Badge>
    );
  }
  return m.imapStatus.connected ? (
    <Badge color="green" variant="light">
      connected
    </Badge>
  ) : (
    <Badge color="red" variant="light" title={m.imapStatus.lastError}>
      error
    </Badge>
  );
}

export function MailboxList({ mailboxes }: { mailboxes: Mailbox[] }) {
  return (
    <ListTable label="Mailboxes" columns={COLUMNS} minWidth={640} spacing="sm" hover>
      {mailboxes.map((m) => (
        <Table.Tr key={m.id}>
          <Table.Td>
            <Anchor component={Link} to={`/mailboxes/${encodeURIComponent(m.id)}/sequences`} fw={500}>
              {m.name}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{m.fromName ? `${m.fromName} <${m.fromEmail}>` : m.fromEmail}</Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{transportLabel(m)}</Text>
          </Table.Td>
          <Table.Td>
            <InboxBadge mailbox={m} />
          </Table.Td>
          <Table.Td>
            <Text size="sm">{m.dailyLimit ?? 'No limit'}</Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}
