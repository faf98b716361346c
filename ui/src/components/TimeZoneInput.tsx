// A time zone field: type to search the zones the browser knows (UTC first), or write a
// fixed offset such as UTC+05:30, which the list does not hold.
import { Autocomplete } from '@mantine/core';
import type { ReactNode } from 'react';
import { TIME_ZONE_HINT, timeZoneNames } from '../lib/timeZone';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  error?: ReactNode;
  description?: ReactNode;
}

export function TimeZoneInput({ label, value, onChange, onBlur, error, description }: Props) {
  return (
    <Autocomplete
      label={label}
      description={description ?? TIME_ZONE_HINT}
      data={timeZoneNames()}
      value={value}
      onChange={onChange}
      onBlur={onBlur}
      error={error}
      limit={40}
      maxDropdownHeight={260}
      autoComplete="off"
      spellCheck={false}
      // A narrow screen keeps the list inside the page.
      comboboxProps={{ middlewares: { flip: true, shift: true } }}
      maw={420}
    />
  );
}
