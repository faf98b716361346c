#include "store/sqlite/migrations.h"

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>

namespace mailmark::sqlite {
namespace {

// Append only: a released migration is never edited, a change is a new entry.
// Ownership runs users → mailboxes → sequences → enrollments → messages/history, with
// ON DELETE CASCADE down the chain. Timestamps are INTEGER milliseconds since the epoch.
constexpr std::array kMigrations = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE credentials (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('api', 'session')),
  expires_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX credentials_user ON credentials(user_id);

-- smtp/imap hold JSON, passwords included in clear for now: encrypt them at rest later.
CREATE TABLE mailboxes (
  id          TEXT PRIMARY KEY,
  owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  from_name   TEXT NOT NULL,
  from_email  TEXT NOT NULL,
  transport   TEXT NOT NULL CHECK (transport IN ('outbox', 'smtp')),
  smtp        TEXT,
  imap        TEXT,
  daily_limit INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX mailboxes_owner ON mailboxes(owner_id, created_at);

-- steps: JSON array of {id, type, subject, html, text?, delayMs}; step ids are stable.
CREATE TABLE sequences (
  id         TEXT PRIMARY KEY,
  mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed')),
  steps      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX sequences_mailbox ON sequences(mailbox_id, created_at);
CREATE INDEX sequences_status ON sequences(status);

-- pk: insertion order, the tie-breaker after created_at (listing, "latest enrollment").
CREATE TABLE enrollments (
  pk            INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  sequence_id   TEXT NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
  contact_email TEXT NOT NULL,
  merge_fields  TEXT NOT NULL DEFAULT '{}',
  status        TEXT NOT NULL
                CHECK (status IN ('active', 'completed', 'replied', 'cancelled', 'bounced')),
  status_reason TEXT NOT NULL DEFAULT '',
  last_step_id  TEXT,
  next_run_at   INTEGER,
  lease_owner   TEXT,
  lease_until   INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  CHECK ((status = 'active') = (next_run_at IS NOT NULL)),
  CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
-- SPEC: a contact is active in a sequence only once.
CREATE UNIQUE INDEX enrollments_one_active
  ON enrollments(sequence_id, contact_email) WHERE status = 'active';
-- The contact's latest enrollment in a sequence.
CREATE INDEX enrollments_contact ON enrollments(sequence_id, contact_email, created_at);
-- Listing (keyset on created_at, pk), with and without a status filter; counting.
CREATE INDEX enrollments_list ON enrollments(sequence_id, created_at);
CREATE INDEX enrollments_list_status ON enrollments(sequence_id, status, created_at);
-- Scheduler: due and unleased, per sequence so paused sequences cost nothing to skip.
CREATE INDEX enrollments_due
  ON enrollments(sequence_id, next_run_at) WHERE status = 'active' AND lease_owner IS NULL;
-- Scheduler: leases (few rows at any time).
CREATE INDEX enrollments_lease_until
  ON enrollments(lease_until) WHERE lease_owner IS NOT NULL;
CREATE INDEX enrollments_lease_owner
  ON enrollments(lease_owner) WHERE lease_owner IS NOT NULL;
-- Step edits: move active enrollments off a removed step.
CREATE INDEX enrollments_step
  ON enrollments(sequence_id, last_step_id) WHERE status = 'active';

CREATE TABLE messages (
  pk            INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
  step_id       TEXT NOT NULL,
  message_id    TEXT NOT NULL UNIQUE,
  subject       TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  response      TEXT NOT NULL DEFAULT '',
  attempts      INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  sent_at       INTEGER
);
CREATE INDEX messages_enrollment ON messages(enrollment_id);

CREATE TABLE enrollment_events (
  pk            INTEGER PRIMARY KEY,
  enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
  at            INTEGER NOT NULL,
  status        TEXT NOT NULL,
  cause         TEXT NOT NULL
);
CREATE INDEX enrollment_events_enrollment ON enrollment_events(enrollment_id);

CREATE TABLE suppressions (
  owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  email      TEXT NOT NULL,
  reason     TEXT NOT NULL CHECK (reason IN ('bounced', 'unsubscribed')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (owner_id, email)
) WITHOUT ROWID;
)sql",
    // 2: named server secrets (the unsubscribe links' HMAC key), shared by every node.
    R"sql(
CREATE TABLE secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,  -- lower-case hex
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: an unsubscribe stops every active enrollment of the address, in any sequence.
    R"sql(
CREATE INDEX enrollments_active_email ON enrollments(contact_email) WHERE status = 'active';
)sql",
    // 4: inbound mail: each mailbox's IMAP cursor and connection status.
    R"sql(
CREATE TABLE imap_cursors (
  mailbox_id   TEXT PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid_validity INTEGER NOT NULL,
  last_uid     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE imap_status (
  mailbox_id TEXT PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
  connected  INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  at         INTEGER NOT NULL
) WITHOUT ROWID;
-- Matching a reply without threading headers: a contact's enrollments, any status.
CREATE INDEX enrollments_email ON enrollments(contact_email);
)sql",
    // 5: an out-of-office reply with a return date pauses its enrollment until then.
    R"sql(
ALTER TABLE enrollments ADD COLUMN paused_until INTEGER;
)sql",
    // 6: sending like a person: mailbox limits and pauses, sequence windows and rotation.
    R"sql(
ALTER TABLE mailboxes ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE mailboxes ADD COLUMN send_gap_min_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailboxes ADD COLUMN send_gap_max_ms INTEGER NOT NULL DEFAULT 0;
-- NULL: bounce protection off.
ALTER TABLE mailboxes ADD COLUMN bounce_max_percent INTEGER DEFAULT 10;
ALTER TABLE mailboxes ADD COLUMN bounce_over_last INTEGER DEFAULT 50;
ALTER TABLE mailboxes ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
  CHECK (status IN ('active', 'paused'));
ALTER TABLE mailboxes ADD COLUMN paused_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE mailboxes ADD COLUMN paused_at INTEGER;
ALTER TABLE mailboxes ADD COLUMN paused_bounced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailboxes ADD COLUMN paused_sends INTEGER NOT NULL DEFAULT 0;
-- Bounce protection counts only messages after this one (messages.pk): a resume judges afresh,
-- and so does this upgrade, so old failures cannot pause a mailbox the moment it starts.
ALTER TABLE mailboxes ADD COLUMN judged_after_pk INTEGER NOT NULL DEFAULT 0;
-- The earliest moment the mailbox may hand its next email over: the end of its day once the
-- daily limit is reached, or the end of a send gap. Decided in the database, so every node
-- sharing it keeps the same limit.
ALTER TABLE mailboxes ADD COLUMN send_after INTEGER NOT NULL DEFAULT 0;

-- Emails handed to a transport per mailbox and local calendar day ("2026-03-08").
CREATE TABLE mailbox_days (
  mailbox_id TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  day        TEXT NOT NULL,
  sends      INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, day)
) WITHOUT ROWID;

-- schedule: JSON {timezone, days, from, to, useContactTimezone} or NULL (any time).
-- rotation: JSON array of mailbox ids; rotation_next: whose turn the next enrollment is.
ALTER TABLE sequences ADD COLUMN schedule TEXT;
ALTER TABLE sequences ADD COLUMN rotation TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sequences ADD COLUMN rotation_next INTEGER NOT NULL DEFAULT 0;

-- The mailbox an enrollment sends from, pinned for its whole thread; its contact's zone (a
-- valid merge field `timezone`, normalised); due_at: when its next step falls due by the
-- calendar, before the sending window moved it to next_run_at.
ALTER TABLE enrollments ADD COLUMN mailbox_id TEXT REFERENCES mailboxes(id) ON DELETE SET NULL;
ALTER TABLE enrollments ADD COLUMN contact_timezone TEXT;
ALTER TABLE enrollments ADD COLUMN due_at INTEGER;
UPDATE enrollments
  SET mailbox_id = (SELECT s.mailbox_id FROM sequences s WHERE s.id = enrollments.sequence_id);

-- A lane is one sequence's work on one mailbox: due work is found per lane, so a mailbox
-- that is full, paused or between sends costs nothing to skip, however much waits on it.
CREATE TABLE sending_lanes (
  sequence_id TEXT NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
  mailbox_id  TEXT NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  -- A lane whose sending window (one zone for every contact) is closed waits for its opening.
  open_after  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sequence_id, mailbox_id)
) WITHOUT ROWID;
INSERT INTO sending_lanes (sequence_id, mailbox_id) SELECT id, mailbox_id FROM sequences;
DROP INDEX enrollments_due;
CREATE INDEX enrollments_due ON enrollments(sequence_id, mailbox_id, next_run_at)
  WHERE status = 'active' AND lease_owner IS NULL;
-- A mailbox's lanes (rotation's room, deleting a mailbox): no index of enrollments by
-- mailbox, which every outcome would have to keep up to date.
CREATE INDEX sending_lanes_mailbox ON sending_lanes(mailbox_id);

-- Bounce protection reads a mailbox's latest sends.
ALTER TABLE messages ADD COLUMN mailbox_id TEXT;
ALTER TABLE messages ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET mailbox_id =
  (SELECT e.mailbox_id FROM enrollments e WHERE e.id = messages.enrollment_id);
UPDATE messages SET bounced = 1
  WHERE state = 'failed' AND substr(response, 1, 9) <> 'withdrawn';
CREATE INDEX messages_mailbox ON messages(mailbox_id, pk);
UPDATE mailboxes SET judged_after_pk = (SELECT COALESCE(MAX(pk), 0) FROM messages);
)sql",
};

int CurrentVersion(Connection& conn) {
  auto q = conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q.Step();
  return static_cast<int>(q.Int(0));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

int Migrate(Connection& conn) { return MigrateTo(conn, LatestSchemaVersion()); }

int MigrateTo(Connection& conn, int target) {
  conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  int version = CurrentVersion(conn);
  if (version > LatestSchemaVersion())
    throw SqliteError(0, "database schema version " + std::to_string(version) +
                             " is newer than this program's " +
                             std::to_string(LatestSchemaVersion()));
  for (int next = version + 1; next <= std::min(target, LatestSchemaVersion()); ++next) {
    conn.Exec("BEGIN IMMEDIATE");
    try {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (CurrentVersion(conn) < next) {
        conn.Exec(kMigrations[static_cast<std::size_t>(next - 1)]);
        conn.Prepare(
                "INSERT INTO schema_version (version, applied_at) "
                "VALUES (?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))")
            .Bind(next)
            .Run();
        spdlog::info("sqlite store: applied schema migration {}", next);
      }
      conn.Exec("COMMIT");
    } catch (...) {
      if (conn.InTransaction()) conn.Exec("ROLLBACK");
      throw;
    }
  }
  return CurrentVersion(conn);
}

}  // namespace mailmark::sqlite
