// Inserting a merge field where the caret is (or replacing the selection).
export function insertAt(
  value: string,
  start: number | null,
  end: number | null,
  text: string,
): { value: string; caret: number } {
  const s = Math.min(Math.max(start ?? value.length, 0), value.length);
  const e = Math.min(Math.max(end ?? s, s), value.length);
  return { value: value.slice(0, s) + text + value.slice(e), caret: s + text.length };
}
