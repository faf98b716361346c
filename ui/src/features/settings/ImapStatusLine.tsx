import { Alert, Text } from '@mantine/core';
import type { ImapStatus } from '../../api/types';
import { TimeText } from '../../components/TimeText';

export function ImapStatusLine({ status }: { status: ImapStatus | null }) {
  if (!status) {
    return (
      <Text size="sm" c="dimmed">
        The inbox has not been checked yet.
      </Text>
    );
  }
  if (status.connected) {
    return (
      <Text size="sm" c="green">
        Inbox connected (checked <TimeText value={status.at} relative />).
      </Text>
    );
  }
  return (
    <Alert color="red" title="The inbox could not be read" variant="light">
      <Text size="sm">{status.lastError || 'Unknown error.'}</Text>
      <Text size="xs" c="dimmed">
        Last try <TimeText value={status.at} relative size="xs" />
      </Text>
    </Alert>
  );
}
