import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import { sequenceApi } from '../api/sequences';
import { PageHeader } from '../components/PageHeader';
import { newEmailDraft } from '../features/builder/draft';
import { describeSaveError } from '../features/builder/serverIssue';
import { StepListEditor } from '../features/builder/StepListEditor';
import { useStepBuilder } from '../features/builder/useStepBuilder';
import { useLoad } from '../hooks/useLoad';
import { validateSequenceName } from '../lib/stepRules';

export function NewSequencePage() {
  const { mailboxId = '' } = useParams();
  const navigate = useNavigate();
  const builder = useStepBuilder(() => [newEmailDraft()]);
  const mailbox = useLoad((signal) => mailboxApi.get(mailboxId, signal), [mailboxId]);
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameError = validateSequenceName(name);
  const mailboxPath = `/mailboxes/${encodeURIComponent(mailboxId)}/sequences`;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    builder.setShowAll(true);
    setNameTouched(true);
    setError(null);
    if (nameError || builder.issues.length > 0) {
      setError('Fix the problems marked below, then save again.');
      return;
    }
    setBusy(true);
    try {
      const created = await sequenceApi.create(mailboxId, { name: name.trim(), steps: builder.steps });
      navigate(`/sequences/${encodeURIComponent(created.id)}`);
    } catch (err) {
      setError(describeSaveError(err));
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
