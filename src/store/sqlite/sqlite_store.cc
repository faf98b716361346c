// Opening the store; users, credentials and mailboxes.
#include "store/sqlite/sqlite_store.h"

#include "core/ids.h"
#include "core/send_window.h"
#include "core/time_zone.h"
#include "store/sqlite/codec.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sealed_secrets.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/store_ops.h"

namespace mailmark {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& db_file,
                                               const SqliteStoreOptions& options) {
  try {
    return std::unique_ptr<Store>(std::make_unique<sqlite::SqliteStore>(db_file, options));
  } catch (const sqlite::SealingKeyRefused& e) {
    return MakeError(ErrorKind::kConflict, "secret_key_mismatch", e.what());
  } catch (const std::exception& e) {
    return sqlite::LogStorageFailure("open " + db_file.string(), e);
  }
}

namespace sqlite {
namespace {

ConnectionOptions ConnectionOptionsOf(const SqliteStoreOptions& o) {
  ConnectionOptions c;
  c.synchronous = o.full_sync ? Synchronous::kFull : Synchronous::kNormal;
  c.busy_timeout_ms = o.busy_timeout_ms;
  return c;
}

std::unique_ptr<Connection> OpenWriter(const std::filesystem::path& file,
                                       const SqliteStoreOptions& options) {
  ConnectionOptions writer = ConnectionOptionsOf(options);
  writer.cache_mib = 64;  // the writer touches every index of every insert
  auto conn = Connection::Open(file, writer);
  {
    auto mode = conn->Prepare("PRAGMA journal_mode = WAL");
    if (!mode.Step() || mode.Text(0) != "wal")
      throw SqliteError(0, "cannot switch " + file.string() + " to WAL mode");
  }
  // A commit of one scheduler batch rewrites a few hundred pages, most of them the same index
  // pages every time (random ids spread each batch over every leaf). SQLite's default
  // checkpoint after 1,000 WAL pages ran after nearly every commit and copied those pages back
  // into the database each time; at 10,000 pages (about 40 MiB of WAL) each is copied once per
  // ten or so commits. Durability is unchanged: a commit is durable once its WAL frames are
  // synced; the checkpoint only moves them.
  conn->Exec("PRAGMA wal_autocheckpoint = 10000");
  Migrate(*conn);
  SealStoredSecrets(*conn, options.sealing_key ? &*options.sealing_key : nullptr,
                    options.sealing_key_source, file);
  return conn;
}

Error NotFound(std::string code, std::string what) {
  return MakeError(ErrorKind::kNotFound, std::move(code), std::move(what) + " not found.");
}

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& file, const SqliteStoreOptions& options)
    : sealing_key_(options.sealing_key),
      readers_(file, ConnectionOptionsOf(options), options.max_idle_readers),
      writer_(std::make_unique<WriteQueue>(OpenWriter(file, options))) {}

SqliteStore::~SqliteStore() = default;

// ---- users and credentials --------------------------------------------------------------------

Result<User> SqliteStore::CreateUser(const std::string& name, const std::string& password_hash,
                                     Timestamp now) {
  return Write<User>([&](Connection& c) -> Result<User> {
    User user{NewId("usr"), name, password_hash, now};
    try {
      c.Prepare("INSERT INTO users (id, name, password_hash, created_at) VALUES (?, ?, ?, ?)")
          .Bind(user.id, user.name, user.password_hash, now)
          .Run();
    } catch (const SqliteError& e) {
      if (!e.IsUniqueViolation()) throw;
      return MakeError(ErrorKind::kConflict, "user_exists",
                       "A user named \"" + name + "\" already exists.");
    }
    return user;
  });
}

std::optional<User> SqliteStore::FindUserByName(std::string_view name) {
  return Read("find user", std::optional<User>{}, [&](Connection& c) -> std::optional<User> {
    auto q = c.Prepare(std::string(kSelectUser) + " WHERE u.name = ?");
    q.Bind(name);
    if (!q.Step()) return std::nullopt;
    return ReadUser(q);
  });
}

std::optional<User> SqliteStore::FindUserById(const Id& id) {
  return Read("find user", std::optional<User>{}, [&](Connection& c) { return FindUser(c, id); });
}

std::int64_t SqliteStore::CountUsers() {
  return Read("count users", std::int64_t{0}, [](Connection& c) {
    auto q = c.Prepare("SELECT COUNT(*) FROM users");
    q.Step();
    return q.Int(0);
  });
}

Status SqliteStore::AddCredential(const Id& user_id, const std::string& token_hash,
                                  std::string_view kind, std::optional<Timestamp> expires_at,
                                  Timestamp now) {
  if (kind != "api" && kind != "session")
    return MakeError(ErrorKind::kBadRequest, "invalid_credential_kind",
                     "A credential is of kind \"api\" or \"session\".");
  return Write<Ok>([&](Connection& c) -> Status {
    try {
      c.Prepare(
           "INSERT INTO credentials (token_hash, user_id, kind, expires_at, created_at) "
           "VALUES (?, ?, ?, ?, ?)")
          .Bind(token_hash, user_id, kind, expires_at, now)
          .Run();
    } catch (const SqliteError& e) {
      if (e.IsForeignKeyViolation()) return NotFound("user_not_found", "User");
      if (!e.IsUniqueViolation()) throw;
      return MakeError(ErrorKind::kConflict, "credential_exists",
                       "This credential is already registered.");
    }
    return Ok{};
  });
}

std::optional<User> SqliteStore::FindUserByCredential(const std::string& token_hash,
                                                      Timestamp now) {
  return Read("find credential", std::optional<User>{}, [&](Connection& c) -> std::optional<User> {
    auto q = c.Prepare(std::string(kSelectUser) +
                       " JOIN credentials k ON k.user_id = u.id "
                       "WHERE k.token_hash = ? "
                       "AND (k.expires_at IS NULL OR k.expires_at > ?)");
    q.Bind(token_hash, now);
    if (!q.Step()) return std::nullopt;
    return ReadUser(q);
  });
}

Status SqliteStore::DeleteCredential(const std::string& token_hash) {
  // Idempotent: signing out twice is not an error.
  return Write<Ok>([&](Connection& c) -> Status {
    c.Prepare("DELETE FROM credentials WHERE token_hash = ?").Bind(token_hash).Run();
    return Ok{};
  });
}

// ---- mailboxes --------------------------------------------------------------------------------

namespace {
// A mailbox moved to another zone may be on another date there already: what it sent today
// still counts on its new today, so a zone change never buys a second day's limit.
void CarryDayCount(Connection& c, const Mailbox& before, const std::string& zone_name,
                   Timestamp now) {
  auto old_zone = TimeZone::Parse(before.timezone);
  auto new_zone = TimeZone::Parse(zone_name);
  const LocalDay old_day = DayOf(old_zone ? *old_zone : TimeZone::Utc(), now);
  const LocalDay new_day = DayOf(new_zone ? *new_zone : TimeZone::Utc(), now);
  if (old_day.key == new_day.key) return;
  c.Prepare(
       "INSERT INTO mailbox_days (mailbox_id, day, sends) "
       "SELECT mailbox_id, ?3, sends FROM mailbox_days WHERE mailbox_id = ?1 AND day = ?2 "
       "ON CONFLICT (mailbox_id, day) DO UPDATE SET sends = MAX(sends, excluded.sends)")
      .Bind(before.id, old_day.key, new_day.key)
      .Run();
}

std::optional<std::int64_t> BouncePercent(const Mailbox& m) {
  if (!m.bounce_protection) return std::nullopt;
  return m.bounce_protection->max_percent;
}
std::optional<std::int64_t> BounceOverLast(const Mailbox& m) {
  if (!m.bounce_protection) return std::nullopt;
  return m.bounce_protection->over_last;
}
}  // namespace

Result<Mailbox> SqliteStore::CreateMailbox(const Mailbox& mailbox) {
  return Write<Mailbox>([&](Connection& c) -> Result<Mailbox> {
    Mailbox m = mailbox;
    if (m.id.empty()) m.id = NewId("mbx");
    try {
      c.Prepare(
           "INSERT INTO mailboxes (id, owner_id, name, from_name, from_email, transport, smtp, "
           "imap, daily_limit, created_at, updated_at, timezone, send_gap_min_ms, "
           "send_gap_max_ms, bounce_max_percent, bounce_over_last) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(m.id, m.owner_id, m.name, m.from_name, m.from_email, ToString(m.transport),
                SmtpToJson(m.smtp), ImapToJson(m.imap), m.daily_limit, m.created_at, m.updated_at,
                m.timezone, m.send_gap.min_ms, m.send_gap.max_ms, BouncePercent(m),
                BounceOverLast(m))
          .Run();
    } catch (const SqliteError& e) {
      if (e.IsForeignKeyViolation()) return NotFound("user_not_found", "User");
      if (!e.IsUniqueViolation()) throw;
      return MakeError(ErrorKind::kConflict, "mailbox_exists", "This mailbox id is taken.");
    }
    return m;
  });
}

std::optional<Mailbox> SqliteStore::GetMailbox(const Id& id) {
  return Read("get mailbox", std::optional<Mailbox>{},
              [&](Connection& c) { return FindMailbox(c, id); });
}

std::vector<Mailbox> SqliteStore::ListMailboxes(const Id& owner_id) {
  return Read("list mailboxes", std::vector<Mailbox>{}, [&](Connection& c) {
    auto q =
        c.Prepare(std::string(kSelectMailbox) + " WHERE owner_id = ? ORDER BY created_at, rowid");
    q.Bind(owner_id);
    std::vector<Mailbox> out;
    while (q.Step()) out.push_back(ReadMailbox(q));
    return out;
  });
}

Result<Mailbox> SqliteStore::UpdateMailbox(const Mailbox& m) {
  return Write<Mailbox>([&](Connection& c) -> Result<Mailbox> {
    auto current = FindMailbox(c, m.id);
    if (!current) return NotFound("mailbox_not_found", "Mailbox");
    // The owner and creation time never change; status changes only by pause and resume.
    c.Prepare(
         "UPDATE mailboxes SET name = ?, from_name = ?, from_email = ?, transport = ?, smtp = ?, "
         "imap = ?, daily_limit = ?, updated_at = ?, timezone = ?, send_gap_min_ms = ?, "
         "send_gap_max_ms = ?, bounce_max_percent = ?, bounce_over_last = ? WHERE id = ?")
        .Bind(m.name, m.from_name, m.from_email, ToString(m.transport), SmtpToJson(m.smtp),
              ImapToJson(m.imap), m.daily_limit, m.updated_at, m.timezone, m.send_gap.min_ms,
              m.send_gap.max_ms, BouncePercent(m), BounceOverLast(m), m.id)
        .Run();
    if (current->timezone != m.timezone) CarryDayCount(c, *current, m.timezone, m.updated_at);
    // A changed limit, gap or zone applies at once: the next claim works out when the mailbox
    // may send again. A send in flight keeps it closed until its outcome (a gap is one at a
    // time), so only a hold that has nothing in flight is lifted.
    if (current->daily_limit != m.daily_limit || current->send_gap != m.send_gap ||
        current->timezone != m.timezone)
      c.Prepare(
           "UPDATE mailboxes SET send_after = 0 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
           "enrollments e INDEXED BY enrollments_lease_until WHERE e.lease_owner IS NOT NULL "
           "AND e.lease_until > ?2 AND e.mailbox_id = ?1)")
          .Bind(m.id, m.updated_at)
          .Run();
    return *FindMailbox(c, m.id);
  });
}

Status SqliteStore::DeleteMailbox(const Id& id) {
  return Write<Ok>([&](Connection& c) -> Status {
    if (!FindMailbox(c, id)) return NotFound("mailbox_not_found", "Mailbox");
    // Its own sequences' contacts, and contacts of other sequences that rotation pinned to it.
    auto busy = c.Prepare(
        "SELECT 1 FROM sequences s WHERE s.mailbox_id = ?1 AND EXISTS (SELECT 1 FROM "
        "enrollments e WHERE e.sequence_id = s.id AND e.status = 'active') "
        "UNION ALL SELECT 1 FROM sending_lanes l INDEXED BY sending_lanes_mailbox "
        "WHERE l.mailbox_id = ?1 AND EXISTS (SELECT 1 FROM enrollments e INDEXED BY "
        "enrollments_step WHERE e.sequence_id = l.sequence_id AND e.status = 'active' "
        "AND e.mailbox_id = ?1) LIMIT 1");
    busy.Bind(id);
    if (busy.Step())
      return MakeError(ErrorKind::kConflict, "mailbox_in_use",
                       "This mailbox still has contacts active in its sequences: cancel them or "
                       "complete its sequences first.");
    // Sequences, enrollments, messages and history follow by ON DELETE CASCADE; other
    // sequences' rotations forget it.
    std::vector<std::pair<Id, std::vector<Id>>> rotations;
    {
      auto q = c.Prepare("SELECT id, rotation FROM sequences WHERE instr(rotation, ?) > 0");
      q.Bind("\"" + id + "\"");
      while (q.Step()) rotations.emplace_back(q.Text(0), IdsFromJson(q.Text(1)));
    }
    for (auto& [sequence, members] : rotations) {
      std::erase(members, id);
      c.Prepare("UPDATE sequences SET rotation = ? WHERE id = ?")
          .Bind(IdsToJson(members), sequence)
          .Run();
    }
    c.Prepare("DELETE FROM mailboxes WHERE id = ?").Bind(id).Run();
    return Ok{};
  });
}

}  // namespace sqlite
}  // namespace mailmark
