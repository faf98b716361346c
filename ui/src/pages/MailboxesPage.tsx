import { Button } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { MailboxCreateModal } from '../features/mailboxes/MailboxCreateModal';
import { MailboxList } from '../features/mailboxes/MailboxList';
import { useLoad } from '../hooks/useLoad';

export function MailboxesPage() {
  const mailboxes = useLoad((signal) => mailboxApi.list(signal), []);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  return (
    <>
      <PageHeader
        title="Mailboxes"
        actions={<Button onClick={() => setCreating(true)}>New mailbox</Button>}
      />
      {mailboxes.error ? (
        <ErrorState error={mailboxes.error} onRetry={mailboxes.reload} />
      ) : !mailboxes.data ? (
        <LoadingState label="Loading mailboxes…" />
      ) : mailboxes.data.length === 0 ? (
        <EmptyState title="No mailboxes yet">
          A mailbox is who your emails come from. Create one to start building sequences.
        </EmptyState>
      ) : (
        <MailboxList mailboxes={mailboxes.data} />
      )}
      <MailboxCreateModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(m) => {
          setCreating(false);
          navigate(`/mailboxes/${encodeURIComponent(m.id)}/sequences`);
        }}
      />
    </>
  );
}
