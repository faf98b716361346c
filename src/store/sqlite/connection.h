// A thin RAII layer over one sqlite3 connection: prepared statements cached per connection,
// typed binding and reading, and SQLite failures raised as SqliteError. Those are unexpected
// failures (disk, corruption, a bug), caught at the store's boundary and turned into 500
// storage_error; expected outcomes never travel as exceptions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mailmark::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }  // extended result code
  bool IsConstraint() const;          // any SQLITE_CONSTRAINT_*
  bool IsUniqueViolation() const;     // UNIQUE or PRIMARY KEY
  bool IsForeignKeyViolation() const;

 private:
  int code_;
};

// One use of a cached prepared statement: bind, step, read. Resets the statement and clears
// its bindings when it goes out of scope, so the cache can hand it out again.
class Query {
 public:
  explicit Query(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // Binds the parameters in order (1-based positions).
  template <typename... Args>
  Query& Bind(const Args&... args) {
    int i = 0;
    (BindOne(++i, args), ...);
    return *this;
  }
  // Binds one parameter at a 1-based position, for statements assembled piecewise.
  template <typename T>
  Query& BindAt(int i, const T& v) {
    BindOne(i, v);
    return *this;
  }
  bool Step();  // true when a row is available
  void Run();   // steps to the end, ignoring rows
  std::int64_t Int(int col) const;
  std::string Text(int col) const;
  bool IsNull(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;
  std::optional<std::string> OptText(int col) const;
  Timestamp Time(int col) const { return FromMillis(Int(col)); }
  std::optional<Timestamp> OptTime(int col) const;

 private:
  void BindOne(int i, std::int64_t v);
  void BindOne(int i, int v) { BindOne(i, static_cast<std::int64_t>(v)); }
  void BindOne(int i, std::size_t v) { BindOne(i, static_cast<std::int64_t>(v)); }
  void BindOne(int i, std::string_view v);
  void BindOne(int i, const std::string& v) { BindOne(i, std::string_view(v)); }
  void BindOne(int i, const char* v) { BindOne(i, std::string_view(v)); }
  void BindOne(int i, std::nullptr_t);
  void BindOne(int i, Timestamp v) { BindOne(i, ToMillis(v)); }
  template <typename T>
  void BindOne(int i, const std::optional<T>& v) {
    if (v) {
      BindOne(i, *v);
    } else {
      BindOne(i, nullptr);
    }
  }
  void Check(int rc) const;

  sqlite3_stmt* stmt_;
};

enum class Synchronous { kNormal, kFull };

struct ConnectionOptions {
  Synchronous synchronous = Synchronous::kFull;
  int busy_timeout_ms = 5000;
  bool read_only = false;  // readers: query_only, so a bug cannot write around the writer
  int cache_mib = 8;       // page cache per connection (the writer takes more)
};

class Connection {
 public:
  static std::unique_ptr<Connection> Open(const std::filesystem::path& file,
                                          const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // A cached statement for `sql`; prepared on first use.
  Query Prepare(std::string_view sql);
  // Runs one or more statements without parameters (DDL, BEGIN, PRAGMA).
  void Exec(const std::string& sql);
  std::int64_t Changes() const;
  bool InTransaction() const;  // false once SQLite rolled a transaction back on its own

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  Connection(Key, sqlite3* db) : db_(db) {}  // use Open()

 private:
  sqlite3* db_;
  // Looked up by string_view: a hit costs a hash, never a copy of the statement's text.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

// BEGIN … COMMIT for a consistent snapshot across several reads; rolls back if abandoned.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& conn);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  Connection& conn_;
};

}  // namespace mailmark::sqlite
