import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockApi } from '../../test/fetchMock';
import { renderWithMantine } from '../../test/render';
import { CsvImportModal } from './CsvImportModal';

const csv = 'firstName,Email,company\nBob,bob@acme.com,"Acme, Inc."\nNo,,Mail\n';

describe('CSV import', () => {
  it('previews the file as the server reads it, uploads it as text/csv and shows the report', async () => {
    const api = mockApi([
      {
        method: 'POST',
        path: '/api/sequences/seq_1/enrollments/import',
        body: {
          enrolled: 1,
          errors: [{ line: 3, contactEmail: '', code: 'missing_email', message: 'line 3: the email is empty' }],
          errorCount: 1,
          errorsTruncated: false,
        },
      },
    ]);
    const onImported = vi.fn();
    renderWithMantine(<CsvImportModal opened sequenceId="seq_1" onClose={() => {}} onImported={onImported} />);
    const ue = userEvent.setup();
    const file = new File([csv], 'contacts.csv', { type: 'text/csv' });
    await ue.upload(screen.getByLabelText('CSV file'), file);

    const table = await screen.findByRole('table', { name: 'CSV preview' });
    expect(within(table).getByText('Email (email)')).toBeInTheDocument();
    expect(within(table).getByText('bob@acme.com')).toBeInTheDocument();
    expect(within(table).getByText('Acme, Inc.')).toBeInTheDocument();
    expect(within(table).getByText('line 3: the email is empty')).toBeInTheDocument();
    expect(screen.getByText(/2 rows to import, 1 of them will be refused/)).toBeInTheDocument();
    expect(screen.getByText('firstName', { selector: '.mantine-Badge-label' })).toBeInTheDocument();

    await ue.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Enrolled 1 contact. 1 row was refused.')).toBeInTheDocument();
    const report = screen.getByRole('table', { name: 'Refused rows' });
    expect(within(report).getByText('missing_email')).toBeInTheDocument();
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.headers['content-type']).toBe('text/csv');
    expect(post?.body).toBe(file);
    expect(onImported).toHaveBeenCalledOnce();
  });

  it('will not import a file without an email column', async () => {
    mockApi([]);
    renderWithMantine(<CsvImportModal opened sequenceId="seq_1" onClose={() => {}} onImported={() => {}} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), new File(['name,company\nA,B'], 'x.csv'));
    expect(await screen.findByText(/has no email column/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Import' })).toBeDisabled();
  });

  it('shows a structural error the server answers', async () => {
    mockApi([
      {
        method: 'POST',
        path: '/api/sequences/seq_1/enrollments/import',
        status: 400,
        body: { error: { code: 'csv_bad_quote', message: 'line 9000: a quote inside an unquoted field', details: { enrolledBeforeError: 500 } } },
      },
    ]);
    renderWithMantine(<CsvImportModal opened sequenceId="seq_1" onClose={() => {}} onImported={() => {}} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), new File(['email\na@x.com'], 'x.csv'));
    await userEvent.click(await screen.findByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/line 9000.*500 contacts were enrolled before the error/)).toBeInTheDocument();
  });
});
