import { Paper, Stack, Text } from '@mantine/core';
import { EmailHtmlFrame } from '../../components/EmailHtmlFrame';
import type { RenderedEmail } from './preview';

export function EmailPreview({ email, label }: { email: RenderedEmail; label: string }) {
  return (
    <Paper withBorder p="sm" radius="sm" bg="var(--mantine-color-gray-light)">
      <Stack gap={6}>
        <Text size="xs" c="dimmed" fw={600} tt="uppercase">
          Preview
        </Text>
        <Text size="sm" data-testid="preview-subject">
          <Text span fw={600}>
            Subject:
          </Text>{' '}
          {email.subject}
          {email.threaded && (
            <Text span size="xs" c="dimmed">
              {' '}
              (reply in the thread)
            </Text>
          )}
        </Text>
        {email.html.trim() ? (
          <EmailHtmlFrame html={email.html} title={label} height={260} />
        ) : (
          <Text size="sm" c="dimmed">
            The body appears here as you type.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
