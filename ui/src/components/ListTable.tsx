// A scrollable, striped table with a header row: the frame every list in the app shares. On a
// narrow screen the table scrolls inside itself, never the page.
import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export type Column = string | { label: string; align?: 'right'; width?: number };

interface Props {
  // The table's accessible name.
  label: string;
  columns: Column[];
  minWidth: number;
  spacing?: 'xs' | 'sm';
  hover?: boolean;
  fz?: 'sm';
  children: ReactNode;
}

export function ListTable({ label, columns, minWidth, spacing = 'xs', hover = false, fz, children }: Props) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover={hover} verticalSpacing={spacing} fz={fz} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) => {
              const col = typeof c === 'string' ? { label: c } : c;
              return (
                <Table.Th key={i} w={col.width} style={col.align ? { textAlign: col.align } : undefined}>
                  {col.label}
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
