import { Button } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import { LoadedView } from '../components/LoadedView';
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
      <LoadedView
        loaded={mailboxes}
        loadingLabel="Loading mailboxes…"
        isEmpty={(list) => list.length === 0}
        empty={{
          title: 'No mailboxes yet',
          text: 'A mailbox is who your emails come from. Create one to start building sequences.',
        }}
      >
        {(list) => <MailboxList mailboxes={list} />}
      </LoadedView>
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
