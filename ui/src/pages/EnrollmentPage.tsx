import { Paper, Stack, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { enrollmentApi } from '../api/enrollments';
import { mailboxApi } from '../api/mailboxes';
import { sequenceApi } from '../api/sequences';
import type { EnrollmentDetail, Mailbox } from '../api/types';
import { LoadedView } from '../components/LoadedView';
import { PageHeader } from '../components/PageHeader';
import { StatusBadge } from '../components/StatusBadge';
import { EnrollmentActions } from '../features/enrollment/EnrollmentActions';
import { EnrollmentFacts } from '../features/enrollment/EnrollmentFacts';
import { EnrollmentTimeline } from '../features/enrollment/EnrollmentTimeline';
import { useLoad } from '../hooks/useLoad';

export function EnrollmentPage() {
  const { enrollmentId = '' } = useParams();
  const detail = useLoad((signal) => enrollmentApi.get(enrollmentId, signal), [enrollmentId]);
  const sequenceId = detail.data?.sequenceId;
  const sequence = useLoad(
    (signal) => (sequenceId ? sequenceApi.get(sequenceId, signal) : Promise.resolve(null)),
    [sequenceId],
  );
  const mailboxId = detail.data?.mailboxId;
  const mailbox = useLoad(
    (signal) => (mailboxId ? mailboxApi.get(mailboxId, signal) : Promise.resolve(null)),
    [mailboxId],
  );

  return (
    <LoadedView loaded={detail} loadingLabel="Loading the enrollment…">
      {(e) => (
        <EnrollmentView
          detail={e}
          sequenceName={sequence.data?.name}
          mailbox={mailbox.data}
          onChanged={detail.setData}
        />
      )}
    </LoadedView>
  );
}

interface ViewProps {
  detail: EnrollmentDetail;
  sequenceName: string | undefined;
  mailbox: Mailbox | null | undefined;
  onChanged: (e: EnrollmentDetail) => void;
}

function EnrollmentView({ detail: e, sequenceName, mailbox, onChanged }: ViewProps) {
  return (
    <>
      <PageHeader
        title={e.contactEmail}
        badge={<StatusBadge status={e.status} />}
        crumbs={[
          { label: 'Mailboxes', to: '/mailboxes' },
          { label: sequenceName ?? 'Sequence', to: `/sequences/${encodeURIComponent(e.sequenceId)}` },
          { label: e.contactEmail },
        ]}
        actions={<EnrollmentActions enrollment={e} onChanged={onChanged} />}
      />
      <Stack gap="lg">
        <EnrollmentFacts detail={e} mailbox={mailbox} />
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h4" mb="sm">
            Timeline
          </Title>
          <EnrollmentTimeline detail={e} />
        </Paper>
      </Stack>
    </>
  );
}
