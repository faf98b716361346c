#include "chaos/store_census.h"

#include <sqlite3.h>

#include <memory>

namespace mailmark::testing {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

std::string Text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

// Runs `sql`, calling `row` for each result row; false with `error` set on failure.
template <typename Row>
bool Query(sqlite3* db, const std::string& sql, Row&& row, std::string& error) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    error = sql + ": " + sqlite3_errmsg(db);
    return false;
  }
  std::unique_ptr<sqlite3_stmt, Finalize> stmt(raw);
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) row(raw);
  if (rc != SQLITE_DONE) {
    error = sql + ": " + sqlite3_errmsg(db);
    return false;
  }
  return true;
}

}  // namespace

std::optional<StoreCensus> ReadStoreCensus(const std::filesystem::path& db_path,
                                           std::size_t send_steps, std::string& error) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw);
  if (rc != SQLITE_OK) {
    error = "open " + db_path.string() + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory");
    return std::nullopt;
  }
  sqlite3_busy_timeout(raw, 5000);
  StoreCensus census;
  // One read transaction: every figure from the same snapshot.
  if (!Query(
          raw, "BEGIN", [](sqlite3_stmt*) {}, error))
    return std::nullopt;
  bool ok = Query(
                raw, "SELECT COUNT(*), COALESCE(SUM(status = 'completed'), 0) FROM enrollments",
                [&](sqlite3_stmt* s) {
                  census.enrollments = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
                  census.completed = static_cast<std::size_t>(sqlite3_column_int64(s, 1));
                },
                error) &&
            Query(
                raw, "SELECT message_id, state FROM messages",
                [&](sqlite3_stmt* s) { census.message_states[Text(s, 0)] = Text(s, 1); }, error);
  struct Check {
    std::string what, sql;
  };
  const Check checks[] = {
      {"a step sent twice to one enrollment",
       "SELECT enrollment_id || ' ' || step_id || ' x' || COUNT(*) FROM messages "
       "WHERE state = 'sent' GROUP BY enrollment_id, step_id HAVING COUNT(*) > 1"},
      {"an enrollment with more sent messages than steps",
       "SELECT enrollment_id || ' x' || COUNT(*) FROM messages WHERE state = 'sent' "
       "GROUP BY enrollment_id HAVING COUNT(*) > " +
           std::to_string(send_steps)},
      {"an enrollment with two messages in flight",
       "SELECT enrollment_id || ' x' || COUNT(*) FROM messages WHERE state = 'sending' "
       "GROUP BY enrollment_id HAVING COUNT(*) > 1"},
      {"a contact enrolled twice in one sequence",
       "SELECT contact_email || ' x' || COUNT(*) FROM enrollments "
       "GROUP BY sequence_id, contact_email HAVING COUNT(*) > 1"},
  };
  for (const Check& check : checks) {
    if (!ok) break;
    ok = Query(
        raw, check.sql,
        [&](sqlite3_stmt* s) {
          if (census.broken.size() < 20) census.broken.push_back(check.what + ": " + Text(s, 0));
        },
        error);
  }
  Query(
      raw, "COMMIT", [](sqlite3_stmt*) {}, error);
  if (!ok) return std::nullopt;
  return census;
}

}  // namespace mailmark::testing
