// The step builder: every step as a card (email or delay) with move/remove controls, the
// rules shown in place, merge-field chips and a live preview with sample values.
import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMemo, useState } from 'react';
import { formatDelay } from '../../lib/delay';
import { firstEmailIndex } from '../../lib/stepRules';
import { delayMsOf, moveDraft, newDelayDraft, newEmailDraft, removeDraft, updateDraft, type DraftStep } from './draft';
import { DelayStepEditor } from './DelayStepEditor';
import { EmailStepEditor } from './EmailStepEditor';
import { chipFields, sampleKeys } from './mergeFieldList';
import { renderEmails, sampleFields } from './preview';
import { DEFAULT_SAMPLE_VALUES, SAMPLE_EMAIL, SAMPLE_UNSUBSCRIBE_URL } from './sample';
import { SampleValuesEditor } from './SampleValuesEditor';
import { StepCard } from './StepCard';
import type { StepBuilder } from './useStepBuilder';

interface Props {
  builder: StepBuilder;
  knownFields?: string[];
}

export function StepListEditor({ builder, knownFields = [] }: Props) {
  const { drafts, setDrafts, steps, issues, hints, touch, errorFor, showAll } = builder;
  const [samples, setSamples] = useState<Record<string, string>>(DEFAULT_SAMPLE_VALUES);
  const [sampleEmail, setSampleEmail] = useState(SAMPLE_EMAIL);

  const fields = useMemo(() => chipFields(steps, knownFields), [steps, knownFields]);
  const keys = useMemo(() => sampleKeys(steps), [steps]);
  const rendered = useMemo(
    () =>
      renderEmails(steps, {
        email: sampleEmail,
        fields: sampleFields(samples),
        system: { unsubscribeUrl: SAMPLE_UNSUBSCRIBE_URL },
      }),
    [steps, samples, sampleEmail],
  );
  const firstEmail = firstEmailIndex(steps);
  const structural = issues.find((i) => i.field === 'type' || i.index === null);

  const update = (index: number, patch: Partial<DraftStep>) =>
    setDrafts((list) => updateDraft(list, index, patch));

  return (
    <Stack gap="md">
      <SampleValuesEditor
        keys={keys}
        values={samples}
        email={sampleEmail}
        onChange={(k, v) => setSamples((s) => ({ ...s, [k]: v }))}
        onEmailChange={setSampleEmail}
      />
      {structural && (showAll || drafts.length > 0) && (
        <Alert color="red" role="alert" variant="light">
          {structural.message}
        </Alert>
      )}
      {drafts.map((draft, index) => (
        <StepCard
          key={draft.key}
          number={index + 1}
          kind={draft.type}
          summary={draft.type === 'delay' ? formatDelay(delayMsOf(draft)) : undefined}
          isFirst={index === 0}
          isLast={index === drafts.length - 1}
          onMove={(by) => setDrafts((list) => moveDraft(list, index, by))}
          onRemove={() => setDrafts((list) => removeDraft(list, index))}
        >
          {draft.type === 'send_email' ? (
            <EmailStepEditor
              draft={draft}
              number={index + 1}
              isFirstEmail={index === firstEmail}
              fields={fields}
              rendered={rendered[index] ?? null}
              subjectError={errorFor(index, 'subject')}
              htmlError={errorFor(index, 'html')}
              hint={hints.get(index)}
              onChange={(patch) => update(index, patch)}
              onTouch={(field) => touch(draft.key, field)}
            />
          ) : (
            <DelayStepEditor
              draft={draft}
              error={errorFor(index, 'delay')}
              hint={hints.get(index)}
              onChange={(patch) => update(index, patch)}
              onTouch={() => touch(draft.key, 'delay')}
            />
          )}
        </StepCard>
      ))}
      <Group gap="sm">
        <Button variant="light" onClick={() => setDrafts((list) => [...list, newEmailDraft()])}>
          Add email
        </Button>
        <Button variant="light" onClick={() => setDrafts((list) => [...list, newDelayDraft()])}>
          Add delay
        </Button>
      </Group>
    </Stack>
  );
}
