#include "store/sqlite/sealed_secrets.h"

#include <optional>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/sqlite/codec.h"

namespace mailmark::sqlite {
namespace {

// A `secrets` row no caller of GetOrCreateSecret can ask for (their names have no dot).
constexpr std::string_view kCheckName = "mailmark.key_check";
constexpr std::string_view kCheckText = "mailmark secret key check v1";

// Rewriting the whole file after sealing costs a moment on a small database (the usual one:
// mailboxes and secrets are a few pages) and needs its size again in memory and on disk;
// past this size the operator is told to run VACUUM instead.
constexpr std::int64_t kVacuumAtMostBytes = 128LL << 20;

std::optional<std::string> KeyCheck(Connection& c) {
  auto q = c.Prepare("SELECT value FROM secrets WHERE name = ?");
  q.Bind(kCheckName);
  if (!q.Step()) return std::nullopt;
  return q.Text(0);
}

// One value sealed under some key, if the database holds any.
std::optional<std::string> AnySealed(Connection& c) {
  auto q = c.Prepare("SELECT value FROM secrets WHERE value LIKE 'sb1:%' AND name <> ? LIMIT 1");
  q.Bind(kCheckName);
  if (q.Step()) return q.Text(0);
  // LIKE only narrows the rows down: a clear password may contain those words.
  auto m = c.Prepare(
      "SELECT smtp, imap FROM mailboxes "
      "WHERE smtp LIKE '%\"sealedPassword\"%' OR imap LIKE '%\"sealedPassword\"%'");
  while (m.Step())
    for (int col : {0, 1})
      if (auto json = m.OptText(col))
        if (auto sealed = StoredSealedPassword(*json)) return sealed;
  return std::nullopt;
}

void CheckKey(Connection& c, const SecretBox* key, const std::string& key_source,
              const std::filesystem::path& db) {
  std::optional<std::string> check = KeyCheck(c);
  if (!key) {
    if (check || AnySealed(c))
      throw SealingKeyRefused(db.string() +
                              " holds secrets sealed with a secret key, and none was given");
    return;
  }
  // Without a check (a database sealed before one was written, or its row deleted by hand)
  // any sealed value tells whether the key is the right one.
  std::optional<std::string> probe = check ? check : AnySealed(c);
  if (!probe) return;
  auto opened = key->Open(*probe);
  if (!opened || (check && *opened != kCheckText))
    throw SealingKeyRefused(db.string() +
                            " holds secrets sealed with another key than the one in " + key_source +
                            "; start it with the key file it was sealed with (it is never "
                            "replaced by a new one)");
}

// Seals what is still in clear; returns how many values it sealed.
int SealClearValues(Connection& c, const SecretBox& key) {
  int sealed = 0;
  std::vector<std::pair<std::string, std::string>> secrets;
  {
    auto q =
        c.Prepare("SELECT name, value FROM secrets WHERE value NOT LIKE 'sb1:%' AND name <> ?");
    q.Bind(kCheckName);
    while (q.Step()) secrets.emplace_back(q.Text(0), q.Text(1));
  }
  for (const auto& [name, value] : secrets) {
    c.Prepare("UPDATE secrets SET value = ? WHERE name = ?").Bind(key.Seal(value), name).Run();
    ++sealed;
  }
  struct Row {
    std::string id;
    std::optional<std::string> smtp, imap;
  };
  std::vector<Row> rows;
  {
    auto q = c.Prepare(
        "SELECT id, smtp, imap FROM mailboxes "
        "WHERE smtp LIKE '%\"password\"%' OR imap LIKE '%\"password\"%'");
    while (q.Step()) rows.push_back(Row{q.Text(0), q.OptText(1), q.OptText(2)});
  }
  for (const Row& row : rows) {
    std::optional<std::string> smtp = row.smtp ? SealStoredPassword(*row.smtp, key) : std::nullopt;
    std::optional<std::string> imap = row.imap ? SealStoredPassword(*row.imap, key) : std::nullopt;
    if (!smtp && !imap) continue;
    c.Prepare(
         "UPDATE mailboxes SET smtp = COALESCE(?, smtp), imap = COALESCE(?, imap) WHERE id = ?")
        .Bind(smtp, imap, row.id)
        .Run();
    sealed += (smtp ? 1 : 0) + (imap ? 1 : 0);
  }
  return sealed;
}

std::int64_t PragmaInt(Connection& c, const char* pragma) {
  auto q = c.Prepare(std::string("PRAGMA ") + pragma);
  return q.Step() ? q.Int(0) : 0;
}

// The clear values just replaced may live on in the file: in free space of their pages, in
// freed pages and in WAL frames. VACUUM rewrites every page, the TRUNCATE checkpoint empties
// the WAL.
void ScrubClearCopies(Connection& c, const std::filesystem::path& db) {
  std::int64_t bytes = PragmaInt(c, "page_count") * PragmaInt(c, "page_size");
  try {
    if (bytes <= kVacuumAtMostBytes)
      c.Exec("VACUUM");
    else
      spdlog::warn(
          "sqlite store: passwords sealed; copies of them in clear may remain in free space of "
          "{} until it is compacted: stop mailmark and run sqlite3 {} VACUUM",
          db.string(), db.string());
    c.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SqliteError& e) {
    spdlog::warn("sqlite store: cannot compact {} after sealing its secrets ({}); run VACUUM on it",
                 db.string(), e.what());
  }
}

}  // namespace

void SealStoredSecrets(Connection& conn, const SecretBox* key, const std::string& key_source,
                       const std::filesystem::path& db) {
  int sealed = 0;
  const std::string secure_delete =
      "PRAGMA secure_delete = " + std::to_string(PragmaInt(conn, "secure_delete"));
  conn.Exec("BEGIN IMMEDIATE");
  try {
    CheckKey(conn, key, key_source, db);
    if (key) {
      // Freed cells are zeroed while the clear values are replaced (Debian's SQLite does so
      // anyway; others may not).
      conn.Exec("PRAGMA secure_delete = ON");
      sealed = SealClearValues(conn, *key);
      conn.Exec(secure_delete);
      if (!KeyCheck(conn))
        conn.Prepare(
                "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, "
                "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))")
            .Bind(kCheckName, key->Seal(kCheckText))
            .Run();
    }
    conn.Exec("COMMIT");
  } catch (...) {
    if (conn.InTransaction()) conn.Exec("ROLLBACK");
    conn.Exec(secure_delete);
    throw;
  }
  if (sealed > 0) {
    spdlog::info("sqlite store: sealed {} passwords and secrets stored in clear in {}", sealed,
                 db.string());
    ScrubClearCopies(conn, db);
  }
}

std::string SealSecretValue(const std::string& value, const SecretBox* key) {
  return key ? key->Seal(value) : value;
}

std::string OpenSecretValue(const std::string& stored, const SecretBox* key) {
  if (!SecretBox::IsSealed(stored)) return stored;
  if (!key) throw SqliteError(0, "secrets: a value is sealed and no secret key was given");
  auto plain = key->Open(stored);
  if (!plain) throw SqliteError(0, "secrets: a value does not open with the secret key");
  return *plain;
}

}  // namespace mailmark::sqlite
