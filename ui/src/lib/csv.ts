// An RFC 4180 CSV reader that behaves like the server's (src/csv/csv_parser.cc), for the
// import preview: a UTF-8 BOM at the start is dropped, CRLF, LF and lone CR end lines, blank
// lines are skipped, "" inside quotes is one quote, a quote inside an unquoted field or text
// after a closing quote is an error, and so is input ending inside quotes.

export interface CsvRecord {
  fields: string[];
  line: number; // 1-based physical line where the record starts
}

export interface CsvError {
  code: 'csv_bad_quote' | 'csv_unterminated_quote';
  message: string;
  line: number;
}

// Return false to stop reading.
export type RecordFn = (record: CsvRecord) => boolean | void;

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

export function readCsv(input: string, onRecord: RecordFn): CsvError | null {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  let state: State = 'fieldStart';
  let fields: string[] = [];
  let field = '';
  let fieldQuoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let prevCr = false;
  let stopped = false;

  const endField = () => {
    fields.push(field);
    field = '';
    fieldQuoted = false;
    state = 'fieldStart';
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && !fieldQuoted;
    if (!blank) {
      endField();
      const record = { fields, line: recordLine };
      fields = [];
      if (onRecord(record) === false) stopped = true;
    }
    state = 'fieldStart';
  };
  // A comma or a line break ends the field (and the record) wherever a field may end.
  const endsField = (c: string, newline: boolean) => {
    if (c === ',') endField();
    else if (newline) endRecord();
    else return false;
    return true;
  };

  for (let i = 0; i < text.length && !stopped; ++i) {
    const c = text.charAt(i);
    const afterCr = prevCr;
    prevCr = c === '\r';
    if (c === '\n' && afterCr) {
      // The CR already counted the line and, outside quotes, ended the record.
      if (state === 'quoted') field += c;
      continue;
    }
    if (state === 'fieldStart' && fields.length === 0) recordLine = line;
    const newline = c === '\r' || c === '\n';
    switch (state) {
      case 'fieldStart':
        if (c === '"') {
          fieldQuoted = true;
          quoteLine = line;
          state = 'quoted';
        } else if (!endsField(c, newline)) {
          field += c;
          state = 'unquoted';
        }
        break;
      case 'unquoted':
        if (c === '"') {
          return {
            code: 'csv_bad_quote',
            message: `line ${line}: a quote inside an unquoted field (quote the whole field and double the quote)`,
            line,
          };
        }
        if (!endsField(c, newline)) field += c;
        break;
      case 'quoted':
        if (c === '"') state = 'quoteInQuoted';
        else field += c;
        break;
      case 'quoteInQuoted':
        if (c === '"') {
          field += '"';
          state = 'quoted';
        } else if (!endsField(c, newline)) {
          return {
            code: 'csv_bad_quote',
            message: `line ${line}: text after the closing quote of a quoted field`,
            line,
          };
        }
        break;
    }
    if (newline) ++line;
  }
  if (stopped) return null;
  if (state === 'quoted') {
    return {
      code: 'csv_unterminated_quote',
      message: `unterminated quoted field starting on line ${quoteLine}`,
      line: quoteLine,
    };
  }
  endRecord();
  return null;
}

// Every record, or the first error.
export function parseCsv(input: string): { records: CsvRecord[]; error: CsvError | null } {
  const records: CsvRecord[] = [];
  const error = readCsv(input, (r) => {
    records.push(r);
  });
  return { records, error };
}
