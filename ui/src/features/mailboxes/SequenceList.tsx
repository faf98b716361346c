// A mailbox's sequences: status, size, and how many contacts are in each enrollment status.
import { Anchor, Table } from '@mantine/core';
import { Link } from 'react-router';
import { ENROLLMENT_STATUSES, type Sequence } from '../../api/types';
import { ListTable, type Column } from '../../components/ListTable';
import { StatusBadge } from '../../components/StatusBadge';

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const COLUMNS: Column[] = [
  'Name',
  'Status',
  'Steps',
  ...ENROLLMENT_STATUSES.map((s) => ({ label: capitalized(s), align: 'right' as const })),
];

export function SequenceList({ sequences }: { sequences: Sequence[] }) {
  return (
    <ListTable label="Sequences" columns={COLUMNS} minWidth={760} spacing="sm" hover>
      {sequences.map((s) => (
        <Table.Tr key={s.id}>
          <Table.Td>
            <Anchor component={Link} to={`/sequences/${encodeURIComponent(s.id)}`} fw={500}>
              {s.name}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <StatusBadge status={s.status} />
          </Table.Td>
          <Table.Td>{s.steps.length}</Table.Td>
          {ENROLLMENT_STATUSES.map((st) => (
            <Table.Td key={st} style={{ textAlign: 'right' }}>
              {s.counts[st] ?? 0}
            </Table.Td>
          ))}
        </Table.Tr>
      ))}
    </ListTable>
  );
}
