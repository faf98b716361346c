import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  active: 'green',
  paused: 'yellow',
  completed: 'gray',
  replied: 'blue',
  cancelled: 'orange',
  bounced: 'red',
  sent: 'green',
  sending: 'yellow',
  failed: 'red',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="light" radius="sm">
      {status}
    </Badge>
  );
}
