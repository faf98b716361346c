import { describe, expect, it } from 'vitest';
import type { Step } from '../api/types';
import { DAY_MS, MAX_DELAY_MS } from './delay';
import { stepHints, validateSequenceName, validateSteps } from './stepRules';

const email = (subject: string, html = '<p>Hi</p>'): Step => ({ type: 'send_email', subject, html });
const delay = (delayMs: number): Step => ({ type: 'delay', delayMs });
const codes = (steps: Step[]) => validateSteps(steps).map((i) => `${i.index}:${i.code}`);

describe('validateSteps (src/core/step_rules.cc)', () => {
  it('accepts the product doc example', () => {
    expect(validateSteps([email('Hi'), delay(3 * DAY_MS), email(''), delay(5 * DAY_MS), email('')])).toEqual([]);
  });

  it('needs at least one step', () => {
    expect(codes([])).toEqual(['null:steps_required']);
  });

  it('refuses a leading delay', () => {
    expect(codes([delay(1000), email('Hi')])[0]).toBe('0:sequence_must_start_with_email');
  });

  it('needs a subject on the first email only', () => {
    expect(codes([email('  ')])).toEqual(['0:subject_required']);
    expect(codes([email('Hi'), email('')])).toEqual([]);
    // With a leading delay the first email is still the one needing a subject.
    expect(codes([delay(1), email('')])).toEqual([
      '0:sequence_must_start_with_email',
      '1:subject_required',
    ]);
  });

  it('needs an html body on every email', () => {
    expect(codes([email('Hi', ''), email('', ' \n')])).toEqual(['0:html_required', '1:html_required']);
  });

  it('needs delays above zero, whole, at most ten years', () => {
    expect(codes([email('Hi'), delay(0)])).toEqual(['1:invalid_delay']);
    expect(codes([email('Hi'), delay(Number.NaN)])).toEqual(['1:invalid_delay']);
    expect(codes([email('Hi'), delay(1.5)])).toEqual(['1:invalid_delay']);
    expect(codes([email('Hi'), delay(MAX_DELAY_MS + 1)])).toEqual(['1:invalid_delay']);
    expect(codes([email('Hi'), delay(MAX_DELAY_MS)])).toEqual([]);
  });

  it('allows consecutive and trailing delays, and says what they do', () => {
    const steps = [email('Hi'), delay(1000), delay(2000), email(''), delay(1000)];
    expect(validateSteps(steps)).toEqual([]);
    const hints = stepHints(steps);
    expect(hints.get(2)).toMatch(/add up/);
    expect(hints.get(3)).toContain('Re: Hi');
    expect(hints.get(4)).toMatch(/end/);
  });

  it('refuses a subject with control characters', () => {
    expect(codes([email('a\tb')])).toEqual(['0:invalid_subject']);
  });
});

describe('validateSequenceName', () => {
  it('needs one line of text', () => {
    expect(validateSequenceName('  ')).toMatch(/name/);
    expect(validateSequenceName('a\nb')).toMatch(/one line/);
    expect(validateSequenceName('x'.repeat(201))).toMatch(/too long/);
    expect(validateSequenceName('Cold outreach')).toBeNull();
  });
});
