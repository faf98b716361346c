#include "store/sqlite/migrations.h"

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
};

int CurrentVersion(Connection& conn) {
  auto q = conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q.Step();
  return static_cast<int>(q.Int(0));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

int Migrate(Connection& conn) {
  conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  int version = CurrentVersion(conn);
  if (version > LatestSchemaVersion())
    throw SqliteError(0, "database schema version " + std::to_string(version) +
                             " is newer than this program's " +
                             std::to_string(LatestSchemaVersion()));
  for (int next = version + 1; next <= LatestSchemaVersion(); ++next) {
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
