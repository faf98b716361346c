#include "store/sqlite/connection.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>

#include <fmt/format.h>

namespace mailmark::sqlite {
namespace {

[[noreturn]] void Throw(sqlite3* db, int rc, std::string_view context) {
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int code = db ? sqlite3_extended_errcode(db) : rc;
  throw SqliteError(code, fmt::format("{}: {} (code {})", context, msg, code));
}

// The database holds mailbox settings and contact lists: only its owner may read it. SQLite
// creates a new database file 0644 (less the umask) and gives its WAL, shared-memory and
// journal files the database file's mode, so the file is made 0600 before SQLite sees it, and
// files an older release left readable are tightened.
void KeepPrivate(const std::filesystem::path& file) {
  if (file.empty() || file == ":memory:") return;
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::string name = file.string() + suffix;
    struct stat st {};
    if (::stat(name.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
      ::chmod(name.c_str(), st.st_mode & 0600);
  }
}

}  // namespace

bool SqliteError::IsConstraint() const { return (code_ & 0xff) == SQLITE_CONSTRAINT; }
bool SqliteError::IsUniqueViolation() const {
  return code_ == SQLITE_CONSTRAINT_UNIQUE || code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
}
bool SqliteError::IsForeignKeyViolation() const { return code_ == SQLITE_CONSTRAINT_FOREIGNKEY; }

// ---- Query ------------------------------------------------------------------------------------

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Query::Check(int rc) const {
  if (rc != SQLITE_OK) Throw(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

void Query::BindOne(int i, std::int64_t v) { Check(sqlite3_bind_int64(stmt_, i, v)); }
void Query::BindOne(int i, std::string_view v) {
  Check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}
void Query::BindOne(int i, std::nullptr_t) { Check(sqlite3_bind_null(stmt_, i)); }

bool Query::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Throw(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

void Query::Run() {
  while (Step()) {
  }
}

std::int64_t Query::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
bool Query::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string Query::Text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::int64_t> Query::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::optional<std::string> Query::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

std::optional<Timestamp> Query::OptTime(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Time(col);
}

// ---- Connection -------------------------------------------------------------------------------

std::unique_ptr<Connection> Connection::Open(const std::filesystem::path& file,
                                             const ConnectionOptions& options) {
  // SQLite's memory statistics, which this program never reads, take one process-wide mutex
  // on every allocation: the writer and the senders' StillSendable reads all contended for it.
  // Only possible before SQLite initialises; if something else in the process initialised it
  // first, the call fails and nothing changes.
  static std::once_flag no_memstatus;
  std::call_once(no_memstatus, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is only ever used by one thread at a time (writer, or a pooled
  // reader checked out by one caller).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  KeepPrivate(file);
  int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw SqliteError(rc, fmt::format("cannot open {}: {}", file.string(), msg));
  }
  auto conn = std::make_unique<Connection>(Key{}, db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  conn->Exec("PRAGMA foreign_keys = ON");
  conn->Exec(options.synchronous == Synchronous::kFull ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL");
  conn->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_mib * 1024));
  conn->Exec("PRAGMA temp_store = MEMORY");
  if (options.read_only) conn->Exec("PRAGMA query_only = ON");
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Query Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Query(it->second);
  std::string key(sql);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) Throw(db_, rc, key);
  cache_.emplace(std::move(key), stmt);
  return Query(stmt);
}

void Connection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(sqlite3_extended_errcode(db_), fmt::format("{}: {}", sql.substr(0, 80), msg));
  }
}

std::int64_t Connection::Changes() const { return sqlite3_changes64(db_); }
bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- ReadTransaction --------------------------------------------------------------------------

ReadTransaction::ReadTransaction(Connection& conn) : conn_(conn) { conn_.Exec("BEGIN"); }

ReadTransaction::~ReadTransaction() {
  if (!conn_.InTransaction()) return;
  try {
    conn_.Exec("COMMIT");
  } catch (const SqliteError&) {
    try {
      conn_.Exec("ROLLBACK");
    } catch (const SqliteError&) {
      // Nothing more to do: the connection closes the transaction when it is destroyed.
    }
  }
}

}  // namespace mailmark::sqlite
