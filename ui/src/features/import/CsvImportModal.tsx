// Choose a CSV file, see how it will be read, upload it as text/csv, read the report.
import { Alert, Button, Group, Input, Modal, Stack, Text } from '@mantine/core';
import { useId, useState, type ChangeEvent } from 'react';
import { sequenceApi } from '../../api/sequences';
import type { ImportResult } from '../../api/types';
import type { CsvPreview } from '../../lib/contactColumns';
import { previewCsv } from '../../lib/csvPreview';
import { readText } from '../../lib/readText';
import { CsvPreviewTable } from './CsvPreviewTable';
import { describeImportError } from './importError';
import { ImportReport } from './ImportReport';

interface Props {
  opened: boolean;
  sequenceId: string;
  onClose: () => void;
  onImported: (r: ImportResult) => void;
}

export function CsvImportModal({ opened, sequenceId, onClose, onImported }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title="Import contacts from CSV" size="xl">
      {opened && <ImportForm sequenceId={sequenceId} onClose={onClose} onImported={onImported} />}
    </Modal>
  );
}

function ImportForm({ sequenceId, onClose, onImported }: Omit<Props, 'opened'>) {
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [reading, setReading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.currentTarget.files?.[0] ?? null;
    setFile(chosen);
    setPreview(null);
    setResult(null);
    setError(null);
    if (!chosen) return;
    setReading(true);
    try {
      setPreview(previewCsv(await readText(chosen)));
    } catch {
      setError('The file could not be read.');
    } finally {
      setReading(false);
    }
  };

  const onImport = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await sequenceApi.importCsv(sequenceId, file);
      setResult(r);
      onImported(r);
    } catch (e) {
      setError(describeImportError(e));
    } finally {
      setBusy(false);
    }
  };

  const importable = !!preview && !!preview.columns && !preview.parseError && !result;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        The first row names the columns: one is the email (“email” or “contactEmail”), every other
        column becomes a merge field.
      </Text>
      <Input.Wrapper label="CSV file" id={inputId}>
        <input
          id={inputId}
          type="file"
          accept=".csv,text/csv"
          onChange={onFile}
          disabled={busy}
          style={{ display: 'block', marginTop: 4 }}
        />
      </Input.Wrapper>
      {reading && <Text size="sm">Reading the file…</Text>}
      {preview && !result && <CsvPreviewTable preview={preview} />}
      {error && (
        <Alert color="red" role="alert" title="The import failed">
          {error}
        </Alert>
      )}
      {result && <ImportReport result={result} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {result ? 'Close' : 'Cancel'}
        </Button>
        {!result && (
          <Button onClick={onImport} disabled={!importable} loading={busy}>
            Import
          </Button>
        )}
      </Group>
    </Stack>
  );
}
