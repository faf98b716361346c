import { Anchor, Button, Group, Table, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { sequenceApi } from '../../api/sequences';
import { ENROLLMENT_STATUSES } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { StatusBadge } from '../../components/StatusBadge';
import { useLoad } from '../../hooks/useLoad';

export function SequencesTab({ mailboxId }: { mailboxId: string }) {
  const sequences = useLoad((signal) => sequenceApi.listForMailbox(mailboxId, signal), [mailboxId]);
  const navigate = useNavigate();
  const newSequence = () => navigate(`/mailboxes/${encodeURIComponent(mailboxId)}/sequences/new`);

  return (
    <>
      <Group justify="space-between" mb="sm">
        <Text c="dimmed" size="sm">
          Steps and delays that run for every enrolled contact.
        </Text>
        <Button onClick={newSequence}>New sequence</Button>
      </Group>
      {sequences.error ? (
        <ErrorState error={sequences.error} onRetry={sequences.reload} />
      ) : !sequences.data ? (
        <LoadingState label="Loading sequences…" />
      ) : sequences.data.length === 0 ? (
        <EmptyState title="No sequences yet">
          Build one: an email, a delay, a follow-up… then enroll contacts.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Steps</Table.Th>
                {ENROLLMENT_STATUSES.map((s) => (
                  <Table.Th key={s} style={{ textTransform: 'capitalize', textAlign: 'right' }}>
                    {s}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sequences.data.map((s) => (
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
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
