import { Checkbox, Group, NativeSelect, NumberInput, Radio, Stack, TextInput } from '@mantine/core';
import type { TlsMode } from '../../api/types';
import { TLS_OPTIONS, type FieldGroupProps } from './fieldProps';
import { SecretInput } from './SecretInput';

export function TransportFields({ values, errors, onChange, mode }: FieldGroupProps) {
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Transport"
        description="How the emails leave."
        value={values.transportType}
        onChange={(v) => onChange({ transportType: v === 'smtp' ? 'smtp' : 'outbox' })}
      >
        <Stack gap={6} mt={6}>
          <Radio value="outbox" label="Local outbox (no mail server: messages are kept and shown in the Outbox tab)" />
          <Radio value="smtp" label="SMTP server" />
        </Stack>
      </Radio.Group>
      {values.transportType === 'smtp' && (
        <Stack gap="sm" pl={{ base: 0, sm: 'md' }}>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              label="SMTP host"
              value={values.smtpHost}
              error={errors.smtpHost}
              onChange={(e) => onChange({ smtpHost: e.currentTarget.value })}
              required
              miw={180}
            />
            <NumberInput
              label="SMTP port"
              value={values.smtpPort}
              error={errors.smtpPort}
              onChange={(v) => onChange({ smtpPort: v })}
              min={1}
              max={65535}
              allowDecimal={false}
              required
              miw={120}
            />
          </Group>
          <NativeSelect
            label="SMTP security"
            data={TLS_OPTIONS}
            value={values.smtpTls}
            onChange={(e) => onChange({ smtpTls: e.currentTarget.value as TlsMode })}
          />
          <Checkbox
            label="Verify the server's TLS certificate"
            checked={values.smtpTlsVerify}
            onChange={(e) => onChange({ smtpTlsVerify: e.currentTarget.checked })}
          />
          <TextInput
            label="SMTP username"
            autoComplete="off"
            value={values.smtpUsername}
            onChange={(e) => onChange({ smtpUsername: e.currentTarget.value })}
          />
          <SecretInput
            label="SMTP password"
            stored={mode === 'edit' && values.smtpHasPassword}
            value={values.smtpPassword}
            onChange={(smtpPassword) => onChange({ smtpPassword })}
          />
          <TextInput
            label="Bounce address"
            description="Optional: the envelope sender that receives bounces."
            value={values.smtpBounceAddress}
            error={errors.smtpBounceAddress}
            onChange={(e) => onChange({ smtpBounceAddress: e.currentTarget.value })}
          />
        </Stack>
      )}
    </Stack>
  );
}
