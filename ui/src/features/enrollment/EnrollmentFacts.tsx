import type { ReactNode } from 'react';
import { Anchor, Badge, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { EnrollmentDetail, Mailbox } from '../../api/types';
import { TimeText } from '../../components/TimeText';
import { describeCause } from '../../lib/timeline';
import { DueTime } from '../enrollments/DueTime';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

interface Props {
  detail: EnrollmentDetail;
  // The mailbox it sends from, once loaded.
  mailbox?: Mailbox | null;
}

export function EnrollmentFacts({ detail, mailbox }: Props) {
  const fields = Object.entries(detail.mergeFields);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <Fact label="Enrolled">
          <TimeText value={detail.createdAt} />
        </Fact>
        <Fact label="Next step due">
          <DueTime value={detail.nextRunAt} zone={detail.sendTimezone} />
        </Fact>
        {detail.mailboxId && (
          <Fact label="Sends from">
            <Group gap={6} wrap="wrap">
              <Anchor
                component={Link}
                to={`/mailboxes/${encodeURIComponent(detail.mailboxId)}/sequences`}
                size="sm"
                style={{ overflowWrap: 'anywhere' }}
              >
                {mailbox?.name ?? detail.mailboxId}
              </Anchor>
              {mailbox?.status === 'paused' && (
                <Badge color="red" variant="light" size="sm">
                  paused
                </Badge>
              )}
            </Group>
          </Fact>
        )}
        {detail.pausedUntil && (
          <Fact label="Held until (out of office)">
            <TimeText value={detail.pausedUntil} relative />
          </Fact>
        )}
        {detail.statusReason && (
          <Fact label="Reason">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {describeCause(detail.statusReason)}
            </Text>
          </Fact>
        )}
      </SimpleGrid>
      <div>
        <Title order={4} size="h5" mb={4}>
          Merge fields
        </Title>
        {fields.length === 0 ? (
          <Text size="sm" c="dimmed">
            None.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table variant="vertical" withTableBorder fz="sm" aria-label="Merge fields">
              <Table.Tbody>
                {fields.map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Th w={180}>{k}</Table.Th>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{v}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </div>
    </Stack>
  );
}
