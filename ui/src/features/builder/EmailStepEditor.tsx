import { Grid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useRef, useState } from 'react';
import { insertAt } from './insertText';
import type { DraftStep } from './draft';
import { EmailPreview } from './EmailPreview';
import { MergeFieldChips } from './MergeFieldChips';
import type { RenderedEmail } from './preview';

type EmailDraft = Extract<DraftStep, { type: 'send_email' }>;
type Target = 'subject' | 'html';

interface Props {
  draft: EmailDraft;
  isFirstEmail: boolean;
  number: number;
  fields: string[];
  rendered: RenderedEmail | null;
  subjectError?: string;
  htmlError?: string;
  hint?: string;
  onChange: (patch: Partial<EmailDraft>) => void;
  onTouch: (field: Target) => void;
}

export function EmailStepEditor(props: Props) {
  const { draft, isFirstEmail, number, fields, rendered, onChange, onTouch } = props;
  const subjectRef = useRef<HTMLInputElement>(null);
  const htmlRef = useRef<HTMLTextAreaElement>(null);
  const [target, setTarget] = useState<Target>('html');

  const insert = (key: string) => {
    const el = target === 'subject' ? subjectRef.current : htmlRef.current;
    const current = draft[target];
    const next = insertAt(current, el?.selectionStart ?? null, el?.selectionEnd ?? null, `{{${key}}}`);
    onChange({ [target]: next.value });
    onTouch(target);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack gap="sm">
          <TextInput
            ref={subjectRef}
            label="Subject"
            description={
              isFirstEmail ? undefined : 'Leave empty to reply in the same thread (“Re: …”).'
            }
            value={draft.subject}
            error={props.subjectError}
            onFocus={() => setTarget('subject')}
            onChange={(e) => {
              onChange({ subject: e.currentTarget.value });
              onTouch('subject');
            }}
            onBlur={() => onTouch('subject')}
            required={isFirstEmail}
          />
          <Textarea
            ref={htmlRef}
            label="HTML body"
            value={draft.html}
            error={props.htmlError}
            onFocus={() => setTarget('html')}
            onChange={(e) => {
              onChange({ html: e.currentTarget.value });
              onTouch('html');
            }}
            onBlur={() => onTouch('html')}
            autosize
            minRows={5}
            maxRows={16}
            required
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          />
          <MergeFieldChips
            fields={fields}
            target={target === 'subject' ? 'subject' : 'HTML body'}
            onInsert={insert}
          />
          {props.hint && (
            <Text size="xs" c="blue">
              {props.hint}
            </Text>
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        {rendered && <EmailPreview email={rendered} label={`Preview of email ${number}`} />}
      </Grid.Col>
    </Grid>
  );
}
