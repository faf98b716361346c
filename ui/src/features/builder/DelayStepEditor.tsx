import { Group, NumberInput, Stack, Text } from '@mantine/core';
import { formatDelay } from '../../lib/delay';
import { delayMsOf, type DelayInput, type DraftStep } from './draft';

type DelayDraft = Extract<DraftStep, { type: 'delay' }>;

interface Props {
  draft: DelayDraft;
  error?: string;
  hint?: string;
  onChange: (patch: Partial<DelayDraft>) => void;
  onTouch: () => void;
}

export function DelayStepEditor({ draft, error, hint, onChange, onTouch }: Props) {
  const field = (label: 'Days' | 'Hours' | 'Minutes', key: 'days' | 'hours' | 'minutes') => (
    <NumberInput
      label={label}
      value={draft[key]}
      onChange={(v: DelayInput) => {
        onChange({ [key]: v });
        onTouch();
      }}
      onBlur={onTouch}
      min={0}
      allowDecimal={false}
      allowNegative={false}
      // Three fit on one line in a step card at 390 px.
      w={96}
      error={error ? true : undefined}
    />
  );
  const ms = delayMsOf(draft);
  return (
    <Stack gap={6}>
      <Group gap="sm" align="flex-end">
        {field('Days', 'days')}
        {field('Hours', 'hours')}
        {field('Minutes', 'minutes')}
      </Group>
      {error ? (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          Wait {formatDelay(ms)} before the next step.
          {draft.restMs > 0 && ' (Includes a part shorter than a minute set through the API.)'}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="blue">
          {hint}
        </Text>
      )}
    </Stack>
  );
}
