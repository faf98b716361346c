import type { Enrollment, Mailbox, Sequence } from '../api/types';

export const mailbox: Mailbox = {
  id: 'mbx_1',
  name: 'Sales',
  fromName: 'Sam Sender',
  fromEmail: 'sam@example.com',
  transport: {
    type: 'smtp',
    host: 'smtp.example.com',
    port: 587,
    tls: 'starttls',
    tlsVerify: true,
    username: 'sam',
    bounceAddress: '',
    hasPassword: true,
  },
  imap: null,
  dailyLimit: 200,
  timezone: 'UTC',
  sendGap: { minMs: 0, maxMs: 0 },
  bounceProtection: { maxPercent: 10, overLast: 50 },
  imapStatus: null,
  status: 'active',
  pausedReason: null,
  pausedAt: null,
  bounceFigures: null,
  sentToday: 12,
  limitResetsAt: '2024-05-02T00:00:00Z',
  recentSends: 30,
  recentBounced: 1,
  createdAt: '2024-05-01T10:00:00Z',
  updatedAt: '2024-05-01T10:00:00Z',
};

export const sequence: Sequence = {
  id: 'seq_1',
  mailboxId: 'mbx_1',
  name: 'Cold outreach',
  status: 'active',
  steps: [
    { id: 'stp_a', type: 'send_email', subject: 'Hey {{firstName}}', html: '<p>Hi {{firstName}} at {{company}}</p>' },
    { id: 'stp_b', type: 'delay', delayMs: 259_200_000 },
    { id: 'stp_c', type: 'send_email', subject: '', html: '<p>Bump</p>' },
  ],
  schedule: null,
  rotation: [],
  counts: { active: 3, completed: 1, replied: 2, cancelled: 0, bounced: 1 },
  stepStats: [
    { stepId: 'stp_a', sent: 7, replied: 2, bounced: 1 },
    { stepId: 'stp_c', sent: 4, replied: 0, bounced: 0 },
  ],
  createdAt: '2024-05-01T10:00:00Z',
  updatedAt: '2024-05-01T10:00:00Z',
};

export function enrollment(n: number, patch: Partial<Enrollment> = {}): Enrollment {
  return {
    id: `enr_${n}`,
    sequenceId: 'seq_1',
    contactEmail: `contact${n}@acme.com`,
    mergeFields: { firstName: `C${n}` },
    status: 'active',
    currentStepId: 'stp_c',
    nextRunAt: '2030-01-01T00:00:00Z',
    mailboxId: 'mbx_1',
    sendTimezone: null,
    createdAt: '2024-05-01T10:00:00Z',
    updatedAt: '2024-05-01T10:00:00Z',
    ...patch,
  };
}
