// When an enrollment's next email goes out (windows and limits included), and — when its
// sends are judged in a zone — that moment on the contact's (or the schedule's) clock.
import { Stack, Text } from '@mantine/core';
import { TimeText } from '../../components/TimeText';
import { formatWithZone } from '../../lib/timeZone';

interface Props {
  value: string | null | undefined;
  zone: string | null | undefined;
}

export function DueTime({ value, zone }: Props) {
  return (
    <Stack gap={0}>
      <TimeText value={value} relative />
      {value && zone && (
        <Text size="xs" c="dimmed" title={`Local time in ${zone}`}>
          {formatWithZone(value, zone)}
        </Text>
      )}
    </Stack>
  );
}

// A mailbox's name from a list, else its id.
export function mailboxLabel(id: string, mailboxes: readonly { id: string; name: string }[] | undefined): string {
  return mailboxes?.find((m) => m.id === id)?.name ?? id;
}
