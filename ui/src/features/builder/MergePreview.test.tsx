import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/fetchMock';
import { renderAtRoute } from '../../test/render';
import { NewSequencePage } from '../../pages/NewSequencePage';

const setValue = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const step = (n: number) => screen.getByRole('group', { name: new RegExp(`^Step ${n}:`) });
const frame = (n: number) =>
  within(step(n)).getByTitle(`Preview of email ${n}`) as HTMLIFrameElement;

describe('merge preview', () => {
  it('renders subject and html with the sample values, as the server would', async () => {
    mockApi([]);
    renderAtRoute(<NewSequencePage />, '/new', '/new');
    setValue(within(step(1)).getByLabelText('Subject'), 'Hey {{ firstName }}, about {{company}}');
    setValue(
      within(step(1)).getByLabelText('HTML body'),
      '<p>Hi {{firstName|there}} at {{company|your team}}, {{unknown}}</p><a href="{{unsubscribeUrl}}">x</a>',
    );

    expect(within(step(1)).getByTestId('preview-subject')).toHaveTextContent('Subject: Hey Alice, about Acme Corp');
    const srcdoc = frame(1).getAttribute('srcdoc') ?? '';
    expect(srcdoc).toContain('<p>Hi Alice at Acme Corp, {{unknown}}</p>');
    expect(srcdoc).toContain('href="https://mailmark.example/unsubscribe/sample"');

    // An empty sample value stands for a contact without the field: the fallback shows.
    setValue(screen.getByLabelText('Sample company'), '');
    expect(frame(1).getAttribute('srcdoc')).toContain('at your team,');
    expect(within(step(1)).getByTestId('preview-subject')).toHaveTextContent('about {{company}}');

    // Values are text, never markup.
    setValue(screen.getByLabelText('Sample firstName'), '<b>Al</b>');
    expect(frame(1).getAttribute('srcdoc')).toContain('Hi &lt;b&gt;Al&lt;/b&gt; at');
  });

  it('shows an empty follow-up subject as a reply to the previous one', async () => {
    mockApi([]);
    renderAtRoute(<NewSequencePage />, '/new', '/new');
    setValue(within(step(1)).getByLabelText('Subject'), 'Hello {{firstName}}');
    await userEvent.click(screen.getByRole('button', { name: 'Add email' }));
    setValue(within(step(2)).getByLabelText('HTML body'), '<p>bump</p>');
    expect(within(step(2)).getByTestId('preview-subject')).toHaveTextContent('Subject: Re: Hello Alice');
  });
});
