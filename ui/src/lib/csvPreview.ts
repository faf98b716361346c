// The import dialog's preview: the header mapped as the server maps it, the first rows, and
// how many rows the file holds.
import { isHeaderError, isRowProblem, mapHeader, mapRow, type CsvPreview } from './contactColumns';
import { readCsv } from './csv';

export function previewCsv(text: string, maxRows = 5): CsvPreview {
  const preview: CsvPreview = {
    header: [],
    columns: null,
    headerError: null,
    rows: [],
    rowCount: 0,
    problemCount: 0,
    parseError: null,
  };
  let sawHeader = false;
  preview.parseError = readCsv(text, (record) => {
    if (!sawHeader) {
      sawHeader = true;
      preview.header = record.fields;
      const mapped = mapHeader(record);
      if (isHeaderError(mapped)) {
        preview.headerError = mapped;
        return false;
      }
      preview.columns = mapped;
      return true;
    }
    preview.rowCount += 1;
    const row = mapRow(preview.columns!, record);
    if (isRowProblem(row)) preview.problemCount += 1;
    if (preview.rows.length < maxRows) preview.rows.push(row);
    return true;
  });
  return preview;
}
