import { Badge, Tabs, Text } from '@mantine/core';
import { Navigate, useNavigate, useParams } from 'react-router';
import { mailboxApi } from '../api/mailboxes';
import type { Mailbox } from '../api/types';
import { LoadedView } from '../components/LoadedView';
import { PageHeader } from '../components/PageHeader';
import { OutboxTab } from '../features/outbox/OutboxTab';
import { SequencesTab } from '../features/mailboxes/SequencesTab';
import { SettingsTab } from '../features/settings/SettingsTab';
import { useLoad } from '../hooks/useLoad';

const TABS = ['sequences', 'outbox', 'settings'] as const;
type Tab = (typeof TABS)[number];

export function MailboxPage() {
  const { mailboxId = '', tab } = useParams();
  const navigate = useNavigate();
  const mailbox = useLoad((signal) => mailboxApi.get(mailboxId, signal), [mailboxId]);

  if (!TABS.includes(tab as Tab)) {
    return <Navigate to={`/mailboxes/${encodeURIComponent(mailboxId)}/sequences`} replace />;
  }
  return (
    <LoadedView loaded={mailbox} loadingLabel="Loading mailbox…">
      {(m) => (
        <MailboxTabs
          mailbox={m}
          tab={tab as Tab}
          onTab={(v) => navigate(`/mailboxes/${encodeURIComponent(mailboxId)}/${v}`)}
          onSaved={mailbox.setData}
        />
      )}
    </LoadedView>
  );
}

interface TabsProps {
  mailbox: Mailbox;
  tab: Tab;
  onTab: (tab: string) => void;
  onSaved: (m: Mailbox) => void;
}

function MailboxTabs({ mailbox: m, tab, onTab, onSaved }: TabsProps) {
  return (
    <>
      <PageHeader
        title={m.name}
        badge={
          m.status === 'paused' ? (
            <Badge color="red" variant="filled" radius="sm" title={m.pausedReason === 'bounce_rate' ? 'Paused by bounce protection' : 'Paused by hand'}>
              paused
            </Badge>
          ) : undefined
        }
        crumbs={[{ label: 'Mailboxes', to: '/mailboxes' }, { label: m.name }]}
      />
      <Text c="dimmed" size="sm" mt={-8} mb="md" style={{ overflowWrap: 'anywhere' }}>
        From {m.fromName ? `${m.fromName} <${m.fromEmail}>` : m.fromEmail} ·{' '}
        {m.transport.type === 'smtp' ? 'SMTP' : 'local outbox'}
      </Text>
      <Tabs
        value={tab}
        onChange={(v) => v && onTab(v)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="sequences">Sequences</Tabs.Tab>
          <Tabs.Tab value="outbox">Outbox</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="sequences">
          <SequencesTab mailboxId={m.id} />
        </Tabs.Panel>
        <Tabs.Panel value="outbox">
          <OutboxTab mailbox={m} />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <SettingsTab mailbox={m} onSaved={onSaved} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
