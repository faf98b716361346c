// The "Enroll contact" form's merge-field rows as the request's mergeFields.
export interface FieldRow {
  key: string; // client-only, for React
  name: string;
  value: string;
}

let counter = 0;
export function newRow(name = ''): FieldRow {
  counter += 1;
  return { key: `row-${counter}`, name, value: '' };
}

// Rows without a name are ignored; a name used twice is an error.
export function rowsToMergeFields(rows: readonly FieldRow[]): { fields: Record<string, string>; error: string | null } {
  const fields: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (!name) continue;
    if (Object.prototype.hasOwnProperty.call(fields, name)) {
      return { fields, error: `The field “${name}” appears twice.` };
    }
    fields[name] = row.value;
  }
  return { fields, error: null };
}
