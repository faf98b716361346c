import type { Step } from '../../api/types';
import { SYSTEM_FIELDS, templateKeys } from '../../lib/mergeFields';
import { SUGGESTED_FIELDS } from './sample';

// Keys the steps' templates use, in order of first use.
export function usedKeys(steps: readonly Step[]): string[] {
  const keys: string[] = [];
  for (const s of steps) {
    if (s.type !== 'send_email') continue;
    for (const k of [...templateKeys(s.subject), ...templateKeys(s.html), ...templateKeys(s.text ?? '')]) {
      if (!keys.includes(k)) keys.push(k);
    }
  }
  return keys;
}

// The chips: fields contacts are known to hold (or commonly hold), those already used, then
// the built-in email and the system's unsubscribeUrl.
export function chipFields(steps: readonly Step[], known: readonly string[]): string[] {
  const out: string[] = [];
  const add = (k: string) => {
    if (!out.includes(k) && k !== 'email' && !(SYSTEM_FIELDS as readonly string[]).includes(k)) out.push(k);
  };
  (known.length > 0 ? known : SUGGESTED_FIELDS).forEach(add);
  usedKeys(steps).forEach(add);
  return [...out, 'email', ...SYSTEM_FIELDS];
}

// The keys that get a sample value input: every contact field the templates use.
export function sampleKeys(steps: readonly Step[]): string[] {
  return usedKeys(steps).filter((k) => k !== 'email' && !(SYSTEM_FIELDS as readonly string[]).includes(k));
}
