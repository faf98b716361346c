// The step builder's editable form of a step list. Delays are edited as day/hour/minute
// inputs, whose raw values are kept as typed; delayMs is derived when the list is checked or
// saved. Each draft has a client-only `key` so React keeps an editor's state through moves.
import type { Step } from '../../api/types';
import { joinDelay, splitDelay, toCount } from '../../lib/delay';

export type DelayInput = number | string;

export type DraftStep =
  | { key: string; id?: string; type: 'send_email'; subject: string; html: string; text?: string }
  | {
      key: string;
      id?: string;
      type: 'delay';
      days: DelayInput;
      hours: DelayInput;
      minutes: DelayInput;
      restMs: number;
    };

let counter = 0;
export function newKey(): string {
  counter += 1;
  return `draft-${counter}`;
}

export function newEmailDraft(): DraftStep {
  return { key: newKey(), type: 'send_email', subject: '', html: '' };
}

// A new delay waits a day, a sensible start for a follow-up.
export function newDelayDraft(): DraftStep {
  return { key: newKey(), type: 'delay', days: 1, hours: 0, minutes: 0, restMs: 0 };
}

export function toDraft(step: Step): DraftStep {
  if (step.type === 'delay') {
    const { days, hours, minutes, restMs } = splitDelay(step.delayMs);
    return { key: newKey(), id: step.id, type: 'delay', days, hours, minutes, restMs };
  }
  const draft: DraftStep = {
    key: newKey(),
    id: step.id,
    type: 'send_email',
    subject: step.subject,
    html: step.html,
  };
  if (step.text !== undefined) draft.text = step.text;
  return draft;
}

export function delayMsOf(d: Extract<DraftStep, { type: 'delay' }>): number {
  return joinDelay({
    days: toCount(d.days),
    hours: toCount(d.hours),
    minutes: toCount(d.minutes),
    restMs: d.restMs,
  });
}

// What the API receives: ids kept (a PATCH edits those steps in place), keys dropped.
export function fromDraft(d: DraftStep): Step {
  if (d.type === 'delay') {
    const step: Step = { type: 'delay', delayMs: delayMsOf(d) };
    if (d.id) step.id = d.id;
    return step;
  }
  const step: Step = { type: 'send_email', subject: d.subject, html: d.html };
  if (d.text !== undefined) step.text = d.text;
  if (d.id) step.id = d.id;
  return step;
}

export function moveDraft(list: readonly DraftStep[], index: number, by: -1 | 1): DraftStep[] {
  const to = index + by;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

export function removeDraft(list: readonly DraftStep[], index: number): DraftStep[] {
  return list.filter((_, i) => i !== index);
}

export function updateDraft(
  list: readonly DraftStep[],
  index: number,
  patch: Partial<DraftStep>,
): DraftStep[] {
  return list.map((d, i) => (i === index ? ({ ...d, ...patch } as DraftStep) : d));
}
