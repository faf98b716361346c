// The other mailboxes a sequence also sends from, saved with PATCH {rotation}. New contacts
// are assigned in turn among the mailboxes with room today; a contact keeps its mailbox.
import { Alert, Anchor, Badge, Button, Group, List, MultiSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/error';
import { sequenceApi } from '../../api/sequences';
import type { Mailbox, Sequence } from '../../api/types';
import { LoadedView } from '../../components/LoadedView';
import type { Loaded } from '../../hooks/useLoad';

interface Props {
  sequence: Sequence;
  mailboxes: Pick<Loaded<Mailbox[]>, 'data' | 'error' | 'reload'>;
  onChanged: (s: Sequence) => void;
}

export function RotationCard({ sequence, mailboxes, onChanged }: Props) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="rotation-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="rotation-title">
          Mailbox rotation
        </Title>
        <LoadedView loaded={mailboxes} loadingLabel="Loading mailboxes…">
          {(list) => <RotationEditor sequence={sequence} mailboxes={list} onChanged={onChanged} />}
        </LoadedView>
      </Stack>
    </Paper>
  );
}

function MemberLine({ mailbox: m, own }: { mailbox: Mailbox; own?: boolean }) {
  return (
    <Group gap={6} wrap="wrap">
      <Anchor
        component={Link}
        to={`/mailboxes/${encodeURIComponent(m.id)}/settings`}
        size="sm"
        fw={500}
        style={{ overflowWrap: 'anywhere' }}
      >
        {m.name}
      </Anchor>
      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        {m.fromEmail}
        {own ? ' · this sequence’s mailbox' : ''}
        {m.dailyLimit !== null ? ` · ${m.sentToday ?? 0}/${m.dailyLimit} today` : ''}
      </Text>
      {m.status === 'paused' && (
        <Badge color="red" variant="light" size="sm">
          paused
        </Badge>
      )}
      {!m.imap && (
        <Badge color="yellow" variant="light" size="sm">
          no inbox
        </Badge>
      )}
    </Group>
  );
}

function RotationEditor({ sequence, mailboxes, onChanged }: { sequence: Sequence; mailboxes: Mailbox[]; onChanged: (s: Sequence) => void }) {
  const saved = sequence.rotation ?? [];
  const [selected, setSelected] = useState<string[]>(saved);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const completed = sequence.status === 'completed';

  const byId = new Map(mailboxes.map((m) => [m.id, m]));
  const own = byId.get(sequence.mailboxId);
  const others = mailboxes.filter((m) => m.id !== sequence.mailboxId);
  // A member no longer listed (deleted, or not visible) stays selectable so it can be removed.
  const unknown = selected.filter((id) => !byId.has(id));
  const data = [
    ...others.map((m) => ({ value: m.id, label: m.status === 'paused' ? `${m.name} (paused)` : m.name })),
    ...unknown.map((id) => ({ value: id, label: `${id} (unknown mailbox)` })),
  ];
  const members = selected.map((id) => byId.get(id)).filter((m): m is Mailbox => m !== undefined);
  // With a rotation, every mailbox that sends for the sequence, its own included.
  const senders = members.length > 0 && own ? [own, ...members] : members;
  const withoutInbox = senders.filter((m) => !m.imap);
  const paused = senders.filter((m) => m.status === 'paused');
  const savedCount = saved.length;
  const dirty = selected.length !== saved.length || selected.some((id, i) => id !== saved[i]);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await sequenceApi.update(sequence.id, { rotation: selected });
      onChanged(s);
      setSelected(s.rotation ?? []);
      notifications.show({ color: 'green', message: 'Mailbox rotation saved.' });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="sm">
      <Text size="sm">
        {savedCount === 0
          ? `Sends only from ${own?.name ?? 'its mailbox'}.`
          : `Sends from ${own?.name ?? 'its mailbox'} and ${savedCount} other mailbox${savedCount === 1 ? '' : 'es'}.`}{' '}
        <Text span c="dimmed" size="sm">
          New contacts are assigned in turn among the mailboxes with room today; each contact keeps its mailbox for
          all steps.
        </Text>
      </Text>
      {!completed &&
        (others.length === 0 && unknown.length === 0 ? (
          <Text size="sm" c="dimmed">
            You have no other mailbox to add. Create one on the Mailboxes page.
          </Text>
        ) : (
          <MultiSelect
            label="Also send from"
            placeholder={selected.length === 0 ? 'Pick mailboxes' : undefined}
            data={data}
            value={selected}
            onChange={(v) => {
              setSelected(v);
              setError(null);
            }}
            searchable
            clearable
            hidePickedOptions
            nothingFoundMessage="No such mailbox"
            maw={520}
          />
        ))}
      {members.length > 0 && (
        <List spacing={4} size="sm" listStyleType="none" aria-label="Rotation mailboxes">
          {own && (
            <List.Item>
              <MemberLine mailbox={own} own />
            </List.Item>
          )}
          {members.map((m) => (
            <List.Item key={m.id}>
              <MemberLine mailbox={m} />
            </List.Item>
          ))}
        </List>
      )}
      {withoutInbox.length > 0 && (
        <Alert color="yellow" variant="light" title="No IMAP inbox" role="alert">
          {withoutInbox.map((m) => `“${m.name}”`).join(', ')} {withoutInbox.length === 1 ? 'has' : 'have'} no IMAP
          inbox: replies and bounces to {withoutInbox.length === 1 ? 'its' : 'their'} emails cannot be detected, so
          contacts who reply keep getting follow-ups. Set up the inbox in the mailbox’s Settings.
        </Alert>
      )}
      {paused.length > 0 && (
        <Alert color="red" variant="light" title="Paused mailbox">
          {paused.length === 1
            ? `“${paused[0]?.name}” is paused and sends nothing until it is resumed in its Settings; the contacts assigned to it wait.`
            : `${paused.map((m) => `“${m.name}”`).join(', ')} are paused and send nothing until they are resumed in their Settings; the contacts assigned to them wait.`}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {!completed && (
        <Group>
          <Button variant="default" onClick={save} loading={busy} disabled={!dirty}>
            Save rotation
          </Button>
        </Group>
      )}
    </Stack>
  );
}
