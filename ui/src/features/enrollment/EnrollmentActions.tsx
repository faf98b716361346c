// A user's final word on an active enrollment. Both are final, so they go once it is not active.
import { Alert, Button, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/error';
import { enrollmentApi } from '../../api/enrollments';
import type { EnrollmentDetail } from '../../api/types';

interface Props {
  enrollment: EnrollmentDetail;
  onChanged: (e: EnrollmentDetail) => void;
}

export function EnrollmentActions({ enrollment, onChanged }: Props) {
  const [busy, setBusy] = useState<'cancel' | 'replied' | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (enrollment.status !== 'active') return null;

  const run = async (action: 'cancel' | 'replied') => {
    setBusy(action);
    setError(null);
    try {
      onChanged(
        action === 'cancel'
          ? await enrollmentApi.cancel(enrollment.id)
          : await enrollmentApi.markReplied(enrollment.id),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        <Button variant="default" loading={busy === 'replied'} disabled={busy !== null} onClick={() => run('replied')}>
          Mark as replied
        </Button>
        <Button color="red" variant="outline" loading={busy === 'cancel'} disabled={busy !== null} onClick={() => run('cancel')}>
          Cancel enrollment
        </Button>
      </Group>
      {error && (
        <Alert color="red" role="alert" w="100%">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
