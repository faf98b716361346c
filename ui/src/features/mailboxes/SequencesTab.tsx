import { Button, Group, Text } from '@mantine/core';
import { useNavigate } from 'react-router';
import { sequenceApi } from '../../api/sequences';
import { LoadedView } from '../../components/LoadedView';
import { useLoad } from '../../hooks/useLoad';
import { SequenceList } from './SequenceList';

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
      <LoadedView
        loaded={sequences}
        loadingLabel="Loading sequences…"
        isEmpty={(list) => list.length === 0}
        empty={{
          title: 'No sequences yet',
          text: 'Build one: an email, a delay, a follow-up… then enroll contacts.',
        }}
      >
        {(list) => <SequenceList sequences={list} />}
      </LoadedView>
    </>
  );
}
