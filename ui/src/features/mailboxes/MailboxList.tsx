import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
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
            <Group gap={6} wrap="nowrap">
              <Anchor component={Link} to={`/mailboxes/${encodeURIComponent(m.id)}/sequences`} fw={500}>
                {m.name}
              </Anchor>
              {m.status === 'paused' && (
                <Badge color="red" variant="filled" size="sm" radius="sm" title={m.pausedReason === 'bounce_rate' ? 'Paused by bounce protection' : 'Paused by hand'}>
                  paused
                </Badge>
              )}
            </Group>
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
            <Text size="sm">
              {m.dailyLimit ?? 'No limit'}
              {m.dailyLimit !== null && m.sentToday !== undefined && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  ({m.sentToday} sent today)
                </Text>
              )}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}
