// The server's rules for a sequence's steps (src/core/step_rules.cc ValidateSteps, and the
// per-field checks of src/api/json_mapping.cc ParseStep), so the builder can show them while
// the user types. Unlike the server, which stops at the first problem, this lists them all;
// the first one is the error the server would answer.
import type { Step } from '../api/types';
import { MAX_DELAY_MS } from './delay';
import { replySubject } from './mergeFields';

export type StepField = 'type' | 'subject' | 'html' | 'delay';

export interface StepIssue {
  index: number | null;
  field?: StepField;
  code: string;
  message: string;
}

const isBlank = (s: string) => /^[ \t\r\n]*$/.test(s);
const hasControlChars = (s: string) => /[\u0000-\u001f\u007f]/.test(s);

export function firstEmailIndex(steps: readonly Step[]): number {
  return steps.findIndex((s) => s.type === 'send_email');
}

export function validateSteps(steps: readonly Step[]): StepIssue[] {
  if (steps.length === 0) {
    return [
      {
        index: null,
        code: 'steps_required',
        message: 'A sequence needs at least one step, starting with an email.',
      },
    ];
  }
  const issues: StepIssue[] = [];
  if (steps[0]?.type !== 'send_email') {
    issues.push({
      index: 0,
      field: 'type',
      code: 'sequence_must_start_with_email',
      message: 'A sequence must start with an email, not a delay.',
    });
  }
  const first = firstEmailIndex(steps);
  steps.forEach((s, index) => {
    if (s.type === 'delay') {
      if (!Number.isInteger(s.delayMs) || s.delayMs <= 0) {
        issues.push({
          index,
          field: 'delay',
          code: 'invalid_delay',
          message: 'A delay must be longer than zero (whole days, hours and minutes).',
        });
      } else if (s.delayMs > MAX_DELAY_MS) {
        issues.push({
          index,
          field: 'delay',
          code: 'invalid_delay',
          message: 'A delay can be at most ten years.',
        });
      }
      return;
    }
    if (hasControlChars(s.subject)) {
      issues.push({
        index,
        field: 'subject',
        code: 'invalid_subject',
        message: 'The subject must be one line of text (no tabs or line breaks).',
      });
    } else if (index === first && isBlank(s.subject)) {
      issues.push({
        index,
        field: 'subject',
        code: 'subject_required',
        message: 'The first email needs a subject.',
      });
    }
    if (isBlank(s.html)) {
      issues.push({
        index,
        field: 'html',
        code: 'html_required',
        message: 'An email needs an HTML body.',
      });
    }
  });
  return issues;
}

export function issuesFor(
  issues: readonly StepIssue[],
  index: number,
  field: StepField,
): string | undefined {
  return issues.find((i) => i.index === index && i.field === field)?.message;
}

// Hints that are not errors: what the server will do with what is allowed.
export function stepHints(steps: readonly Step[]): Map<number, string> {
  const hints = new Map<number, string>();
  const first = firstEmailIndex(steps);
  let lastSubject: string | null = null;
  steps.forEach((s, index) => {
    if (s.type === 'send_email') {
      if (index !== first && isBlank(s.subject)) {
        hints.set(
          index,
          lastSubject
            ? `Empty subject: sent as “${replySubject(lastSubject)}”, a reply in the same thread.`
            : 'Empty subject: sent as “Re: <previous subject>”, a reply in the same thread.',
        );
      }
      if (!isBlank(s.subject)) lastSubject = s.subject.trim();
      return;
    }
    const prev = steps[index - 1];
    if (prev?.type === 'delay') {
      hints.set(index, 'Consecutive delays add up.');
    } else if (index === steps.length - 1 && index > 0) {
      hints.set(index, 'A delay at the end only makes the contact complete later.');
    }
  });
  return hints;
}

// The name, as json_mapping.cc LineField checks it.
export function validateSequenceName(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'The sequence needs a name.';
  if (hasControlChars(trimmed)) return 'The name must be one line of text.';
  if (new TextEncoder().encode(trimmed).length > 200) return 'The name is too long (200 bytes at most).';
  return null;
}
