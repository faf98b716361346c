// Enrollments: enroll (the rules of SPEC "Enrollment"), read, list, finish; suppressions.
#include <algorithm>

#include "core/email_address.h"
#include "core/ids.h"
#include "store/sqlite/codec.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

constexpr std::size_t kMaxPage = 1000;

// `text` as a LIKE pattern that matches only itself (escaped with a backslash).
std::string LikeLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

// What DecideEnrollment needs to know about one contact, read inside the enrolling
// transaction so that the batch's own earlier rows count.
EnrollmentFacts FactsFor(Connection& c, const Sequence& seq, const std::string& email, bool force) {
  EnrollmentFacts facts;
  facts.sequence_status = seq.status;
  facts.force = force;
  auto latest = c.Prepare(
      "SELECT id, status FROM enrollments WHERE sequence_id = ? AND contact_email = ? "
      "ORDER BY created_at DESC, pk DESC LIMIT 1");
  latest.Bind(seq.id, email);
  if (latest.Step()) {
    facts.latest_id = latest.Text(0);
    facts.latest_status = StoredEnrollmentStatus(latest.Text(1));
  }
  auto suppressed = c.Prepare("SELECT reason FROM suppressions WHERE owner_id = ? AND email = ?");
  suppressed.Bind(seq.owner_id, email);
  if (suppressed.Step()) facts.suppressed = StoredSuppressionReason(suppressed.Text(0));
  return facts;
}

Enrollment Insert(Connection& c, const Sequence& seq, std::string email, const MergeFields& fields,
                  Timestamp now) {
  Enrollment e;
  e.id = NewTimeOrderedId("enr");
  e.sequence_id = seq.id;
  e.mailbox_id = seq.mailbox_id;
  e.owner_id = seq.owner_id;
  e.contact_email = std::move(email);
  e.merge_fields = fields;
  e.status = EnrollmentStatus::kActive;
  e.next_run_at = now;  // the first step is due at once
  e.created_at = now;
  e.updated_at = now;
  c.Prepare(
       "INSERT INTO enrollments (id, sequence_id, contact_email, merge_fields, status, "
       "next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)")
      .Bind(e.id, e.sequence_id, e.contact_email, MergeFieldsToJson(fields), now, now, now)
      .Run();
  AppendEvent(c, e.id, now, "active", "enrolled");
  return e;
}

}  // namespace

Result<std::vector<EnrollOutcome>> SqliteStore::Enroll(const Id& sequence_id,
                                                       const std::vector<NewEnrollment>& batch,
                                                       Timestamp now) {
  return Write<std::vector<EnrollOutcome>>(
      [&](Connection& c) -> Result<std::vector<EnrollOutcome>> {
        auto seq = FindSequence(c, sequence_id);
        if (!seq)
          return MakeError(ErrorKind::kNotFound, "sequence_not_found", "Sequence not found.");
        std::vector<EnrollOutcome> outcomes;
        outcomes.reserve(batch.size());
        for (const NewEnrollment& item : batch) {
          EnrollOutcome& out = outcomes.emplace_back();
          auto email = CheckContactEmail(item.contact_email);
          if (!email) {
            out.error = email.error();
            continue;
          }
          if (auto st = DecideEnrollment(FactsFor(c, *seq, *email, item.force)); !st) {
            out.error = st.error();
            continue;
          }
          out.enrollment = Insert(c, *seq, *email, item.merge_fields, now);
        }
        return outcomes;
      });
}

std::optional<Enrollment> SqliteStore::GetEnrollment(const Id& id) {
  return Read("get enrollment", std::optional<Enrollment>{},
              [&](Connection& c) { return FindEnrollment(c, id); });
}

Result<EnrollmentPage> SqliteStore::ListEnrollments(const Id& sequence_id,
                                                    std::optional<EnrollmentStatus> status,
                                                    std::size_t limit, std::string_view cursor) {
  return SearchEnrollments(sequence_id, EnrollmentFilter{status, ""}, limit, cursor);
}

Result<EnrollmentPage> SqliteStore::SearchEnrollments(const Id& sequence_id,
                                                      const EnrollmentFilter& filter,
                                                      std::size_t limit, std::string_view cursor) {
  std::optional<ListPosition> after;
  if (!cursor.empty()) {
    after = DecodeCursor(cursor);
    if (!after)
      return MakeError(ErrorKind::kBadRequest, "invalid_cursor",
                       "This cursor was not made by this list; start again without one.");
  }
  limit = std::clamp<std::size_t>(limit, 1, kMaxPage);
  const bool by_email = !filter.email_contains.empty();
  return Read("list enrollments", Result<EnrollmentPage>(StorageError()),
              [&](Connection& c) -> Result<EnrollmentPage> {
                ReadTransaction snapshot(c);
                if (!FindSequence(c, sequence_id))
                  return MakeError(ErrorKind::kNotFound, "sequence_not_found",
                                   "Sequence not found.");
                std::string sql = std::string(kSelectEnrollment) + " WHERE e.sequence_id = ?";
                if (filter.status) sql += " AND e.status = ?";
                // SQLite's LIKE ignores ASCII case (case_sensitive_like is never turned on).
                if (by_email) sql += " AND e.contact_email LIKE ? ESCAPE '\\'";
                if (after) sql += " AND (e.created_at, e.pk) > (?, ?)";
                sql += " ORDER BY e.created_at, e.pk LIMIT ?";
                auto q = c.Prepare(sql);
                int i = 0;
                q.BindAt(++i, sequence_id);
                if (filter.status) q.BindAt(++i, ToString(*filter.status));
                if (by_email) q.BindAt(++i, "%" + LikeLiteral(filter.email_contains) + "%");
                if (after) {
                  q.BindAt(++i, after->created_at);
                  q.BindAt(++i, after->pk);
                }
                q.BindAt(++i, limit + 1);  // one more tells whether a next page exists
                EnrollmentPage page;
                ListPosition last;
                while (q.Step()) {
                  if (page.enrollments.size() == limit) {
                    page.next_cursor = EncodeCursor(last);
                    break;
                  }
                  page.enrollments.push_back(ReadEnrollment(q));
                  last = {q.Int(10), q.Int(kEnrollmentPkColumn)};
                }
                return page;
              });
}

std::vector<Message> SqliteStore::ListMessages(const Id& enrollment_id) {
  return Read("list messages", std::vector<Message>{},
              [&](Connection& c) { return MessagesOf(c, enrollment_id); });
}

std::vector<HistoryEntry> SqliteStore::ListHistory(const Id& enrollment_id) {
  return Read("list history", std::vector<HistoryEntry>{}, [&](Connection& c) {
    auto q = c.Prepare(
        "SELECT at, status, cause FROM enrollment_events WHERE enrollment_id = ? ORDER BY pk");
    q.Bind(enrollment_id);
    std::vector<HistoryEntry> out;
    while (q.Step()) out.push_back(HistoryEntry{q.Time(0), q.Text(1), q.Text(2)});
    return out;
  });
}

Result<Enrollment> SqliteStore::FinishEnrollment(const Id& id, EnrollmentStatus to,
                                                 const std::string& cause,
                                                 const std::string& reason, Timestamp now) {
  return Write<Enrollment>([&](Connection& c) -> Result<Enrollment> {
    auto e = FindEnrollment(c, id);
    if (!e) return MakeError(ErrorKind::kNotFound, "enrollment_not_found", "Enrollment not found.");
    if (auto st = CheckTransition(e->status, to); !st) return st.error();
    WriteFinalStatus(c, *e, to, cause, reason, now);
    // A bounce reported by hand or by a bounce message is about the address itself.
    if (to == EnrollmentStatus::kBounced)
      UpsertSuppression(c, e->owner_id, e->contact_email, SuppressionReason::kBounced, now);
    return *FindEnrollment(c, id);
  });
}

Result<Enrollment> SqliteStore::PauseEnrollmentUntil(const Id& enrollment_id, Timestamp until,
                                                     const std::string& cause, Timestamp now) {
  return Write<Enrollment>([&](Connection& c) -> Result<Enrollment> {
    auto e = FindEnrollment(c, enrollment_id);
    if (!e) return MakeError(ErrorKind::kNotFound, "enrollment_not_found", "Enrollment not found.");
    if (IsFinal(e->status)) return CheckTransition(e->status, EnrollmentStatus::kCancelled).error();
    if (until <= now)
      return MakeError(ErrorKind::kInvalid, "pause_not_ahead", "A pause must end in the future.");
    c.Prepare(
         "UPDATE enrollments SET paused_until = ?1, "
         "next_run_at = MAX(COALESCE(next_run_at, ?1), ?1), updated_at = ?2 WHERE id = ?3")
        .Bind(until, now, enrollment_id)
        .Run();
    AppendEvent(c, enrollment_id, now, ToString(EnrollmentStatus::kActive), cause);
    return *FindEnrollment(c, enrollment_id);
  });
}

Status SqliteStore::Suppress(const Id& owner_id, const std::string& email, SuppressionReason reason,
                             Timestamp now) {
  return Write<Ok>([&](Connection& c) -> Status {
    try {
      UpsertSuppression(c, owner_id, email, reason, now);
    } catch (const SqliteError& e) {
      if (!e.IsForeignKeyViolation()) throw;
      return MakeError(ErrorKind::kNotFound, "user_not_found", "User not found.");
    }
    return Ok{};
  });
}

std::optional<SuppressionReason> SqliteStore::FindSuppression(const Id& owner_id,
                                                              const std::string& email) {
  return Read("find suppression", std::optional<SuppressionReason>{},
              [&](Connection& c) -> std::optional<SuppressionReason> {
                auto q =
                    c.Prepare("SELECT reason FROM suppressions WHERE owner_id = ? AND email = ?");
                q.Bind(owner_id, NormalizeEmail(email));
                if (!q.Step()) return std::nullopt;
                return StoredSuppressionReason(q.Text(0));
              });
}

}  // namespace mailmark::sqlite
