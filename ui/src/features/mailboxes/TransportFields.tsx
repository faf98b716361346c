import { Checkbox, Radio, Stack, TextInput } from '@mantine/core';
import { bindText, type FieldGroupProps } from './fieldProps';
import { ServerConnectionFields } from './ServerConnectionFields';

export function TransportFields(props: FieldGroupProps) {
  const { values, onChange } = props;
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
        <ServerConnectionFields
          kind="smtp"
          {...props}
          afterSecurity={
            <Checkbox
              label="Verify the server's TLS certificate"
              checked={values.smtpTlsVerify}
              onChange={(e) => onChange({ smtpTlsVerify: e.currentTarget.checked })}
            />
          }
        >
          <TextInput
            label="Bounce address"
            description="Optional: the envelope sender that receives bounces."
            {...bindText(props, 'smtpBounceAddress')}
          />
        </ServerConnectionFields>
      )}
    </Stack>
  );
}
