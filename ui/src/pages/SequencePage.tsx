import { Alert, Button, Group, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useState } from 'react';
import { useParams } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import { sequenceApi } from '../api/sequences';
import type { Sequence } from '../api/types';
import { ErrorState } from '../components/ErrorState';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { EnrollContactModal } from '../features/enrollments/EnrollContactModal';
import { EnrollmentsPanel } from '../features/enrollments/EnrollmentsPanel';
import { CsvImportModal } from '../features/import/CsvImportModal';
import { CountsBar } from '../features/sequence/CountsBar';
import { SequenceActions } from '../features/sequence/SequenceActions';
import { StepsEditPanel } from '../features/sequence/StepsEditPanel';
import { StepsOverview } from '../features/sequence/StepsOverview';
import { useLoad } from '../hooks/useLoad';

export function SequencePage() {
  const { sequenceId = '' } = useParams();
  const sequence = useLoad((signal) => sequenceApi.get(sequenceId, signal), [sequenceId]);
  const mailboxId = sequence.data?.mailboxId;
  const mailbox = useLoad(
    (signal) => (mailboxId ? mailboxApi.get(mailboxId, signal) : Promise.resolve(null)),
    [mailboxId],
  );

  if (sequence.error && !sequence.data) return <ErrorState error={sequence.error} onRetry={sequence.reload} />;
  if (!sequence.data) return <LoadingState label="Loading the sequence…" />;
  const s = sequence.data;
  const mailboxPath = `/mailboxes/${encodeURIComponent(s.mailboxId)}/sequences`;
  return (
    <>
      <PageHeader
        title={s.name}
        badge={<StatusBadge status={s.status} />}
        crumbs={[
          { label: 'Mailboxes', to: '/mailboxes' },
          { label: mailbox.data?.name ?? 'Mailbox', to: mailboxPath },
          { label: s.name },
        ]}
        actions={<SequenceActions sequence={s} onChanged={sequence.setData} />}
      />
      <SequenceBody sequence={s} onChanged={sequence.setData} reload={sequence.reload} />
    </>
  );
}

interface BodyProps {
  sequence: Sequence;
  onChanged: (s: Sequence) => void;
  reload: () => void;
}

function SequenceBody({ sequence, onChanged, reload }: BodyProps) {
  const [editing, setEditing] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const [importing, setImporting] = useState(false);
  const [refreshKey, setRefreshKey] = useState(0);
  const [knownFields, setKnownFields] = useState<string[]>([]);
  const completed = sequence.status === 'completed';
  const onFieldsSeen = useCallback(
    (keys: string[]) => setKnownFields((old) => [...new Set([...old, ...keys])]),
    [],
  );

  return (
    <Stack gap="lg">
      {completed && (
        <Alert variant="light" color="gray">
          This sequence is completed: it is archived and read-only.
        </Alert>
      )}
      <CountsBar counts={sequence.counts} />

      <section aria-labelledby="steps-title">
        <Group justify="space-between" mb="xs">
          <Title order={3} id="steps-title">
            Steps
          </Title>
          {!completed && !editing && (
            <Button variant="default" size="xs" onClick={() => setEditing(true)}>
              Edit steps
            </Button>
          )}
        </Group>
        {editing ? (
          <StepsEditPanel
            sequence={sequence}
            knownFields={knownFields}
            onCancel={() => setEditing(false)}
            onSaved={(s) => {
              onChanged(s);
              setEditing(false);
              notifications.show({ color: 'green', message: 'Steps saved.' });
            }}
          />
        ) : (
          <StepsOverview sequence={sequence} />
        )}
      </section>

      <section aria-labelledby="enrollments-title">
        <Group justify="space-between" mb="xs">
          <Title order={3} id="enrollments-title">
            Enrollments
          </Title>
          {!completed && (
            <Group gap="xs">
              <Button size="xs" onClick={() => setEnrolling(true)}>
                Enroll contact
              </Button>
              <Button size="xs" variant="light" onClick={() => setImporting(true)}>
                Import CSV
              </Button>
            </Group>
          )}
        </Group>
        <EnrollmentsPanel sequence={sequence} refreshKey={refreshKey} onFieldsSeen={onFieldsSeen} />
      </section>

      <EnrollContactModal
        opened={enrolling}
        sequence={sequence}
        onClose={() => setEnrolling(false)}
        onEnrolled={(e) => {
          setEnrolling(false);
          notifications.show({ color: 'green', message: `${e.contactEmail} enrolled.` });
          setRefreshKey((k) => k + 1);
          reload();
        }}
      />
      <CsvImportModal
        opened={importing}
        sequenceId={sequence.id}
        onClose={() => setImporting(false)}
        onImported={() => {
          setRefreshKey((k) => k + 1);
          reload();
        }}
      />
    </Stack>
  );
}
