// Pause, Resume and Complete: each answers the new sequence, which replaces the page's copy.
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../../api/error';
import { sequenceApi } from '../../api/sequences';
import type { Sequence } from '../../api/types';
import { CompleteDialog } from './CompleteDialog';

interface Props {
  sequence: Sequence;
  onChanged: (s: Sequence) => void;
}

export function SequenceActions({ sequence, onChanged }: Props) {
  const [busy, setBusy] = useState<'pause' | 'resume' | 'complete' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [completeError, setCompleteError] = useState<string | null>(null);

  const run = async (action: 'pause' | 'resume' | 'complete') => {
    setBusy(action);
    setCompleteError(null);
    try {
      onChanged(await sequenceApi[action](sequence.id));
      if (action === 'complete') setConfirming(false);
      notifications.show({
        color: 'green',
        message:
          action === 'pause' ? 'Sequence paused.' : action === 'resume' ? 'Sequence resumed.' : 'Sequence completed.',
      });
    } catch (e) {
      if (action === 'complete') setCompleteError(errorMessage(e));
      else notifications.show({ color: 'red', title: 'Could not change the sequence', message: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  if (sequence.status === 'completed') return null;
  return (
    <>
      {sequence.status === 'active' ? (
        <Button variant="default" loading={busy === 'pause'} onClick={() => run('pause')}>
          Pause
        </Button>
      ) : (
        <Button variant="default" loading={busy === 'resume'} onClick={() => run('resume')}>
          Resume
        </Button>
      )}
      <Button color="red" variant="outline" onClick={() => setConfirming(true)}>
        Complete sequence
      </Button>
      <CompleteDialog
        opened={confirming}
        activeCount={sequence.counts.active}
        busy={busy === 'complete'}
        error={completeError}
        onConfirm={() => run('complete')}
        onClose={() => {
          setConfirming(false);
          setCompleteError(null);
        }}
      />
    </>
  );
}
