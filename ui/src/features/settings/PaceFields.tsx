// The mailbox's pace: its time zone (when its day starts), the daily limit with today's count,
// the random gap between two emails, and advice for a new Google Workspace mailbox.
import { Alert, Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import type { Mailbox } from '../../api/types';
import { TimeZoneInput } from '../../components/TimeZoneInput';
import { formatRelative } from '../../lib/time';
import { formatWithZone } from '../../lib/timeZone';
import type { FieldGroupProps } from '../mailboxes/fieldProps';

// 90 → "1 min 30 s", 120 → "2 min", 45 → "45 s".
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s <= 0) return '0 s';
  const min = Math.floor(s / 60);
  const rest = Math.round((s - min * 60) * 1000) / 1000;
  if (min === 0) return `${rest} s`;
  return rest ? `${min} min ${rest} s` : `${min} min`;
}

function gapSentence(minValue: number | string, maxValue: number | string): string {
  const min = Number(minValue === '' ? 0 : minValue);
  const max = Number(maxValue === '' ? 0 : maxValue);
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return 'The maximum must be at least the minimum.';
  if (max <= 0) return 'No gap: emails go out as fast as the server takes them.';
  const span = min === max ? formatSeconds(min) : `${formatSeconds(min)} to ${formatSeconds(max)}`;
  return `A random pause of ${span} between two emails of this mailbox; with a gap it sends one email at a time.`;
}

export const GOOGLE_WORKSPACE_START = { dailyLimit: 40, sendGapMin: 60, sendGapMax: 180 };

interface Props extends FieldGroupProps {
  mailbox: Mailbox;
}

export function PaceFields({ mailbox: m, values, errors, onChange }: Props) {
  const limit = m.dailyLimit;
  const sent = m.sentToday ?? 0;
  return (
    <Stack gap="sm">
      <TimeZoneInput
        label="Time zone"
        description="The mailbox’s day starts at midnight in this zone (an IANA name such as Europe/Berlin, or UTC+05:30)."
        value={values.timezone}
        onChange={(timezone) => onChange({ timezone })}
        error={errors.timezone}
      />
      <NumberInput
        label="Daily sending limit"
        description="At most this many emails per calendar day in the mailbox’s time zone, retries included. At the limit, due emails wait for the next day, oldest first. Empty: no limit."
        value={values.dailyLimit}
        error={errors.dailyLimit}
        onChange={(v) => onChange({ dailyLimit: v })}
        min={1}
        allowDecimal={false}
        allowNegative={false}
        maw={320}
      />
      {m.limitResetsAt && (
        <Text size="sm" data-testid="sent-today">
          Sent today: {limit !== null ? `${sent} of ${limit}` : `${sent} (no limit)`}.{' '}
          <Text span c="dimmed" size="sm">
            The day starts again {formatWithZone(m.limitResetsAt, m.timezone || 'UTC')}, {formatRelative(m.limitResetsAt)}.
          </Text>
        </Text>
      )}
      <Group grow align="flex-start" wrap="wrap" maw={480}>
        <NumberInput
          label="Minimum gap (seconds)"
          value={values.sendGapMin}
          error={errors.sendGapMin}
          onChange={(v) => onChange({ sendGapMin: v })}
          min={0}
          decimalScale={3}
          allowNegative={false}
          miw={150}
        />
        <NumberInput
          label="Maximum gap (seconds)"
          value={values.sendGapMax}
          error={errors.sendGapMax}
          onChange={(v) => onChange({ sendGapMax: v })}
          min={0}
          decimalScale={3}
          allowNegative={false}
          miw={150}
        />
      </Group>
      <Text size="sm" c="dimmed" data-testid="gap-summary">
        {gapSentence(values.sendGapMin, values.sendGapMax)}
      </Text>
      <Alert color="blue" variant="light" title="A new Google Workspace mailbox?" role="note">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            Start slowly: 30–50 emails a day, a gap of 60–180 seconds, and a sending schedule in business hours
            (Mon–Fri 09:00–17:00 in your contacts’ time zone) on its sequences. Raise the limit over a few weeks
            while replies come in and bounces stay rare.
          </Text>
          <Button
            size="xs"
            variant="light"
            onClick={() =>
              onChange({
                dailyLimit: GOOGLE_WORKSPACE_START.dailyLimit,
                sendGapMin: GOOGLE_WORKSPACE_START.sendGapMin,
                sendGapMax: GOOGLE_WORKSPACE_START.sendGapMax,
              })
            }
          >
            Use 40 a day and 60–180 s
          </Button>
        </Stack>
      </Alert>
    </Stack>
  );
}
