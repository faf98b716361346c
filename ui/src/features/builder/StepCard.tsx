import { ActionIcon, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  number: number;
  kind: 'send_email' | 'delay';
  summary?: string;
  isFirst: boolean;
  isLast: boolean;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  children: ReactNode;
}

function Control(props: { label: string; disabled?: boolean; onClick: () => void; color?: string; children: ReactNode }) {
  return (
    <Tooltip label={props.label} withArrow openDelay={400}>
      <ActionIcon
        variant="default"
        aria-label={props.label}
        disabled={props.disabled}
        onClick={props.onClick}
        color={props.color}
      >
        {props.children}
      </ActionIcon>
    </Tooltip>
  );
}

export function StepCard({ number, kind, summary, isFirst, isLast, onMove, onRemove, children }: Props) {
  const title = `Step ${number}: ${kind === 'send_email' ? 'email' : 'delay'}`;
  return (
    <Paper withBorder p="md" radius="md" role="group" aria-label={title}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm">
            {title}
            {summary && (
              <Text span c="dimmed" fw={400}>
                {' '}
                · {summary}
              </Text>
            )}
          </Text>
          <Group gap={4} wrap="nowrap">
            <Control label="Move up" disabled={isFirst} onClick={() => onMove(-1)}>
              <span aria-hidden>↑</span>
            </Control>
            <Control label="Move down" disabled={isLast} onClick={() => onMove(1)}>
              <span aria-hidden>↓</span>
            </Control>
            <Control label="Remove step" onClick={onRemove}>
              <span aria-hidden>✕</span>
            </Control>
          </Group>
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}
