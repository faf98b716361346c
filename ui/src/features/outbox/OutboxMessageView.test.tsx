import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../api/types';
import { renderWithMantine } from '../../test/render';
import { OutboxMessageView } from './OutboxMessageView';

const message: OutboxMessage = {
  messageId: '<m1@example.com>',
  from: 'Sam <sam@example.com>',
  to: 'alice@acme.com',
  subject: 'Hey Alice',
  date: '2024-05-01T10:00:00Z',
  text: 'Hi Alice,\nplain text part',
  html: '<p>Hi Alice</p><script>parent.pwned = true</script><img src="https://tracker.example/p.gif">',
  headers: [
    { name: 'From', value: 'Sam <sam@example.com>' },
    { name: 'List-Unsubscribe', value: '<https://m.example/u/x>' },
  ],
};

describe('outbox message viewer', () => {
  it('shows the html in a sandboxed iframe that cannot run scripts or load anything', () => {
    renderWithMantine(<OutboxMessageView message={message} />);
    const iframe = screen.getByTitle('HTML body of “Hey Alice”') as HTMLIFrameElement;
    expect(iframe.tagName).toBe('IFRAME');
    expect(iframe.hasAttribute('sandbox')).toBe(true);
    expect(iframe.getAttribute('sandbox')).toBe('');
    expect(iframe.getAttribute('sandbox')).not.toContain('allow-scripts');
    const srcdoc = iframe.getAttribute('srcdoc') ?? '';
    expect(srcdoc.startsWith(
      '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">',
    )).toBe(true);
    expect(srcdoc).toContain('<p>Hi Alice</p>');
    // The html is never put into the page itself.
    expect(document.querySelector('script')).toBeNull();
    expect((window as unknown as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it('shows the headers, the text part and every header', async () => {
    renderWithMantine(<OutboxMessageView message={message} />);
    expect(screen.getByText('alice@acme.com')).toBeInTheDocument();
    expect(screen.getByText('<m1@example.com>')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Text' }));
    expect(screen.getByText(/plain text part/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Headers' }));
    expect(screen.getByText('List-Unsubscribe')).toBeInTheDocument();
  });
});
