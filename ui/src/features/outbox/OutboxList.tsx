import { Table, Text, UnstyledButton } from '@mantine/core';
import type { OutboxEntry } from '../../api/types';
import { ListTable, type Column } from '../../components/ListTable';
import { TimeText } from '../../components/TimeText';

const COLUMNS: Column[] = ['Subject', 'To', 'Sent', { label: 'Size', align: 'right' }];

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(1)} KB`;
}

interface Props {
  messages: OutboxEntry[];
  onOpen: (messageId: string) => void;
}

export function OutboxList({ messages, onOpen }: Props) {
  return (
    <ListTable label="Outbox" columns={COLUMNS} minWidth={640} hover>
      {messages.map((m) => (
        <Table.Tr key={m.messageId}>
          <Table.Td>
            <UnstyledButton
              onClick={() => onOpen(m.messageId)}
              c="blue"
              fz="sm"
              style={{ textAlign: 'left', textDecoration: 'underline' }}
            >
              {m.subject || '(no subject)'}
            </UnstyledButton>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{m.to}</Text>
          </Table.Td>
          <Table.Td>
            <TimeText value={m.sentAt} relative />
          </Table.Td>
          <Table.Td style={{ textAlign: 'right' }}>
            <Text size="sm">{formatSize(m.size)}</Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}
