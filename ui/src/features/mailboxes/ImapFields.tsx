import { Stack, Switch, TextInput } from '@mantine/core';
import { bindText, type FieldGroupProps } from './fieldProps';
import { ServerConnectionFields } from './ServerConnectionFields';

export function ImapFields(props: FieldGroupProps) {
  const { values, onChange } = props;
  return (
    <Stack gap="sm">
      <Switch
        label="Watch an IMAP inbox for replies and bounces"
        checked={values.imapEnabled}
        onChange={(e) => onChange({ imapEnabled: e.currentTarget.checked })}
      />
      {values.imapEnabled && (
        <ServerConnectionFields kind="imap" {...props}>
          <TextInput label="IMAP folder" {...bindText(props, 'imapFolder')} />
        </ServerConnectionFields>
      )}
    </Stack>
  );
}
