import { Alert, Button, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCallback, useState } from 'react';
import { useParams } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import { sequenceApi } from '../api/sequences';
import type { Mailbox, Sequence } from '../api/types';
import { LoadedView } from '../components/LoadedView';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { EnrollContactModal } from '../features/enrollments/EnrollContactModal';
import { EnrollmentsPanel } from '../features/enrollments/EnrollmentsPanel';
import { CsvImportModal } from '../features/import/CsvImportModal';
import { CountsBar } from '../features/sequence/CountsBar';
import { RotationCard } from '../features/sequence/RotationCard';
import { ScheduleCard } from '../features/sequence/ScheduleCard';
import { SequenceActions } from '../features/sequence/SequenceActions';
import { StepsEditPanel } from '../features/sequence/StepsEditPanel';
import { StepsOverview } from '../features/sequence/StepsOverview';
import { useLoad, type Loaded } from '../hooks/useLoad';

export function SequencePage() {
  const { sequenceId = '' } = useParams();
  const sequence = useLoad((signal) => sequenceApi.get(sequenceId, signal), [sequenceId]);
  const mailboxId = sequence.data?.mailboxId;
  const mailbox = useLoad(
    (signal) => (mailboxId ? mailboxApi.get(mailboxId, signal) : Promise.resolve(null)),
    [mailboxId],
  );
  // The owner's mailboxes: the rotation's choices, and the names of the enrollments' senders.
  const mailboxes = useLoad((signal) => mailboxApi.list(signal), []);

  return (
    <LoadedView loaded={sequence} loadingLabel="Loading the sequence…">
      {(s) => (
        <SequenceView
          sequence={s}
          mailboxName={mailbox.data?.name}
          mailboxes={mailboxes}
          onChanged={sequence.setData}
          reload={sequence.reload}
        />
      )}
    </LoadedView>
  );
}

interface ViewProps {
  sequence: Sequence;
  mailboxName: string | undefined;
  mailboxes: Loaded<Mailbox[]>;
  onChanged: (s: Sequence) => void;
  reload: () => void;
}

function SequenceView({ sequence: s, mailboxName, mailboxes, onChanged, reload }: ViewProps) {
  const mailboxPath = `/mailboxes/${encodeURIComponent(s.mailboxId)}/sequences`;
  return (
    <>
      <PageHeader
        title={s.name}
        badge={<StatusBadge status={s.status} />}
        crumbs={[
          { label: 'Mailboxes', to: '/mailboxes' },
          { label: mailboxName ?? 'Mailbox', to: mailboxPath },
          { label: s.name },
        ]}
        actions={<SequenceActions sequence={s} onChanged={onChanged} />}
      />
      <SequenceBody sequence={s} mailboxes={mailboxes} onChanged={onChanged} reload={reload} />
    </>
  );
}

interface BodyProps {
  sequence: Sequence;
  mailboxes: Loaded<Mailbox[]>;
  onChanged: (s: Sequence) => void;
  reload: () => void;
}

function SequenceBody({ sequence, mailboxes, onChanged, reload }: BodyProps) {
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

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {/* Keyed by the sequence: the drafts start again when another sequence opens. */}
        <ScheduleCard key={`schedule-${sequence.id}`} sequence={sequence} onChanged={onChanged} />
        <RotationCard key={`rotation-${sequence.id}`} sequence={sequence} mailboxes={mailboxes} onChanged={onChanged} />
      </SimpleGrid>

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
        <EnrollmentsPanel
          sequence={sequence}
          mailboxes={mailboxes.data}
          refreshKey={refreshKey}
          onFieldsSeen={onFieldsSeen}
        />
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
