import { Paper, Stack, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { enrollmentApi } from '../api/enrollments';
import { sequenceApi } from '../api/sequences';
import { ErrorState } from '../components/ErrorState';
import { LoadingState } from '../components/LoadingState';
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

  if (detail.error && !detail.data) return <ErrorState error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <LoadingState label="Loading the enrollment…" />;
  const e = detail.data;
  return (
    <>
      <PageHeader
        title={e.contactEmail}
        badge={<StatusBadge status={e.status} />}
        crumbs={[
          { label: 'Mailboxes', to: '/mailboxes' },
          { label: sequence.data?.name ?? 'Sequence', to: `/sequences/${encodeURIComponent(e.sequenceId)}` },
          { label: e.contactEmail },
        ]}
        actions={<EnrollmentActions enrollment={e} onChanged={detail.setData} />}
      />
      <Stack gap="lg">
        <EnrollmentFacts detail={e} />
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
