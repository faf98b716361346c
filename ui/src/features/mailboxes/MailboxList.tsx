import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Mailbox } from '../../api/types';

function transportLabel(m: Mailbox): string {
  return m.transport.type === 'smtp' ? `SMTP ${m.transport.host}:${m.transport.port}` : 'Local outbox';
}

export function MailboxList({ mailboxes }: { mailboxes: Mailbox[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>Transport</Table.Th>
            <Table.Th>Inbox</Table.Th>
            <Table.Th>Daily limit</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
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
                {!m.imap ? (
                  <Text size="sm" c="dimmed">
                    Not watched
                  </Text>
                ) : m.imapStatus?.connected ? (
                  <Badge color="green" variant="light">
                    connected
                  </Badge>
                ) : m.imapStatus ? (
                  <Badge color="red" variant="light" title={m.imapStatus.lastError}>
                    error
                  </Badge>
                ) : (
                  <Badge color="gray" variant="light">
                    waiting
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{m.dailyLimit ?? 'No limit'}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
