// Every message and status change of one enrollment, oldest first: a list named "Timeline"
// whose items carry data-kind "message" (subject, state, time), "status" (a new status and its
// cause) or "note" (history that keeps the status, like the sender's "sent … 250 …").
import { Group, Text, Timeline } from '@mantine/core';
import type { EnrollmentDetail } from '../../api/types';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeText } from '../../components/TimeText';
import { buildTimeline, describeCause } from '../../lib/timeline';

export function EnrollmentTimeline({ detail }: { detail: EnrollmentDetail }) {
  const items = buildTimeline(detail);
  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing has happened yet.
      </Text>
    );
  }
  return (
    <Timeline bulletSize={14} lineWidth={2} active={items.length - 1} role="list" aria-label="Timeline">
      {items.map((item, i) =>
        item.kind === 'message' ? (
          <Timeline.Item
            key={`m-${item.message.id}`}
            title={
              <Group gap="xs" wrap="wrap">
                <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                  Email: {item.message.subject || '(no subject)'}
                </Text>
                <StatusBadge status={item.message.status} />
              </Group>
            }
            data-kind="message"
            role="listitem"
          >
            <TimeText value={item.at} c="dimmed" size="xs" />
          </Timeline.Item>
        ) : !item.changed ? (
          <Timeline.Item
            key={`h-${i}`}
            title={
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {describeCause(item.entry.cause)}
              </Text>
            }
            data-kind="note"
            role="listitem"
          >
            <TimeText value={item.at} c="dimmed" size="xs" />
          </Timeline.Item>
        ) : (
          <Timeline.Item
            key={`h-${i}`}
            title={
              <Group gap="xs" wrap="wrap">
                <Text size="sm" fw={600}>
                  Status
                </Text>
                <StatusBadge status={item.entry.status} />
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {describeCause(item.entry.cause)}
                </Text>
              </Group>
            }
            data-kind="status"
            role="listitem"
          >
            <TimeText value={item.at} c="dimmed" size="xs" />
          </Timeline.Item>
        ),
      )}
    </Timeline>
  );
}
