import { Alert, Table, Text } from '@mantine/core';
import type { ImportResult } from '../../api/types';
import { ListTable } from '../../components/ListTable';

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
          <ListTable label="Refused rows" columns={['Line', 'Email', 'Problem']} minWidth={520} fz="sm">
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
          </ListTable>
        </>
      )}
    </>
  );
}
