// The mailbox form's values and how they become a request. Passwords are write-only: the
// form starts with them empty and sends one only when the user typed a new one, so saving
// other settings keeps the stored secret.
import { isValidTimeZone, TIME_ZONE_HINT } from '../../lib/timeZone';
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
  timezone: string;
  // The send gap in seconds (the API takes milliseconds); both empty or 0: none.
  sendGapMin: number | string;
  sendGapMax: number | string;
  bounceEnabled: boolean;
  bounceMaxPercent: number | string;
  bounceOverLast: number | string;
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
  timezone: 'UTC',
  sendGapMin: 0,
  sendGapMax: 0,
  bounceEnabled: true,
  bounceMaxPercent: 10,
  bounceOverLast: 50,
};

// Milliseconds shown as seconds, to the millisecond.
const toSeconds = (ms: number) => Math.round(ms) / 1000;

export function valuesFromMailbox(m: Mailbox): MailboxFormValues {
  const v: MailboxFormValues = {
    ...EMPTY_MAILBOX_FORM,
    name: m.name,
    fromName: m.fromName,
    fromEmail: m.fromEmail,
    dailyLimit: m.dailyLimit ?? '',
    timezone: m.timezone || 'UTC',
    sendGapMin: toSeconds(m.sendGap?.minMs ?? 0),
    sendGapMax: toSeconds(m.sendGap?.maxMs ?? 0),
  };
  // An older answer without the field keeps the server's default (on).
  if (m.bounceProtection === null) {
    v.bounceEnabled = false;
  } else if (m.bounceProtection) {
    v.bounceMaxPercent = m.bounceProtection.maxPercent;
    v.bounceOverLast = m.bounceProtection.overLast;
  }
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

    const zone = v.timezone.trim();
    if (!isValidTimeZone(zone)) errors.timezone = `Not a time zone. ${TIME_ZONE_HINT}`;
    else input.timezone = zone;

    const gapMin = seconds(v.sendGapMin);
    const gapMax = seconds(v.sendGapMax);
    if (gapMin === null) errors.sendGapMin = 'A number of seconds, 0 or more.';
    if (gapMax === null) errors.sendGapMax = 'A number of seconds, 0 or more.';
    if (gapMin !== null && gapMax !== null) {
      if (gapMax < gapMin) errors.sendGapMax = 'At least the minimum gap.';
      else input.sendGap = { minMs: Math.round(gapMin * 1000), maxMs: Math.round(gapMax * 1000) };
    }

    if (v.bounceEnabled) {
      const percent = Number(v.bounceMaxPercent);
      const over = Number(v.bounceOverLast);
      const percentOk = v.bounceMaxPercent !== '' && Number.isInteger(percent) && percent >= 0 && percent <= 100;
      const overOk = v.bounceOverLast !== '' && Number.isInteger(over) && over >= 1;
      if (!percentOk) errors.bounceMaxPercent = 'A whole percentage from 0 to 100.';
      if (!overOk) errors.bounceOverLast = 'A whole number of sends, at least 1.';
      if (percentOk && overOk) input.bounceProtection = { maxPercent: percent, overLast: over };
    } else {
      input.bounceProtection = null;
    }
  }
  return { input, errors };
}

// A gap in seconds ('' is 0); null when it is not a number of seconds ≥ 0.
function seconds(value: number | string): number | null {
  if (value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
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
    case 'timezone':
      return 'timezone';
    case 'sendGap':
    case 'sendGap.minMs':
      return 'sendGapMin';
    case 'sendGap.maxMs':
      return 'sendGapMax';
    case 'bounceProtection':
    case 'bounceProtection.maxPercent':
      return 'bounceMaxPercent';
    case 'bounceProtection.overLast':
      return 'bounceOverLast';
    default:
      return null;
  }
}

// A field for the refusals whose code says which one it is, when details.field does not.
export function fieldOfServerCode(code: string): keyof MailboxFormValues | null {
  switch (code) {
    case 'invalid_timezone':
      return 'timezone';
    case 'invalid_daily_limit':
      return 'dailyLimit';
    case 'invalid_send_gap':
      return 'sendGapMin';
    case 'invalid_bounce_protection':
      return 'bounceMaxPercent';
    default:
      return null;
  }
}
