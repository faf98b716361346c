// The sequence's contacts: filter by status, search by email (debounced), page with the
// server's cursors (a stack, so Previous goes back exactly).
import { Button, Group, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { sequenceApi } from '../../api/sequences';
import type { EnrollmentStatus, Mailbox, Sequence } from '../../api/types';
import { LoadedView } from '../../components/LoadedView';
import { useLoad } from '../../hooks/useLoad';
import { EnrollmentFilters } from './EnrollmentFilters';
import { EnrollmentsTable } from './EnrollmentsTable';

export const PAGE_SIZE = 25;

interface Props {
  sequence: Sequence;
  // The owner's mailboxes, to name the one each contact gets its emails from.
  mailboxes?: Mailbox[];
  refreshKey: number;
  onFieldsSeen?: (keys: string[]) => void;
}

export function EnrollmentsPanel({ sequence, mailboxes, refreshKey, onFieldsSeen }: Props) {
  const [status, setStatus] = useState<EnrollmentStatus | ''>('');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  // A new filter starts again at the first page: the stack belongs to the filter it was made for.
  const filterKey = `${status}|${debounced}|${refreshKey}`;
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({
    key: filterKey,
    cursors: [null],
  });
  const cursors = paging.key === filterKey ? paging.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const setCursors = (next: (string | null)[]) => setPaging({ key: filterKey, cursors: next });

  // A new sequence status reloads too: completing the sequence cancels its active enrollments.
  const page = useLoad(
    (signal) =>
      sequenceApi.enrollments(sequence.id, { status, email: debounced, limit: PAGE_SIZE, cursor }, signal),
    [sequence.id, sequence.status, status, debounced, cursor, refreshKey],
  );

  useEffect(() => {
    if (!page.data || !onFieldsSeen) return;
    const keys = new Set<string>();
    for (const e of page.data.enrollments) Object.keys(e.mergeFields).forEach((k) => keys.add(k));
    if (keys.size > 0) onFieldsSeen([...keys]);
  }, [page.data, onFieldsSeen]);

  const filtered = status !== '' || debounced !== '';
  return (
    <Stack gap="sm">
      <EnrollmentFilters status={status} search={search} onStatus={setStatus} onSearch={setSearch} />
      <LoadedView
        loaded={page}
        loadingLabel="Loading enrollments…"
        isEmpty={(data) => data.enrollments.length === 0}
        empty={
          filtered
            ? { title: 'No enrollments match', text: 'Try another status or search.' }
            : { title: 'No contacts enrolled yet', text: 'Enroll a contact or import a CSV file.' }
        }
      >
        {(data) => (
          <EnrollmentsTable
            enrollments={data.enrollments}
            steps={sequence.steps}
            // A contact enrolled while a rotation was set keeps its mailbox after it is removed.
            showMailbox={(sequence.rotation ?? []).length > 0 || data.enrollments.some((e) => e.mailboxId && e.mailboxId !== sequence.mailboxId)}
            mailboxes={mailboxes}
          />
        )}
      </LoadedView>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {page.loading && page.data ? 'Updating…' : `Page ${cursors.length}`}
        </Text>
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Previous
          </Button>
          <Button
            variant="default"
            size="xs"
            disabled={!page.data?.nextCursor}
            onClick={() => {
              const next = page.data?.nextCursor;
              if (next) setCursors([...cursors, next]);
            }}
          >
            Next
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}
