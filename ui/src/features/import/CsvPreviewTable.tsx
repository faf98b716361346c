// What the server will make of the file: the email column, the merge fields, the first rows.
import { Alert, Badge, Group, Stack, Table, Text } from '@mantine/core';
import { ListTable } from '../../components/ListTable';
import { isRowProblem, type CsvPreview } from '../../lib/contactColumns';

export function CsvPreviewTable({ preview }: { preview: CsvPreview }) {
  if (preview.headerError) {
    return (
      <Alert color="red" title="The header row cannot be imported" role="alert">
        {preview.headerError.message}
      </Alert>
    );
  }
  if (!preview.columns) {
    return (
      <Alert color="red" role="alert">
        {preview.parseError?.message ?? 'The file is empty: the first row must name the columns (email, …).'}
      </Alert>
    );
  }
  const { columns } = preview;
  const emailName = preview.header[columns.emailIndex]?.trim() ?? 'email';
  return (
    <Stack gap="xs">
      {preview.parseError && (
        <Alert color="red" title="The file is not valid CSV" role="alert">
          {preview.parseError.message}. Fix the file before importing.
        </Alert>
      )}
      <Group gap={6} wrap="wrap">
        <Text size="sm">Email column:</Text>
        <Badge variant="filled" tt="none">{emailName}</Badge>
        <Text size="sm">Merge fields:</Text>
        {columns.mergeFields.length === 0 ? (
          <Text size="sm" c="dimmed">
            none
          </Text>
        ) : (
          columns.mergeFields.map((f) => (
            <Badge key={f.index} variant="light" tt="none">
              {f.name}
            </Badge>
          ))
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {preview.rowCount} row{preview.rowCount === 1 ? '' : 's'} to import
        {preview.problemCount > 0 &&
          `, ${preview.problemCount} of them will be refused (see the report after importing)`}
        . The first {preview.rows.length}:
      </Text>
      <ListTable
        label="CSV preview"
        columns={['Line', `${emailName} (email)`, ...columns.mergeFields.map((f) => f.name)]}
        minWidth={480}
        fz="sm"
      >
        {preview.rows.map((row) =>
          isRowProblem(row) ? (
            <Table.Tr key={row.line}>
              <Table.Td>{row.line}</Table.Td>
              <Table.Td colSpan={columns.mergeFields.length + 1}>
                <Text size="sm" c="red">
                  {row.message}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            <Table.Tr key={row.line}>
              <Table.Td>{row.line}</Table.Td>
              <Table.Td>{row.email}</Table.Td>
              {columns.mergeFields.map((f) => (
                <Table.Td key={f.index}>{row.mergeFields[f.name]}</Table.Td>
              ))}
            </Table.Tr>
          ),
        )}
      </ListTable>
    </Stack>
  );
}
