import { Alert, Table, Text } from '@mantine/core';
import type { ImportResult } from '../../api/types';

export function ImportReport({ result }: { result: ImportResult }) {
  const errorCount = result.errorCount ?? result.errors.length;
  return (
    <>
      <Alert color={errorCount === 0 ? 'green' : 'yellow'} title="Import finished" role="status">
        Enrolled {result.enrolled} contact{result.enrolled === 1 ? '' : 's'}.
        {errorCount > 0 && ` ${errorCount} row${errorCount === 1 ? ' was' : 's were'} refused.`}
      </Alert>
      {result.errors.length > 0 && (
        <>
          {result.errorsTruncated && (
            <Text size="sm" c="dimmed">
              Showing the first {result.errors.length} of {errorCount} refused rows.
            </Text>
          )}
          <Table.ScrollContainer minWidth={520}>
            <Table striped fz="sm" aria-label="Refused rows">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Line</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.errors.map((e, i) => (
                  <Table.Tr key={`${e.line}-${i}`}>
                    <Table.Td>{e.line}</Table.Td>
                    <Table.Td>{e.contactEmail || '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.message}</Text>
                      <Text size="xs" c="dimmed">
                        {e.code}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </>
  );
}
