// One captured email: its main headers, then the html (sandboxed), the text and every header.
import { Code, Stack, Table, Tabs, Text } from '@mantine/core';
import type { OutboxMessage } from '../../api/types';
import { EmailHtmlFrame } from '../../components/EmailHtmlFrame';
import { TimeText } from '../../components/TimeText';

export function OutboxMessageView({ message }: { message: OutboxMessage }) {
  const hasHtml = message.html.trim() !== '';
  return (
    <Stack gap="sm">
      <Table variant="vertical" layout="fixed" withTableBorder>
        <Table.Tbody>
          <Row name="Subject" value={message.subject || '(no subject)'} />
          <Row name="From" value={message.from} />
          <Row name="To" value={message.to} />
          <Table.Tr>
            <Table.Th w={110}>Date</Table.Th>
            <Table.Td>
              <TimeText value={message.date} />
            </Table.Td>
          </Table.Tr>
          <Row name="Message-ID" value={message.messageId} />
        </Table.Tbody>
      </Table>
      <Tabs defaultValue={hasHtml ? 'html' : 'text'} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="html" disabled={!hasHtml}>
            HTML
          </Tabs.Tab>
          <Tabs.Tab value="text">Text</Tabs.Tab>
          <Tabs.Tab value="headers">Headers</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="html" pt="sm">
          <EmailHtmlFrame html={message.html} title={`HTML body of “${message.subject}”`} />
        </Tabs.Panel>
        <Tabs.Panel value="text" pt="sm">
          {message.text ? (
            <Code block style={{ whiteSpace: 'pre-wrap', maxHeight: 420, overflow: 'auto' }}>
              {message.text}
            </Code>
          ) : (
            <Text c="dimmed" size="sm">
              This message has no plain-text part.
            </Text>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="headers" pt="sm">
          <Table.ScrollContainer minWidth={480}>
            <Table striped fz="xs">
              <Table.Tbody>
                {message.headers.map((h, i) => (
                  <Table.Tr key={`${h.name}-${i}`}>
                    <Table.Td fw={600} style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                      {h.name}
                    </Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{h.value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function Row({ name, value }: { name: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={110}>{name}</Table.Th>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{value}</Table.Td>
    </Table.Tr>
  );
}
