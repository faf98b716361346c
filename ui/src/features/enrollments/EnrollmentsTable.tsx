import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Enrollment, Step } from '../../api/types';
import { ListTable } from '../../components/ListTable';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeText } from '../../components/TimeText';
import { describeCause } from '../../lib/timeline';

const COLUMNS = ['Contact', 'Status', 'Next step', 'Due', 'Enrolled'];

interface Props {
  enrollments: Enrollment[];
  steps: Step[];
}

export function EnrollmentsTable({ enrollments, steps }: Props) {
  const stepNumber = (id: string | null) => {
    if (!id) return null;
    const i = steps.findIndex((s) => s.id === id);
    return i < 0 ? null : i + 1;
  };
  return (
    <ListTable label="Enrollments" columns={COLUMNS} minWidth={720} hover>
      {enrollments.map((e) => {
        const n = stepNumber(e.currentStepId);
        return (
          <Table.Tr key={e.id}>
            <Table.Td maw={280} style={{ overflowWrap: 'anywhere' }}>
              <Anchor component={Link} to={`/enrollments/${encodeURIComponent(e.id)}`} size="sm">
                {e.contactEmail}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={e.status} />
              {e.statusReason && (
                <Text size="xs" c="dimmed" lineClamp={1} title={e.statusReason}>
                  {describeCause(e.statusReason)}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm">{n ? `Step ${n}` : '—'}</Text>
            </Table.Td>
            <Table.Td>
              <TimeText value={e.pausedUntil ?? e.nextRunAt} relative />
            </Table.Td>
            <Table.Td>
              <TimeText value={e.createdAt} relative />
            </Table.Td>
          </Table.Tr>
        );
      })}
    </ListTable>
  );
}
