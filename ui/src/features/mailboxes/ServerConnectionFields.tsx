// Host, port, security, username and password of an SMTP or IMAP server: the same fields,
// named after the protocol ("SMTP host", "IMAP password", …).
import { Group, NativeSelect, NumberInput, Stack, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import type { TlsMode } from '../../api/types';
import { bindText, TLS_OPTIONS, type FieldGroupProps } from './fieldProps';
import type { MailboxFormValues, ServerKind } from './mailboxForm';
import { SecretInput } from './SecretInput';


interface Props extends FieldGroupProps {
  kind: ServerKind;
  // Fields of this protocol only, shown after the security choice and at the end.
  afterSecurity?: ReactNode;
  children?: ReactNode;
}

export function ServerConnectionFields({ kind, afterSecurity, children, ...form }: Props) {
  const { values, errors, onChange, mode } = form;
  const name = kind.toUpperCase();
  const set = (key: string, value: unknown) => onChange({ [`${kind}${key}`]: value } as Partial<MailboxFormValues>);
  return (
    <Stack gap="sm" pl={{ base: 0, sm: 'md' }}>
      <Group grow align="flex-start" wrap="wrap">
        <TextInput label={`${name} host`} {...bindText(form, `${kind}Host`)} required miw={180} />
        <NumberInput
          label={`${name} port`}
          value={values[`${kind}Port`]}
          error={errors[`${kind}Port`]}
          onChange={(v) => set('Port', v)}
          min={1}
          max={65535}
          allowDecimal={false}
          required
          miw={120}
        />
      </Group>
      <NativeSelect
        label={`${name} security`}
        data={TLS_OPTIONS}
        value={values[`${kind}Tls`]}
        onChange={(e) => set('Tls', e.currentTarget.value as TlsMode)}
      />
      {afterSecurity}
      <TextInput label={`${name} username`} autoComplete="off" {...bindText(form, `${kind}Username`)} />
      <SecretInput
        label={`${name} password`}
        stored={mode === 'edit' && values[`${kind}HasPassword`]}
        value={values[`${kind}Password`]}
        onChange={(v) => set('Password', v)}
      />
      {children}
    </Stack>
  );
}
