import { Text, type TextProps } from '@mantine/core';
import { formatDateTime, formatRelative } from '../lib/time';

interface Props extends TextProps {
  value: string | null | undefined;
  // Show "in 3 days" first, with the exact local time as its title.
  relative?: boolean;
}

export function TimeText({ value, relative = false, ...props }: Props) {
  if (!value) {
    return (
      <Text span size="sm" c="dimmed" {...props}>
        —
      </Text>
    );
  }
  const exact = formatDateTime(value);
  return (
    <Text span size="sm" {...props}>
      <time dateTime={value} title={relative ? exact : formatRelative(value)}>
        {relative ? formatRelative(value) : exact}
      </time>
    </Text>
  );
}
