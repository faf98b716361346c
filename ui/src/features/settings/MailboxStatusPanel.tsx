// Whether the mailbox sends: a paused one says why (bounce protection's figures, or by hand)
// with Resume; an active one offers Pause. Both answer the mailbox.
import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ApiError, errorMessage } from '../../api/error';
import { mailboxApi } from '../../api/mailboxes';
import type { Mailbox } from '../../api/types';
import { TimeText } from '../../components/TimeText';

// "Paused by bounce protection: 6 of the last 50 sends bounced (more than 10%)".
export function pausedReasonText(m: Mailbox): string {
  if (m.pausedReason === 'bounce_rate') {
    const f = m.bounceFigures;
    const p = m.bounceProtection?.maxPercent;
    if (!f) return 'Paused by bounce protection: too many of its last sends bounced.';
    return `Paused by bounce protection: ${f.bounced} of the last ${f.sends} sends bounced${p !== undefined ? ` (more than ${p}%)` : ''}.`;
  }
  if (m.pausedReason === 'manual') return 'Paused by hand.';
  return 'Paused.';
}

interface Props {
  mailbox: Mailbox;
  onChanged: (m: Mailbox) => void;
}

export function MailboxStatusPanel({ mailbox: m, onChanged }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const paused = m.status === 'paused';

  const run = async (action: 'pause' | 'resume') => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await mailboxApi[action](m.id));
      notifications.show({ color: 'green', message: action === 'pause' ? 'Mailbox paused.' : 'Mailbox resumed.' });
    } catch (e) {
      // Someone else paused or resumed it meanwhile: show it as it is.
      if (e instanceof ApiError && (e.code === 'mailbox_paused' || e.code === 'mailbox_not_paused')) {
        try {
          onChanged(await mailboxApi.get(m.id));
        } catch {
          // the message below says enough
        }
      }
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs" maw={640}>
      {paused ? (
        <Alert color="red" variant="light" title="This mailbox is paused" data-testid="mailbox-paused">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{pausedReasonText(m)}</Text>
            <Text size="sm">
              It sends nothing until it is resumed: the contacts of every sequence that sends from it wait.
              {m.pausedAt && (
                <>
                  {' '}
                  Paused <TimeText value={m.pausedAt} relative />.
                </>
              )}
            </Text>
            {m.pausedReason === 'bounce_rate' && (
              <Text size="sm">Check the addresses of the recent contacts before resuming.</Text>
            )}
            <Button color="red" onClick={() => run('resume')} loading={busy}>
              Resume
            </Button>
          </Stack>
        </Alert>
      ) : (
        <Paper withBorder p="sm" radius="md">
          <Group justify="space-between" gap="sm" wrap="wrap">
            <Text size="sm">
              <Text span c="green" fw={600}>
                Active:
              </Text>{' '}
              this mailbox sends its sequences’ emails.
            </Text>
            <Button variant="default" onClick={() => run('pause')} loading={busy}>
              Pause
            </Button>
          </Group>
        </Paper>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
