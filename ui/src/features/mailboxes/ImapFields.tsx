import { Group, NativeSelect, NumberInput, Stack, Switch, TextInput } from '@mantine/core';
import type { TlsMode } from '../../api/types';
import { TLS_OPTIONS, type FieldGroupProps } from './fieldProps';
import { SecretInput } from './SecretInput';

export function ImapFields({ values, errors, onChange, mode }: FieldGroupProps) {
  return (
    <Stack gap="sm">
      <Switch
        label="Watch an IMAP inbox for replies and bounces"
        checked={values.imapEnabled}
        onChange={(e) => onChange({ imapEnabled: e.currentTarget.checked })}
      />
      {values.imapEnabled && (
        <Stack gap="sm" pl={{ base: 0, sm: 'md' }}>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              label="IMAP host"
              value={values.imapHost}
              error={errors.imapHost}
              onChange={(e) => onChange({ imapHost: e.currentTarget.value })}
              required
              miw={180}
            />
            <NumberInput
              label="IMAP port"
              value={values.imapPort}
              error={errors.imapPort}
              onChange={(v) => onChange({ imapPort: v })}
              min={1}
              max={65535}
              allowDecimal={false}
              required
              miw={120}
            />
          </Group>
          <NativeSelect
            label="IMAP security"
            data={TLS_OPTIONS}
            value={values.imapTls}
            onChange={(e) => onChange({ imapTls: e.currentTarget.value as TlsMode })}
          />
          <TextInput
            label="IMAP username"
            autoComplete="off"
            value={values.imapUsername}
            onChange={(e) => onChange({ imapUsername: e.currentTarget.value })}
          />
          <SecretInput
            label="IMAP password"
            stored={mode === 'edit' && values.imapHasPassword}
            value={values.imapPassword}
            onChange={(imapPassword) => onChange({ imapPassword })}
          />
          <TextInput
            label="IMAP folder"
            value={values.imapFolder}
            error={errors.imapFolder}
            onChange={(e) => onChange({ imapFolder: e.currentTarget.value })}
          />
        </Stack>
      )}
    </Stack>
  );
}
