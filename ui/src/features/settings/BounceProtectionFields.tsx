// Bounce protection: the mailbox pauses itself once more than P % of its last N sends bounced
// (judged from its N-th send on). Shows the window as it stands.
import { Group, NumberInput, Stack, Switch, Text } from '@mantine/core';
import type { Mailbox } from '../../api/types';
import type { FieldGroupProps } from '../mailboxes/fieldProps';

interface Props extends FieldGroupProps {
  mailbox: Mailbox;
}

export function BounceProtectionFields({ mailbox: m, values, errors, onChange }: Props) {
  const over = Number(values.bounceOverLast);
  const sends = m.recentSends ?? 0;
  const bounced = m.recentBounced ?? 0;
  return (
    <Stack gap="sm">
      <Stack gap={4}>
        <Switch
          label="Pause the mailbox when too many sends bounce"
          checked={values.bounceEnabled}
          onChange={(e) => onChange({ bounceEnabled: e.currentTarget.checked })}
        />
        <Text size="xs" c="dimmed">
          Many bounces hurt the sender’s reputation: the mailbox stops itself until you resume it.
        </Text>
      </Stack>
      {values.bounceEnabled && (
        <>
          <Group grow align="flex-start" wrap="wrap" maw={480}>
            <NumberInput
              label="Bounce limit (%)"
              description="Pause when more than this bounced"
              value={values.bounceMaxPercent}
              error={errors.bounceMaxPercent}
              onChange={(v) => onChange({ bounceMaxPercent: v })}
              min={0}
              max={100}
              allowDecimal={false}
              allowNegative={false}
              miw={150}
            />
            <NumberInput
              label="Over the last (sends)"
              description="Judged once it has made this many"
              value={values.bounceOverLast}
              error={errors.bounceOverLast}
              onChange={(v) => onChange({ bounceOverLast: v })}
              min={1}
              allowDecimal={false}
              allowNegative={false}
              miw={150}
            />
          </Group>
          <Text size="sm" c="dimmed" data-testid="bounce-window">
            Now: {bounced} of the last {sends} send{sends === 1 ? '' : 's'} bounced
            {Number.isInteger(over) && over > 0 && sends < over ? ` (judged from ${over} sends on)` : ''}.
          </Text>
        </>
      )}
    </Stack>
  );
}
