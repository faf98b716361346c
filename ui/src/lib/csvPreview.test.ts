import { describe, expect, it } from 'vitest';
import { mapHeader } from './contactColumns';
import { previewCsv } from './csvPreview';

describe('mapHeader (src/csv/contact_rows.cc)', () => {
  const header = (...fields: string[]) => ({ fields, line: 1 });

  it('finds the email column whatever its case, the rest are merge fields', () => {
    expect(mapHeader(header('firstName', ' EMAIL ', 'company'))).toEqual({
      emailIndex: 1,
      mergeFields: [
        { index: 0, name: 'firstName' },
        { index: 2, name: 'company' },
      ],
      columnCount: 3,
    });
    expect(mapHeader(header('ContactEmail'))).toMatchObject({ emailIndex: 0 });
  });

  it('refuses a header without email, with a blank or a repeated name', () => {
    expect(mapHeader(header('name', 'mail'))).toMatchObject({ code: 'csv_no_email_column' });
    expect(mapHeader(header('email', 'name', ''))).toMatchObject({ code: 'csv_empty_header' });
    expect(mapHeader(header('email', 'contactEmail'))).toMatchObject({ code: 'csv_duplicate_column' });
    expect(mapHeader(header('email', 'Name', 'name'))).toMatchObject({ code: 'csv_duplicate_column' });
  });
});

describe('previewCsv', () => {
  it('shows the first rows mapped to contacts, and counts them all', () => {
    const csv = 'email,firstName,company\nbob@acme.com, Bob ,"Acme, Inc."\n,Nobody,X\nc@x.com,Cy\nd@x.com,D,E\n';
    const p = previewCsv(csv, 2);
    expect(p.columns?.emailIndex).toBe(0);
    expect(p.rowCount).toBe(4);
    expect(p.problemCount).toBe(2);
    expect(p.rows).toEqual([
      { line: 2, email: 'bob@acme.com', mergeFields: { firstName: 'Bob', company: 'Acme, Inc.' } },
      { line: 3, email: '', code: 'missing_email', message: 'line 3: the email is empty' },
    ]);
  });

  it('reports a header problem and a structural error', () => {
    expect(previewCsv('name\nx').headerError?.code).toBe('csv_no_email_column');
    expect(previewCsv('email\n"a@x.com').parseError?.code).toBe('csv_unterminated_quote');
  });

  it('flags a row with the wrong number of fields', () => {
    const p = previewCsv('email,a\nx@y.com,1,2');
    expect(p.rows[0]).toMatchObject({ code: 'csv_column_count', email: 'x@y.com' });
  });
});
