import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

const rows = (text: string) => parseCsv(text).records.map((r) => r.fields);
const lines = (text: string) => parseCsv(text).records.map((r) => r.line);

describe('parseCsv (RFC 4180, as src/csv/csv_parser.cc)', () => {
  it('reads plain fields', () => {
    expect(rows('email,firstName\na@x.com,Al\n')).toEqual([
      ['email', 'firstName'],
      ['a@x.com', 'Al'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(rows('a,b\n"Acme, Inc.","say ""hi"""\n"two\nlines",x')).toEqual([
      ['a', 'b'],
      ['Acme, Inc.', 'say "hi"'],
      ['two\nlines', 'x'],
    ]);
  });

  it('accepts CRLF, LF and CR, skips blank lines, and counts physical lines', () => {
    const text = 'a,b\r\n1,2\n\n3,4\r5,6';
    expect(rows(text)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(lines(text)).toEqual([1, 2, 4, 5]);
    expect(lines('a\n"x\r\ny"\nz')).toEqual([1, 2, 4]);
  });

  it('drops a BOM and keeps empty fields', () => {
    expect(rows('\uFEFFemail,,x\n,,')).toEqual([
      ['email', '', 'x'],
      ['', '', ''],
    ]);
    expect(rows('""')).toEqual([['']]);
  });

  it('reports bad quotes with their line', () => {
    expect(parseCsv('a,b\nx"y,z').error).toMatchObject({ code: 'csv_bad_quote', line: 2 });
    expect(parseCsv('"a"b').error).toMatchObject({ code: 'csv_bad_quote', line: 1 });
    expect(parseCsv('a\n"open\nmore').error).toMatchObject({
      code: 'csv_unterminated_quote',
      line: 2,
    });
  });

  it('reads an empty input as no records', () => {
    expect(parseCsv('')).toEqual({ records: [], error: null });
    expect(parseCsv('\n\n')).toEqual({ records: [], error: null });
  });
});
