// The sequence's sending window: what it is now in words, and the editor, saved with
// PATCH {schedule}.
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { sequenceApi } from '../../api/sequences';
import type { Sequence } from '../../api/types';
import { describeSchedule, scheduleDraft, toSchedule, validateScheduleDraft, type ScheduleDraft, type ScheduleErrors } from '../../lib/schedule';
import { browserTimeZone } from '../../lib/timeZone';
import { ScheduleEditor } from '../schedule/ScheduleEditor';
import { scheduleServerError } from '../schedule/scheduleError';

interface Props {
  sequence: Sequence;
  onChanged: (s: Sequence) => void;
}

export function ScheduleCard({ sequence, onChanged }: Props) {
  const [draft, setDraft] = useState<ScheduleDraft>(() => scheduleDraft(sequence.schedule, browserTimeZone()));
  const [showAll, setShowAll] = useState(false);
  const [serverErrors, setServerErrors] = useState<ScheduleErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const completed = sequence.status === 'completed';

  const onChange = (patch: Partial<ScheduleDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setServerErrors({});
    setError(null);
  };

  const save = async () => {
    setShowAll(true);
    setError(null);
    if (Object.keys(validateScheduleDraft(draft)).length > 0) return;
    setBusy(true);
    try {
      const saved = await sequenceApi.update(sequence.id, { schedule: toSchedule(draft) });
      onChanged(saved);
      setDraft(scheduleDraft(saved.schedule, draft.timezone));
      setShowAll(false);
      notifications.show({ color: 'green', message: 'Sending schedule saved.' });
    } catch (e) {
      const refused = scheduleServerError(e);
      setServerErrors(refused.fields);
      setError(refused.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="schedule-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="schedule-title">
          Sending schedule
        </Title>
        <Text size="sm" data-testid="schedule-summary">
          <Text span fw={600}>
            Now:
          </Text>{' '}
          {describeSchedule(sequence.schedule)}
        </Text>
        {!completed && (
          <>
            <ScheduleEditor value={draft} onChange={onChange} showAllErrors={showAll} serverErrors={serverErrors} />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Group>
              <Button variant="default" onClick={save} loading={busy}>
                Save schedule
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
