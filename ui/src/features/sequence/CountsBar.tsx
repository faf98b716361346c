import { Paper, SimpleGrid, Text } from '@mantine/core';
import { ENROLLMENT_STATUSES, type EnrollmentCounts } from '../../api/types';

export function CountsBar({ counts }: { counts: EnrollmentCounts }) {
  return (
    <SimpleGrid cols={{ base: 3, sm: 5 }} spacing="sm" aria-label="Enrollment counts" role="list">
      {ENROLLMENT_STATUSES.map((s) => (
        <Paper key={s} withBorder p="sm" radius="md" role="listitem">
          <Text size="xs" c="dimmed" tt="capitalize">
            {s}
          </Text>
          <Text fw={700} size="xl">
            {counts[s] ?? 0}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
