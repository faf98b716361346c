#include "store/sqlite/store_ops.h"

#include "core/email_address.h"
#include "store/sqlite/rows.h"

namespace mailmark::sqlite {
namespace {

template <typename T, typename Reader>
std::optional<T> One(Connection& conn, const std::string& sql, const Id& id, Reader read) {
  auto q = conn.Prepare(sql);
  q.Bind(id);
  if (!q.Step()) return std::nullopt;
  return read(q);
}

}  // namespace

std::optional<User> FindUser(Connection& conn, const Id& id) {
  return One<User>(conn, std::string(kSelectUser) + " WHERE u.id = ?", id, ReadUser);
}

std::optional<Mailbox> FindMailbox(Connection& conn, const Id& id) {
  return One<Mailbox>(conn, std::string(kSelectMailbox) + " WHERE id = ?", id, ReadMailbox);
}

// The statements below run once or more per email: their text is built once.
std::optional<Sequence> FindSequence(Connection& conn, const Id& id) {
  static const std::string kSql = std::string(kSelectSequence) + " WHERE s.id = ?";
  return One<Sequence>(conn, kSql, id, ReadSequence);
}

std::optional<Enrollment> FindEnrollment(Connection& conn, const Id& id) {
  static const std::string kSql = std::string(kSelectEnrollment) + " WHERE e.id = ?";
  return One<Enrollment>(conn, kSql, id, ReadEnrollment);
}

std::vector<Message> MessagesOf(Connection& conn, const Id& enrollment_id) {
  static const std::string kSql =
      std::string(kSelectMessage) + " WHERE enrollment_id = ? ORDER BY pk";
  auto q = conn.Prepare(kSql);
  q.Bind(enrollment_id);
  std::vector<Message> out;
  while (q.Step()) out.push_back(ReadMessage(q));
  return out;
}

void AppendEvent(Connection& conn, const Id& enrollment_id, Timestamp at, std::string_view status,
                 std::string_view cause) {
  conn.Prepare(
          "INSERT INTO enrollment_events (enrollment_id, at, status, cause) VALUES (?, ?, ?, ?)")
      .Bind(enrollment_id, at, status, cause)
      .Run();
}

void UpsertSuppression(Connection& conn, const Id& owner_id, const std::string& email,
                       SuppressionReason reason, Timestamp now) {
  conn.Prepare(
          "INSERT INTO suppressions (owner_id, email, reason, created_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (owner_id, email) DO UPDATE SET reason = excluded.reason "
          "WHERE excluded.reason = 'unsubscribed'")
      .Bind(owner_id, NormalizeEmail(email), ToString(reason), now)
      .Run();
}

void WriteFinalStatus(Connection& conn, const Enrollment& e, EnrollmentStatus to,
                      std::string_view cause, std::string_view reason, Timestamp now) {
  conn.Prepare(
          "UPDATE enrollments SET status = ?, status_reason = ?, next_run_at = NULL, "
          "paused_until = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = "
          "?")
      .Bind(ToString(to), reason, now, e.id)
      .Run();
  AppendEvent(conn, e.id, now, ToString(to), cause);
}

std::vector<Enrollment> ActiveEnrollmentsOf(Connection& conn, const Id& owner_id,
                                            const std::string& email) {
  // Reached through enrollments_active_email: only the address's active rows are read.
  auto q = conn.Prepare(std::string(kSelectEnrollment) +
                        " WHERE e.contact_email = ? AND e.status = 'active' AND m.owner_id = ?");
  q.Bind(email, owner_id);
  std::vector<Enrollment> out;
  while (q.Step()) out.push_back(ReadEnrollment(q));
  return out;
}

void SuppressBouncedAddress(Connection& conn, const Enrollment& e, std::string_view reason,
                            Timestamp now) {
  UpsertSuppression(conn, e.owner_id, e.contact_email, SuppressionReason::kBounced, now);
  for (const Enrollment& other : ActiveEnrollmentsOf(conn, e.owner_id, e.contact_email)) {
    if (other.id == e.id) continue;
    WriteFinalStatus(conn, other, EnrollmentStatus::kBounced, "address_bounced_elsewhere", reason,
                     now);
  }
}

}  // namespace mailmark::sqlite
