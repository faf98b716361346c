// The weekly sending window of a sequence, off (any time) or days + hours + zone. Used by the
// builder (sent on creation) and the sequence page (saved with PATCH {schedule}).
import { Checkbox, Group, NativeSelect, Radio, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { WEEKDAYS, type Weekday } from '../../api/types';
import { TimeZoneInput } from '../../components/TimeZoneInput';
import {
  CALENDAR_DELAY_NOTE,
  clockOptions,
  validateScheduleDraft,
  WEEKDAY_LABELS,
  type ScheduleDraft,
  type ScheduleErrors,
} from '../../lib/schedule';

interface Props {
  value: ScheduleDraft;
  onChange: (patch: Partial<ScheduleDraft>) => void;
  // Show every problem now (after a save attempt), not only those of fields the user changed.
  showAllErrors?: boolean;
  // A refusal of the server for one field (details.field).
  serverErrors?: ScheduleErrors;
}

export function ScheduleEditor({ value, onChange, showAllErrors = false, serverErrors = {} }: Props) {
  const [zoneTouched, setZoneTouched] = useState(false);
  const errors = validateScheduleDraft(value);
  // Days and hours are picked from lists: their problems show at once. A zone being typed
  // is judged when the field is left.
  const zoneError = showAllErrors || zoneTouched ? errors.timezone : undefined;
  const error = (k: keyof ScheduleErrors) => (k === 'timezone' ? zoneError : errors[k]) ?? serverErrors[k];

  return (
    <Stack gap="sm">
      <Radio.Group
        label="When emails go out"
        value={value.enabled ? 'window' : 'any'}
        onChange={(v) => onChange({ enabled: v === 'window' })}
      >
        <Stack gap={6} mt={6}>
          <Radio value="any" label="Any time" />
          <Radio value="window" label="Only inside a weekly window" />
        </Stack>
      </Radio.Group>
      {value.enabled && (
        <Stack gap="sm" pl={{ base: 0, sm: 'md' }}>
          <Checkbox.Group
            label="Sending days"
            value={value.days}
            onChange={(days) => onChange({ days: days as Weekday[] })}
            error={error('days')}
          >
            <Group gap="sm" mt={6}>
              {WEEKDAYS.map((d) => (
                <Checkbox key={d} value={d} label={WEEKDAY_LABELS[d]} />
              ))}
            </Group>
          </Checkbox.Group>
          <Group gap="sm" align="flex-start" wrap="wrap">
            <NativeSelect
              label="Start time"
              description="From this time on"
              data={clockOptions('from', value.from)}
              value={value.from}
              onChange={(e) => onChange({ from: e.currentTarget.value })}
              error={error('from')}
              w={150}
            />
            <NativeSelect
              label="End time"
              description="Until before this time"
              data={clockOptions('to', value.to).map((t) => ({ value: t, label: t === '24:00' ? '24:00 (midnight)' : t }))}
              value={value.to}
              onChange={(e) => onChange({ to: e.currentTarget.value })}
              error={error('to')}
              w={170}
            />
          </Group>
          <TimeZoneInput
            label="Time zone"
            description="The zone the days and hours are in."
            value={value.timezone}
            onChange={(timezone) => onChange({ timezone })}
            onBlur={() => setZoneTouched(true)}
            error={error('timezone')}
          />
          {/* The explanation stays out of the switch's label: it would become part of its name. */}
          <Stack gap={4}>
            <Switch
              label="Use each contact's time zone"
              checked={value.useContactTimezone}
              onChange={(e) => onChange({ useContactTimezone: e.currentTarget.checked })}
            />
            <Text size="xs" c="dimmed">
              From the contact’s merge field “timezone” (an IANA name or UTC±HH:MM; a CSV column “timezone” fills
              it). Contacts without a valid one use the zone above.
            </Text>
          </Stack>
          <Text size="sm" c="dimmed">
            {CALENDAR_DELAY_NOTE}
          </Text>
        </Stack>
      )}
    </Stack>
  );
}
