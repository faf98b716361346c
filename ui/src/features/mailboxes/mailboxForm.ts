// The mailbox form's values and how they become a request. Passwords are write-only: the
// form starts with them empty and sends one only when the user typed a new one, so saving
// other settings keeps the stored secret.
import type {
  ImapInput,
  Mailbox,
  MailboxInput,
  ServerConnection,
  TlsMode,
  TransportInput,
} from '../../api/types';

// The form names each server's fields after it: smtpHost, imapHost, …
export type ServerKind = 'smtp' | 'imap';

export interface MailboxFormValues {
  name: string;
  fromName: string;
  fromEmail: string;
  transportType: 'outbox' | 'smtp';
  smtpHost: string;
  smtpPort: number | string;
  smtpTls: TlsMode;
  smtpTlsVerify: boolean;
  smtpUsername: string;
  smtpPassword: string;
  smtpHasPassword: boolean;
  smtpBounceAddress: string;
  imapEnabled: boolean;
  imapHost: string;
  imapPort: number | string;
  imapTls: TlsMode;
  imapUsername: string;
  imapPassword: string;
  imapHasPassword: boolean;
  imapFolder: string;
  dailyLimit: number | string;
}

export type MailboxFormErrors = Partial<Record<keyof MailboxFormValues, string>>;

export const EMPTY_MAILBOX_FORM: MailboxFormValues = {
  name: '',
  fromName: '',
  fromEmail: '',
  transportType: 'outbox',
  smtpHost: '',
  smtpPort: 587,
  smtpTls: 'starttls',
  smtpTlsVerify: true,
  smtpUsername: '',
  smtpPassword: '',
  smtpHasPassword: false,
  smtpBounceAddress: '',
  imapEnabled: false,
  imapHost: '',
  imapPort: 993,
  imapTls: 'tls',
  imapUsername: '',
  imapPassword: '',
  imapHasPassword: false,
  imapFolder: 'INBOX',
  dailyLimit: '',
};

export function valuesFromMailbox(m: Mailbox): MailboxFormValues {
  const v: MailboxFormValues = {
    ...EMPTY_MAILBOX_FORM,
    name: m.name,
    fromName: m.fromName,
    fromEmail: m.fromEmail,
    dailyLimit: m.dailyLimit ?? '',
  };
  if (m.transport.type === 'smtp') {
    Object.assign(v, serverValues('smtp', m.transport), {
      transportType: 'smtp',
      smtpTlsVerify: m.transport.tlsVerify,
      smtpBounceAddress: m.transport.bounceAddress ?? '',
    });
  }
  if (m.imap) {
    Object.assign(v, serverValues('imap', m.imap), { imapEnabled: true, imapFolder: m.imap.folder });
  }
  return v;
}

function serverValues(kind: ServerKind, s: ServerConnection & { hasPassword: boolean }): Partial<MailboxFormValues> {
  return {
    [`${kind}Host`]: s.host,
    [`${kind}Port`]: s.port,
    [`${kind}Tls`]: s.tls,
    [`${kind}Username`]: s.username,
    [`${kind}HasPassword`]: s.hasPassword,
  };
}

// The connection part of a request, with the problems of its host and port put in `errors`.
function serverInput(
  v: MailboxFormValues,
  kind: ServerKind,
  errors: MailboxFormErrors,
): ServerConnection & { password?: string } {
  const host = v[`${kind}Host`].trim();
  const p = port(v[`${kind}Port`]);
  if (!host) errors[`${kind}Host`] = `The ${kind.toUpperCase()} server is required.`;
  if (p === null) errors[`${kind}Port`] = 'A port from 1 to 65535.';
  const input: ServerConnection & { password?: string } = {
    host,
    port: p ?? 0,
    tls: v[`${kind}Tls`],
    username: v[`${kind}Username`],
  };
  const password = v[`${kind}Password`];
  if (password !== '') input.password = password;
  return input;
}

function port(value: number | string): number | null {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
}

export interface BuiltInput {
  input: MailboxInput;
  errors: MailboxFormErrors;
}

// `full`: also the IMAP and limit settings (the Settings tab; the create dialog leaves them
// to the server's defaults).
export function toMailboxInput(v: MailboxFormValues, full: boolean): BuiltInput {
  const errors: MailboxFormErrors = {};
  if (!v.name.trim()) errors.name = 'Give the mailbox a name.';
  if (!v.fromEmail.trim()) errors.fromEmail = 'The address the emails come from is required.';
  else if (!/^[^\s@]+@[^\s@]+$/.test(v.fromEmail.trim())) errors.fromEmail = 'Not an email address.';

  let transport: TransportInput = { type: 'outbox' };
  if (v.transportType === 'smtp') {
    transport = { type: 'smtp', ...serverInput(v, 'smtp', errors), tlsVerify: v.smtpTlsVerify };
    if (v.smtpBounceAddress.trim()) transport.bounceAddress = v.smtpBounceAddress.trim();
  }

  const input: MailboxInput = {
    name: v.name.trim(),
    fromName: v.fromName.trim(),
    fromEmail: v.fromEmail.trim(),
    transport,
  };

  if (full) {
    if (v.imapEnabled) {
      const imap: ImapInput = { ...serverInput(v, 'imap', errors), folder: v.imapFolder.trim() || 'INBOX' };
      input.imap = imap;
    } else {
      input.imap = null;
    }
    if (v.dailyLimit === '' || v.dailyLimit === null) {
      input.dailyLimit = null;
    } else {
      const n = Number(v.dailyLimit);
      if (!Number.isInteger(n) || n < 1) errors.dailyLimit = 'A whole number of emails, at least 1.';
      else input.dailyLimit = n;
    }
  }
  return { input, errors };
}

// The form field a server error names (details.field), for showing it in place.
export function fieldOfServerError(field: string | undefined): keyof MailboxFormValues | null {
  switch (field) {
    case 'name':
      return 'name';
    case 'fromName':
      return 'fromName';
    case 'fromEmail':
      return 'fromEmail';
    case 'transport.host':
      return 'smtpHost';
    case 'transport.port':
      return 'smtpPort';
    case 'transport.bounceAddress':
      return 'smtpBounceAddress';
    case 'imap.host':
      return 'imapHost';
    case 'imap.port':
      return 'imapPort';
    case 'imap.folder':
      return 'imapFolder';
    case 'dailyLimit':
      return 'dailyLimit';
    default:
      return null;
  }
}
