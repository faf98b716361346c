import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import { sequenceApi } from '../api/sequences';
import { PageHeader } from '../components/PageHeader';
import { newEmailDraft } from '../features/builder/draft';
import { describeSaveError } from '../features/builder/serverIssue';
import { StepListEditor } from '../features/builder/StepListEditor';
import { useStepBuilder } from '../features/builder/useStepBuilder';
import { ScheduleEditor } from '../features/schedule/ScheduleEditor';
import { scheduleServerError } from '../features/schedule/scheduleError';
import { useLoad } from '../hooks/useLoad';
import { scheduleDraft, toSchedule, validateScheduleDraft, type ScheduleDraft, type ScheduleErrors } from '../lib/schedule';
import { validateSequenceName } from '../lib/stepRules';
import { browserTimeZone } from '../lib/timeZone';

export function NewSequencePage() {
  const { mailboxId = '' } = useParams();
  const navigate = useNavigate();
  const builder = useStepBuilder(() => [newEmailDraft()]);
  const mailbox = useLoad((signal) => mailboxApi.get(mailboxId, signal), [mailboxId]);
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [schedule, setSchedule] = useState<ScheduleDraft>(() => scheduleDraft(null, browserTimeZone()));
  const [scheduleErrors, setScheduleErrors] = useState<ScheduleErrors>({});
  const nameError = validateSequenceName(name);
  const mailboxPath = `/mailboxes/${encodeURIComponent(mailboxId)}/sequences`;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    builder.setShowAll(true);
    setNameTouched(true);
    setError(null);
    const scheduleInvalid = Object.keys(validateScheduleDraft(schedule)).length > 0;
    if (nameError || builder.issues.length > 0 || scheduleInvalid) {
      setError('Fix the problems marked above, then save again.');
      return;
    }
    setBusy(true);
    try {
      const sendWindow = toSchedule(schedule);
      const created = await sequenceApi.create(mailboxId, {
        name: name.trim(),
        steps: builder.steps,
        // Without a window the server's default (any time) stands.
        ...(sendWindow ? { schedule: sendWindow } : {}),
      });
      navigate(`/sequences/${encodeURIComponent(created.id)}`);
    } catch (err) {
      const refused = scheduleServerError(err);
      if (Object.keys(refused.fields).length > 0) {
        setScheduleErrors(refused.fields);
        setError('The sending schedule was refused: see the field marked above.');
      } else {
        setError(describeSaveError(err));
      }
      setBusy(false);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="New sequence">
      <PageHeader
        title="New sequence"
        crumbs={[
          { label: 'Mailboxes', to: '/mailboxes' },
          { label: mailbox.data?.name ?? 'Mailbox', to: mailboxPath },
          { label: 'New sequence' },
        ]}
      />
      <Stack gap="md">
        <TextInput
          label="Sequence name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          onBlur={() => setNameTouched(true)}
          error={nameTouched ? nameError : undefined}
          required
          maw={480}
        />
        <StepListEditor builder={builder} />
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="builder-schedule-title">
          <Stack gap="sm">
            <Title order={3} size="h4" id="builder-schedule-title">
              Sending schedule
            </Title>
            <Text size="sm" c="dimmed">
              Optional: a weekly window the emails go out in (you can change it later on the sequence page).
              Delays count calendar time, nights and weekends included.
            </Text>
            <ScheduleEditor
              value={schedule}
              onChange={(patch) => {
                setSchedule((d) => ({ ...d, ...patch }));
                setScheduleErrors({});
              }}
              showAllErrors={builder.showAll}
              serverErrors={scheduleErrors}
            />
          </Stack>
        </Paper>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy}>
            Create sequence
          </Button>
          <Button variant="default" onClick={() => navigate(mailboxPath)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
