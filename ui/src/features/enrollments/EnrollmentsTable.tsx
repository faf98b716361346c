import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Enrollment, Mailbox, Step } from '../../api/types';
import { ListTable } from '../../components/ListTable';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeText } from '../../components/TimeText';
import { describeCause } from '../../lib/timeline';
import { DueTime, mailboxLabel } from './DueTime';

interface Props {
  enrollments: Enrollment[];
  steps: Step[];
  // With a rotation, a column says which mailbox each contact gets its emails from.
  showMailbox?: boolean;
  mailboxes?: Mailbox[];
}

export function EnrollmentsTable({ enrollments, steps, showMailbox = false, mailboxes }: Props) {
  const columns = ['Contact', 'Status', ...(showMailbox ? ['Mailbox'] : []), 'Next step', 'Due', 'Enrolled'];
  const stepNumber = (id: string | null) => {
    if (!id) return null;
    const i = steps.findIndex((s) => s.id === id);
    return i < 0 ? null : i + 1;
  };
  return (
    <ListTable label="Enrollments" columns={columns} minWidth={showMailbox ? 860 : 720} hover>
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
            {showMailbox && (
              <Table.Td maw={200} style={{ overflowWrap: 'anywhere' }}>
                <Text size="sm">{e.mailboxId ? mailboxLabel(e.mailboxId, mailboxes) : '—'}</Text>
              </Table.Td>
            )}
            <Table.Td>
              <Text size="sm">{n ? `Step ${n}` : '—'}</Text>
            </Table.Td>
            <Table.Td>
              <DueTime value={e.pausedUntil ?? e.nextRunAt} zone={e.sendTimezone} />
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
