// The steps as they stand, with each email's figures from stepStats.
import { Table, Text } from '@mantine/core';
import type { Sequence } from '../../api/types';
import { ListTable, type Column } from '../../components/ListTable';
import { formatDelay } from '../../lib/delay';

const COLUMNS: Column[] = [
  { label: '#', width: 40 },
  'Step',
  { label: 'Sent', align: 'right' },
  { label: 'Replied', align: 'right' },
  { label: 'Bounced', align: 'right' },
];

export function StepsOverview({ sequence }: { sequence: Sequence }) {
  const stats = new Map((sequence.stepStats ?? []).map((s) => [s.stepId, s]));
  const figure = (stepId: string | undefined, key: 'sent' | 'replied' | 'bounced') => {
    const s = stepId ? stats.get(stepId) : undefined;
    return s ? s[key] : '—';
  };
  return (
    <ListTable label="Steps" columns={COLUMNS} minWidth={620}>
      {sequence.steps.map((step, i) => (
        <Table.Tr key={step.id ?? i}>
          <Table.Td>{i + 1}</Table.Td>
          {step.type === 'delay' ? (
            <>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  Wait {formatDelay(step.delayMs)}
                </Text>
              </Table.Td>
              <Table.Td colSpan={3} />
            </>
          ) : (
            <>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {step.subject || (
                    <Text span c="dimmed" fs="italic">
                      Re: previous subject
                    </Text>
                  )}
                </Text>
              </Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>{figure(step.id, 'sent')}</Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>{figure(step.id, 'replied')}</Table.Td>
              <Table.Td style={{ textAlign: 'right' }}>{figure(step.id, 'bounced')}</Table.Td>
            </>
          )}
        </Table.Tr>
      ))}
    </ListTable>
  );
}
