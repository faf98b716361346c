// State of a mailbox form: values, per-field errors (the form's own and the server's), and
// a general error for what no field explains.
import { useState } from 'react';
import { ApiError, errorMessage } from '../../api/error';
import type { Mailbox, MailboxInput } from '../../api/types';
import {
  fieldOfServerCode,
  fieldOfServerError,
  toMailboxInput,
  type MailboxFormErrors,
  type MailboxFormValues,
} from './mailboxForm';

export function useMailboxForm(initial: MailboxFormValues, full: boolean) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<MailboxFormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onChange = (patch: Partial<MailboxFormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[k as keyof MailboxFormValues];
      return next;
    });
  };

  // Validates, sends, and reports; resolves to the saved mailbox or null.
  const submit = async (send: (input: MailboxInput) => Promise<Mailbox>): Promise<Mailbox | null> => {
    setFormError(null);
    const built = toMailboxInput(values, full);
    if (Object.keys(built.errors).length > 0) {
      setErrors(built.errors);
      return null;
    }
    setBusy(true);
    try {
      return await send(built.input);
    } catch (e) {
      const field = e instanceof ApiError ? (fieldOfServerError(e.field) ?? fieldOfServerCode(e.code)) : null;
      if (field) setErrors({ [field]: errorMessage(e) });
      else setFormError(errorMessage(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  return { values, setValues, errors, formError, busy, onChange, submit };
}
