// Which CSV column is the email and which become merge fields, as the server decides it
// (src/csv/contact_rows.cc): header names are trimmed, the email column is "email" or
// "contactEmail" (ASCII case-insensitive), every other column is a merge field named as in
// the header, every header cell must be named and no name may repeat (case-insensitive).
import type { CsvRecord } from './csv';

export interface ContactColumns {
  emailIndex: number;
  mergeFields: { index: number; name: string }[];
  columnCount: number;
}

export interface HeaderError {
  code: 'csv_no_email_column' | 'csv_duplicate_column' | 'csv_empty_header';
  message: string;
}

export interface ContactRow {
  line: number;
  email: string;
  mergeFields: Record<string, string>;
}

export interface RowProblem {
  line: number;
  email: string;
  code: 'csv_column_count' | 'missing_email';
  message: string;
}

const trim = (s: string) => s.replace(/^[ \t\r\n\v\f]+/, '').replace(/[ \t\r\n\v\f]+$/, '');
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const isEmailColumn = (lower: string) => lower === 'email' || lower === 'contactemail';

export function mapHeader(header: CsvRecord): ContactColumns | HeaderError {
  const seen = new Map<string, number>();
  const mergeFields: ContactColumns['mergeFields'] = [];
  let emailIndex: number | null = null;
  for (let i = 0; i < header.fields.length; ++i) {
    const name = trim(header.fields[i] ?? '');
    if (name === '') {
      return {
        code: 'csv_empty_header',
        message: `Column ${i + 1} of the header has no name; every column needs one (remove trailing commas from the header).`,
      };
    }
    const lower = asciiLower(name);
    const key = isEmailColumn(lower) ? 'email' : lower;
    const before = seen.get(key);
    if (before !== undefined) {
      return {
        code: 'csv_duplicate_column',
        message: `Header columns ${before + 1} ("${trim(header.fields[before] ?? '')}") and ${i + 1} ("${name}") name the same field.`,
      };
    }
    seen.set(key, i);
    if (isEmailColumn(lower)) emailIndex = i;
    else mergeFields.push({ index: i, name });
  }
  if (emailIndex === null) {
    return {
      code: 'csv_no_email_column',
      message: 'The header has no email column: name one column "email" or "contactEmail".',
    };
  }
  return { emailIndex, mergeFields, columnCount: header.fields.length };
}

export function isHeaderError(v: ContactColumns | HeaderError): v is HeaderError {
  return 'code' in v;
}

export function mapRow(columns: ContactColumns, record: CsvRecord): ContactRow | RowProblem {
  const email = trim(record.fields[columns.emailIndex] ?? '');
  if (record.fields.length !== columns.columnCount) {
    return {
      line: record.line,
      email,
      code: 'csv_column_count',
      message: `line ${record.line}: expected ${columns.columnCount} fields as in the header, found ${record.fields.length}`,
    };
  }
  if (email === '') {
    return {
      line: record.line,
      email: '',
      code: 'missing_email',
      message: `line ${record.line}: the email is empty`,
    };
  }
  const mergeFields: Record<string, string> = {};
  for (const { index, name } of columns.mergeFields) {
    mergeFields[name] = trim(record.fields[index] ?? '');
  }
  return { line: record.line, email, mergeFields };
}

export function isRowProblem(v: ContactRow | RowProblem): v is RowProblem {
  return 'code' in v;
}

export interface CsvPreview {
  header: string[];
  columns: ContactColumns | null;
  headerError: HeaderError | null;
  rows: (ContactRow | RowProblem)[]; // the first `maxRows` data rows
  rowCount: number; // every data record in the file
  problemCount: number; // rows the server will refuse for their shape
  parseError: { code: string; message: string; line: number } | null;
}
