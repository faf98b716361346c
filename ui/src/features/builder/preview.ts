// What the preview shows for each email: its subject and html rendered with sample values,
// an empty follow-up subject turned into "Re: <previous subject>" as the sender does
// (src/engine/step_runner.cc SubjectFor).
import type { Step } from '../../api/types';
import { renderTemplate, replySubject, type MergeFields } from '../../lib/mergeFields';

export interface SampleContact {
  email: string;
  fields: MergeFields;
  system: MergeFields;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  threaded: boolean; // the subject came from the previous email
}

export function renderEmails(steps: readonly Step[], sample: SampleContact): (RenderedEmail | null)[] {
  let previous = '';
  return steps.map((step) => {
    if (step.type !== 'send_email') return null;
    let subject = renderTemplate(step.subject, sample.fields, sample.email, 'subject', sample.system);
    let threaded = false;
    if (subject === '') {
      threaded = true;
      subject = previous ? replySubject(previous) : '(no subject)';
    }
    previous = subject;
    const html = renderTemplate(step.html, sample.fields, sample.email, 'html', sample.system);
    return { subject, html, threaded };
  });
}

// Sample values typed by the user; an empty one stands for a contact without that field.
export function sampleFields(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== '') out[k] = v;
  return out;
}
