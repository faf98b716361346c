// Enrollments: enroll (the rules of SPEC "Enrollment"), read, list, finish; suppressions.
#include <algorithm>
#include <set>

#include "core/email_address.h"
#include "core/ids.h"
#include "core/send_window.h"
#include "core/time_zone.h"
#include "store/sqlite/codec.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sending_limits.h"
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

// Where a new enrollment's first send stands: the contact's zone as stored, and when it goes.
struct FirstRun {
  std::optional<std::string> contact_zone;  // normalised, only when it parses
  Timestamp next_run_at;
};

// A merge field `timezone` matters only to a sequence whose window uses contact zones: there a
// value that does not parse is refused; elsewhere it stays a plain merge field.
Result<FirstRun> PlanFirstRun(const Sequence& seq, const MergeFields& fields, Timestamp now) {
  FirstRun run{std::nullopt, now};
  if (auto it = fields.find("timezone"); it != fields.end() && !it->second.empty()) {
    auto zone = TimeZone::Parse(it->second);
    if (zone) {
      run.contact_zone = zone->name();
    } else if (seq.schedule && seq.schedule->use_contact_timezone) {
      return zone.error();
    }
  }
  run.next_run_at = NextSendTime(seq.schedule, run.contact_zone.value_or(""), now);
  return run;
}

// The mailboxes a sequence's new contacts are spread over, with their room today.
class Rotation {
 public:
  Rotation(Connection& c, const Sequence& seq, Timestamp now) : c_(c), seq_(seq) {
    if (seq.rotation.empty()) {
      members_.push_back(Member{seq.mailbox_id, true, std::nullopt, {}});
      return;
    }
    Add(seq.mailbox_id, now);
    for (const Id& id : seq.rotation) Add(id, now);
    auto q = c.Prepare("SELECT rotation_next FROM sequences WHERE id = ?");
    q.Bind(seq.id);
    if (q.Step()) next_ = static_cast<std::size_t>(q.Int(0));
  }

  // The mailbox the next contact is pinned to, its first run at `first_run`.
  const Id& Assign(Timestamp first_run) {
    const std::size_t n = members_.size();
    std::size_t pick = next_ % n;
    auto find = [&](auto&& usable) {
      for (std::size_t k = 0; k < n; ++k)
        if (usable(members_[(next_ + k) % n])) return std::optional<std::size_t>((next_ + k) % n);
      return std::optional<std::size_t>();
    };
    if (auto i = find([](const Member& m) { return m.active && (!m.room || *m.room > 0); }))
      pick = *i;
    else if (auto j = find([](const Member& m) { return m.active; }))
      pick = *j;
    Member& m = members_[pick];
    if (m.room && first_run < m.day_end) --*m.room;
    next_ = pick + 1;
    used_.insert(m.id);
    return m.id;
  }

  // The turn and the lanes of this batch, for the scheduler to find the work.
  void Save() {
    if (!seq_.rotation.empty())
      c_.Prepare("UPDATE sequences SET rotation_next = ? WHERE id = ?")
          .Bind(next_ % members_.size(), seq_.id)
          .Run();
    for (const Id& id : used_)
      c_.Prepare("INSERT OR IGNORE INTO sending_lanes (sequence_id, mailbox_id) VALUES (?, ?)")
          .Bind(seq_.id, id)
          .Run();
  }

 private:
  struct Member {
    Id id;
    bool active = true;
    std::optional<std::int64_t> room;  // nullopt: no daily limit
    Timestamp day_end;
  };

  void Add(const Id& id, Timestamp now) {
    auto m = FindMailbox(c_, id);
    if (!m) return;  // deleted since it was named: skipped
    Member member{id, m->status == MailboxStatus::kActive, std::nullopt, {}};
    if (m->daily_limit) {
      auto zone = TimeZone::Parse(m->timezone);
      const LocalDay today = DayOf(zone ? *zone : TimeZone::Utc(), now);
      member.day_end = today.end;
      std::int64_t used = 0;
      auto sent = c_.Prepare("SELECT sends FROM mailbox_days WHERE mailbox_id = ? AND day = ?");
      sent.Bind(id, today.key);
      if (sent.Step()) used += sent.Int(0);
      // Lane by lane, counted no further than the limit: a backlog of a million held contacts
      // costs no more than one of forty. (Contacts being sent right now are in sent today.)
      std::vector<Id> lanes;
      {
        auto q = c_.Prepare(
            "SELECT sequence_id FROM sending_lanes INDEXED BY sending_lanes_mailbox "
            "WHERE mailbox_id = ?");
        q.Bind(id);
        while (q.Step()) lanes.push_back(q.Text(0));
      }
      for (const Id& sequence : lanes) {
        if (used >= *m->daily_limit) break;
        auto due = c_.Prepare(
            "SELECT COUNT(*) FROM (SELECT 1 FROM enrollments INDEXED BY enrollments_due "
            "WHERE sequence_id = ? AND mailbox_id = ? AND status = 'active' "
            "AND lease_owner IS NULL AND next_run_at < ? LIMIT ?)");
        due.Bind(sequence, id, today.end, *m->daily_limit - used);
        if (due.Step()) used += due.Int(0);
      }
      member.room = *m->daily_limit - used;
    }
    members_.push_back(std::move(member));
  }

  Connection& c_;
  const Sequence& seq_;
  std::vector<Member> members_;
  std::size_t next_ = 0;
  std::set<Id> used_;
};

Enrollment Insert(Connection& c, const Sequence& seq, const Id& mailbox_id, std::string email,
                  const MergeFields& fields, const FirstRun& run, Timestamp now) {
  Enrollment e;
  e.id = NewTimeOrderedId("enr");
  e.sequence_id = seq.id;
  e.mailbox_id = mailbox_id;
  e.owner_id = seq.owner_id;
  e.contact_email = std::move(email);
  e.merge_fields = fields;
  e.status = EnrollmentStatus::kActive;
  e.next_run_at = run.next_run_at;  // the first step is due at once, sent in the window
  e.created_at = now;
  e.updated_at = now;
  c.Prepare(
       "INSERT INTO enrollments (id, sequence_id, contact_email, merge_fields, status, "
       "next_run_at, created_at, updated_at, mailbox_id, contact_timezone, due_at) "
       "VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)")
      .Bind(e.id, e.sequence_id, e.contact_email, MergeFieldsToJson(fields), run.next_run_at, now,
            now, mailbox_id, run.contact_zone, now)
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
        Rotation rotation(c, *seq, now);
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
          auto run = PlanFirstRun(*seq, item.merge_fields, now);
          if (!run) {
            out.error = run.error();
            continue;
          }
          const Id& mailbox = rotation.Assign(run->next_run_at);
          out.enrollment = Insert(c, *seq, mailbox, *email, item.merge_fields, *run, now);
        }
        rotation.Save();
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
    if (to == EnrollmentStatus::kBounced) {
      UpsertSuppression(c, e->owner_id, e->contact_email, SuppressionReason::kBounced, now);
      CountReportedBounce(c, id, now);
    }
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
    // The contact is back at `until`; the sequence's window still decides when it is sent.
    Timestamp next = std::max(e->next_run_at.value_or(until), until);
    if (auto seq = FindSequence(c, e->sequence_id)) {
      auto zone = c.Prepare("SELECT contact_timezone FROM enrollments WHERE id = ?");
      zone.Bind(enrollment_id);
      std::string contact_zone;
      if (zone.Step()) contact_zone = zone.OptText(0).value_or("");
      next = NextSendTime(seq->schedule, contact_zone, next);
    }
    c.Prepare(
         "UPDATE enrollments SET paused_until = ?1, next_run_at = ?4, updated_at = ?2 "
         "WHERE id = ?3")
        .Bind(until, now, enrollment_id, next)
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
