import { Alert, Group, Pagination, Text } from '@mantine/core';
import { useState } from 'react';
import { mailboxApi } from '../../api/mailboxes';
import type { Mailbox } from '../../api/types';
import { LoadedView } from '../../components/LoadedView';
import { useLoad } from '../../hooks/useLoad';
import { OutboxList } from './OutboxList';
import { OutboxMessageModal } from './OutboxMessageModal';

const PAGE_SIZE = 25;

export function OutboxTab({ mailbox }: { mailbox: Mailbox }) {
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useLoad(
    (signal) => mailboxApi.outbox(mailbox.id, PAGE_SIZE, (page - 1) * PAGE_SIZE, signal),
    [mailbox.id, page],
  );
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;

  return (
    <>
      {mailbox.transport.type === 'smtp' && (
        <Alert variant="light" mb="sm">
          This mailbox sends through SMTP: the outbox only holds what it captured while it used the
          local outbox.
        </Alert>
      )}
      <LoadedView
        loaded={list}
        loadingLabel="Loading the outbox…"
        isEmpty={(data) => data.messages.length === 0}
        empty={{
          title: 'The outbox is empty',
          text: 'Emails this mailbox sends through the local outbox appear here.',
        }}
      >
        {(data) => (
          <>
            <Text size="sm" c="dimmed" mb="xs">
              {data.total} message{data.total === 1 ? '' : 's'}, newest first.
            </Text>
            <OutboxList messages={data.messages} onOpen={setOpenId} />
            {pages > 1 && (
              <Group justify="center" mt="md">
                <Pagination
                  value={page}
                  onChange={setPage}
                  total={pages}
                  getControlProps={(control) => ({
                    'aria-label': control === 'previous' ? 'Previous page' : control === 'next' ? 'Next page' : control,
                  })}
                />
              </Group>
            )}
          </>
        )}
      </LoadedView>
      <OutboxMessageModal mailboxId={mailbox.id} messageId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}
