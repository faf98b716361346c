// The builder's state: drafts, which fields the user touched (their problems show as they
// type), and the checks derived from the drafts.
import { useMemo, useState } from 'react';
import { stepHints, validateSteps, type StepField } from '../../lib/stepRules';
import { fromDraft, type DraftStep } from './draft';

export function useStepBuilder(initial: () => DraftStep[]) {
  const [drafts, setDrafts] = useState<DraftStep[]>(initial);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);

  const steps = useMemo(() => drafts.map(fromDraft), [drafts]);
  const issues = useMemo(() => validateSteps(steps), [steps]);
  const hints = useMemo(() => stepHints(steps), [steps]);

  const touch = (key: string, field: StepField) =>
    setTouched((t) => (t.has(`${key}:${field}`) ? t : new Set(t).add(`${key}:${field}`)));

  // The problem to show under a field now, if any.
  const errorFor = (index: number, field: StepField): string | undefined => {
    const draft = drafts[index];
    if (!draft) return undefined;
    if (!showAll && !touched.has(`${draft.key}:${field}`)) return undefined;
    return issues.find((i) => i.index === index && i.field === field)?.message;
  };

  return { drafts, setDrafts, steps, issues, hints, touch, errorFor, showAll, setShowAll };
}

export type StepBuilder = ReturnType<typeof useStepBuilder>;
