// The shapes the Mailmark API answers (shared/spec/API.md, docs/api.md, src/api/json_mapping.cc).

export type TlsMode = 'none' | 'starttls' | 'tls';

export interface User {
  id: string;
  name: string;
  createdAt: string;
}

// What an SMTP or IMAP connection has in common. A stored password is never sent back: the
// answers say `hasPassword`, a request may carry a new `password` (left out, the stored one stays).
export interface ServerConnection {
  host: string;
  port: number;
  tls: TlsMode;
  username: string;
}

export interface SmtpConnection extends ServerConnection {
  type: 'smtp';
  tlsVerify: boolean;
  bounceAddress?: string;
}

export type Transport = { type: 'outbox' } | (SmtpConnection & { hasPassword: boolean });

export interface ImapSettings extends ServerConnection {
  folder: string;
  hasPassword: boolean;
}

export interface ImapStatus {
  connected: boolean;
  lastError: string;
  at: string;
}

// A random pause between two emails of one mailbox, in milliseconds ({0, 0}: none).
export interface SendGap {
  minMs: number;
  maxMs: number;
}

// The mailbox pauses itself once it has made `overLast` sends and more than `maxPercent` % of
// its last `overLast` sends bounced.
export interface BounceProtection {
  maxPercent: number;
  overLast: number;
}

export type MailboxStatus = 'active' | 'paused';
export type MailboxPauseReason = 'manual' | 'bounce_rate';

export interface Mailbox {
  id: string;
  name: string;
  fromName: string;
  fromEmail: string;
  transport: Transport;
  imap: ImapSettings | null;
  // At most this many emails per calendar day in `timezone` (retries count); null: none.
  dailyLimit: number | null;
  // IANA name or "UTC±HH:MM": the mailbox's day starts at its local midnight.
  timezone: string;
  sendGap: SendGap;
  bounceProtection: BounceProtection | null;
  imapStatus?: ImapStatus | null;
  // Read-only.
  status: MailboxStatus;
  pausedReason: MailboxPauseReason | null;
  pausedAt: string | null;
  // Set when bounce protection paused it: `bounced` of the last `sends` sends.
  bounceFigures: { bounced: number; sends: number } | null;
  sentToday: number;
  limitResetsAt: string; // the next local midnight
  // Bounce protection's current window.
  recentSends: number;
  recentBounced: number;
  createdAt: string;
  updatedAt: string;
}

// What a POST or PATCH sends.
export type TransportInput = { type: 'outbox' } | (SmtpConnection & { password?: string });

export interface ImapInput extends ServerConnection {
  folder?: string;
  password?: string;
}

export interface MailboxInput {
  name?: string;
  fromName?: string;
  fromEmail?: string;
  transport?: TransportInput;
  imap?: ImapInput | null;
  dailyLimit?: number | null;
  timezone?: string;
  sendGap?: SendGap;
  bounceProtection?: BounceProtection | null;
}

export type SequenceStatus = 'active' | 'paused' | 'completed';
export type EnrollmentStatus = 'active' | 'completed' | 'replied' | 'cancelled' | 'bounced';
export const ENROLLMENT_STATUSES: readonly EnrollmentStatus[] = [
  'active',
  'completed',
  'replied',
  'cancelled',
  'bounced',
];

export interface EmailStep {
  id?: string;
  type: 'send_email';
  subject: string;
  html: string;
  text?: string;
}

export interface DelayStep {
  id?: string;
  type: 'delay';
  delayMs: number;
}

export type Step = EmailStep | DelayStep;

export type EnrollmentCounts = Record<EnrollmentStatus, number>;

export interface StepStat {
  stepId: string;
  sent: number;
  replied: number;
  bounced: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// A weekly sending window: sends go out only on `days`, from `from` (inclusive) to `to`
// (exclusive, "24:00" allowed), local time in `timezone` — or in each contact's own zone (its
// merge field "timezone") with useContactTimezone.
export interface SendSchedule {
  timezone: string;
  days: Weekday[];
  from: string; // "HH:MM"
  to: string;
  useContactTimezone: boolean;
}

export interface Sequence {
  id: string;
  mailboxId: string;
  name: string;
  status: SequenceStatus;
  steps: Step[];
  // null: send any time.
  schedule: SendSchedule | null;
  // Other mailboxes of the same owner the sequence also sends from.
  rotation: string[];
  counts: EnrollmentCounts;
  stepStats?: StepStat[];
  createdAt: string;
  updatedAt: string;
}

export interface SequenceInput {
  name: string;
  steps: Step[];
  schedule?: SendSchedule | null;
  rotation?: string[];
}

export interface SequencePatch {
  name?: string;
  steps?: Step[];
  schedule?: SendSchedule | null;
  rotation?: string[];
}

export interface Enrollment {
  id: string;
  sequenceId: string;
  contactEmail: string;
  mergeFields: Record<string, string>;
  status: EnrollmentStatus;
  statusReason?: string;
  currentStepId: string | null;
  // When it will really be sent at the earliest, windows and limits included.
  nextRunAt: string | null;
  // The mailbox it sends from (rotation pins it at enrollment).
  mailboxId: string;
  // The zone its sends are judged in (the contact's or the schedule's); null without a schedule.
  sendTimezone: string | null;
  pausedUntil?: string | null;
  createdAt: string;
  updatedAt: string;
}

export type MessageState = 'sending' | 'sent' | 'failed';

export interface EnrollmentMessage {
  id: string;
  stepId: string;
  messageId: string;
  subject: string;
  sentAt: string | null;
  status: MessageState;
}

export interface HistoryEntry {
  at: string;
  status: string;
  cause: string;
}

export interface EnrollmentDetail extends Enrollment {
  messages: EnrollmentMessage[];
  history: HistoryEntry[];
}

export interface EnrollmentPage {
  enrollments: Enrollment[];
  nextCursor: string | null;
}

export interface EnrollInput {
  contactEmail: string;
  mergeFields?: Record<string, string>;
  force?: boolean;
}

export interface ImportRowError {
  line: number;
  contactEmail: string;
  code: string;
  message: string;
}

export interface ImportResult {
  enrolled: number;
  errors: ImportRowError[];
  errorCount?: number;
  errorsTruncated?: boolean;
}

export interface OutboxEntry {
  messageId: string;
  to: string;
  subject: string;
  sentAt: string;
  size?: number;
}

export interface OutboxPage {
  messages: OutboxEntry[];
  total: number;
}

export interface OutboxMessage {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  text: string;
  html: string;
  headers: { name: string; value: string }[];
}
