// The mailbox form's values and how they become a request. Passwords are write-only: the
// form starts with them empty and sends one only when the user typed a new one, so saving
// other settings keeps the stored secret.
import type { ImapInput, Mailbox, MailboxInput, TlsMode, TransportInput } from '../../api/types';

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
    v.transportType = 'smtp';
    v.smtpHost = m.transport.host;
    v.smtpPort = m.transport.port;
    v.smtpTls = m.transport.tls;
    v.smtpTlsVerify = m.transport.tlsVerify;
    v.smtpUsername = m.transport.username;
    v.smtpHasPassword = m.transport.hasPassword;
    v.smtpBounceAddress = m.transport.bounceAddress ?? '';
  }
  if (m.imap) {
    v.imapEnabled = true;
    v.imapHost = m.imap.host;
    v.imapPort = m.imap.port;
    v.imapTls = m.imap.tls;
    v.imapUsername = m.imap.username;
    v.imapHasPassword = m.imap.hasPassword;
    v.imapFolder = m.imap.folder;
  }
  return v;
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
    const p = port(v.smtpPort);
    if (!v.smtpHost.trim()) errors.smtpHost = 'The SMTP server is required.';
    if (p === null) errors.smtpPort = 'A port from 1 to 65535.';
    transport = {
      type: 'smtp',
      host: v.smtpHost.trim(),
      port: p ?? 0,
      tls: v.smtpTls,
      tlsVerify: v.smtpTlsVerify,
      username: v.smtpUsername,
    };
    if (v.smtpBounceAddress.trim()) transport.bounceAddress = v.smtpBounceAddress.trim();
    if (v.smtpPassword !== '') transport.password = v.smtpPassword;
  }

  const input: MailboxInput = {
    name: v.name.trim(),
    fromName: v.fromName.trim(),
    fromEmail: v.fromEmail.trim(),
    transport,
  };

  if (full) {
    if (v.imapEnabled) {
      const p = port(v.imapPort);
      if (!v.imapHost.trim()) errors.imapHost = 'The IMAP server is required.';
      if (p === null) errors.imapPort = 'A port from 1 to 65535.';
      const imap: ImapInput = {
        host: v.imapHost.trim(),
        port: p ?? 0,
        tls: v.imapTls,
        username: v.imapUsername,
        folder: v.imapFolder.trim() || 'INBOX',
      };
      if (v.imapPassword !== '') imap.password = v.imapPassword;
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
