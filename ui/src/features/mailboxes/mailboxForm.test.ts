import { describe, expect, it } from 'vitest';
import { mailbox } from '../../test/fixtures';
import { EMPTY_MAILBOX_FORM, toMailboxInput, valuesFromMailbox } from './mailboxForm';

const withImap = {
  ...mailbox,
  imap: { host: 'imap.example.com', port: 993, tls: 'tls' as const, username: 'sam', folder: 'Replies', hasPassword: true },
};

describe('mailbox form', () => {
  it('reads SMTP and IMAP settings into the form without any password', () => {
    const v = valuesFromMailbox(withImap);
    expect(v).toMatchObject({
      transportType: 'smtp',
      smtpHost: 'smtp.example.com',
      smtpPort: 587,
      smtpTls: 'starttls',
      smtpUsername: 'sam',
      smtpHasPassword: true,
      smtpPassword: '',
      imapEnabled: true,
      imapHost: 'imap.example.com',
      imapPort: 993,
      imapTls: 'tls',
      imapFolder: 'Replies',
      imapHasPassword: true,
      imapPassword: '',
    });
  });

  it('sends the same settings back, with a password only when one was typed', () => {
    const v = { ...valuesFromMailbox(withImap), imapPassword: 'new secret' };
    const { input, errors } = toMailboxInput(v, true);
    expect(errors).toEqual({});
    // The fixture's SMTP settings, minus what the server answers but never takes.
    const { hasPassword, bounceAddress, ...smtp } = withImap.transport as typeof mailbox.transport & {
      hasPassword: boolean;
      bounceAddress: string;
    };
    expect([hasPassword, bounceAddress]).toEqual([true, '']);
    expect(input.transport).toEqual(smtp);
    expect(input.imap).toEqual({
      host: 'imap.example.com',
      port: 993,
      tls: 'tls',
      username: 'sam',
      folder: 'Replies',
      password: 'new secret',
    });
  });

  it('names each server in its own errors', () => {
    const v = {
      ...EMPTY_MAILBOX_FORM,
      name: 'x',
      fromEmail: 'a@b.c',
      transportType: 'smtp' as const,
      smtpPort: 0,
      imapEnabled: true,
      imapPort: 'abc',
    };
    expect(toMailboxInput(v, true).errors).toEqual({
      smtpHost: 'The SMTP server is required.',
      smtpPort: 'A port from 1 to 65535.',
      imapHost: 'The IMAP server is required.',
      imapPort: 'A port from 1 to 65535.',
    });
  });

  it('edits the send gap in seconds and sends milliseconds; bounce protection off is null', () => {
    const v = valuesFromMailbox({ ...mailbox, sendGap: { minMs: 1500, maxMs: 90_000 }, bounceProtection: null, timezone: 'UTC+05:30' });
    expect(v).toMatchObject({ sendGapMin: 1.5, sendGapMax: 90, bounceEnabled: false, timezone: 'UTC+05:30' });
    const { input, errors } = toMailboxInput(v, true);
    expect(errors).toEqual({});
    expect(input).toMatchObject({ sendGap: { minMs: 1500, maxMs: 90_000 }, bounceProtection: null, timezone: 'UTC+05:30' });
    // The create dialog leaves them to the server's defaults.
    const created = toMailboxInput({ ...EMPTY_MAILBOX_FORM, name: 'x', fromEmail: 'a@b.c' }, false).input;
    expect(created).not.toHaveProperty('sendGap');
    expect(created).not.toHaveProperty('timezone');
    expect(toMailboxInput({ ...v, bounceEnabled: true, bounceMaxPercent: 101, bounceOverLast: 0 }, true).errors).toEqual({
      bounceMaxPercent: 'A whole percentage from 0 to 100.',
      bounceOverLast: 'A whole number of sends, at least 1.',
    });
  });
});
