// Editing the steps of a live sequence: the same builder, ids kept so contacts mid-way
// continue where they are (PATCH semantics in shared/spec/API.md).
import { Alert, Button, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { sequenceApi } from '../../api/sequences';
import type { Sequence } from '../../api/types';
import { toDraft } from '../builder/draft';
import { describeSaveError } from '../builder/serverIssue';
import { StepListEditor } from '../builder/StepListEditor';
import { useStepBuilder } from '../builder/useStepBuilder';

interface Props {
  sequence: Sequence;
  knownFields: string[];
  onSaved: (s: Sequence) => void;
  onCancel: () => void;
}

export function StepsEditPanel({ sequence, knownFields, onSaved, onCancel }: Props) {
  const builder = useStepBuilder(() => sequence.steps.map(toDraft));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    builder.setShowAll(true);
    setError(null);
    if (builder.issues.length > 0) {
      setError('Fix the problems marked above, then save again.');
      return;
    }
    setBusy(true);
    try {
      onSaved(await sequenceApi.update(sequence.id, { steps: builder.steps }));
    } catch (e) {
      setError(describeSaveError(e));
      setBusy(false);
    }
  };

  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" title="Editing a running sequence">
        {sequence.status === 'active' && 'Pausing the sequence first is recommended before significant edits. '}
        Changes apply to the steps that run from now on; emails already sent do not change. A contact
        mid-way continues with the step that now follows the last one it received.
      </Alert>
      <StepListEditor builder={builder} knownFields={knownFields} />
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group>
        <Button onClick={save} loading={busy}>
          Save steps
        </Button>
        <Button variant="default" onClick={onCancel}>
          Cancel editing
        </Button>
      </Group>
    </Stack>
  );
}
