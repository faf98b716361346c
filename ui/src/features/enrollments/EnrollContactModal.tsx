import { Alert, Anchor, Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, errorMessage } from '../../api/error';
import { sequenceApi } from '../../api/sequences';
import type { EnrollmentDetail, Sequence } from '../../api/types';
import { sampleKeys } from '../builder/mergeFieldList';
import { newRow, rowsToMergeFields, type FieldRow } from './enrollForm';
import { MergeFieldRows } from './MergeFieldRows';

interface Props {
  opened: boolean;
  sequence: Sequence;
  onClose: () => void;
  onEnrolled: (e: EnrollmentDetail) => void;
}

export function EnrollContactModal({ opened, sequence, onClose, onEnrolled }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Enroll a contact" size="lg">
      {opened && <EnrollForm sequence={sequence} onClose={onClose} onEnrolled={onEnrolled} />}
    </Modal>
  );
}

function EnrollForm({ sequence, onClose, onEnrolled }: Omit<Props, 'opened'>) {
  const [email, setEmail] = useState('');
  // Start with the fields the sequence's emails use.
  const [rows, setRows] = useState<FieldRow[]>(() => sampleKeys(sequence.steps).map((k) => newRow(k)));
  const [force, setForce] = useState(false);
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setEmailError(null);
    if (!email.trim()) {
      setEmailError('Enter the contact’s email address.');
      return;
    }
    const { fields, error: rowsError } = rowsToMergeFields(rows);
    if (rowsError) {
      setError(rowsError);
      return;
    }
    setBusy(true);
    try {
      const enrollment = await sequenceApi.enroll(sequence.id, {
        contactEmail: email.trim(),
        mergeFields: fields,
        ...(force ? { force: true } : {}),
      });
      onEnrolled(enrollment);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'invalid_email' || err.field === 'contactEmail')) {
        setEmailError(err.message);
      } else {
        setError(err instanceof ApiError ? err : errorMessage(err));
      }
      setBusy(false);
    }
  };

  const existingId =
    error instanceof ApiError && error.code === 'already_enrolled'
      ? (error.details as { enrollmentId?: string } | undefined)?.enrollmentId
      : undefined;
  const canForce =
    force || (error instanceof ApiError && (error.code === 'contact_replied' || error.code === 'contact_bounced'));

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Enroll a contact">
      <Stack>
        <TextInput
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={emailError}
          required
          data-autofocus
        />
        <MergeFieldRows rows={rows} onChange={setRows} />
        {error && (
          <Alert color="red" role="alert">
            {typeof error === 'string' ? error : error.message}
            {existingId && (
              <>
                {' '}
                <Anchor component={Link} to={`/enrollments/${encodeURIComponent(existingId)}`}>
                  Open the active enrollment
                </Anchor>
              </>
            )}
          </Alert>
        )}
        {canForce && (
          <Checkbox
            label="Enroll anyway, although this contact replied or bounced before"
            checked={force}
            onChange={(e) => setForce(e.currentTarget.checked)}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Enroll
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
