// The scheduler's side: claim due work under a lease, start sends, record outcomes.
#include <algorithm>
#include <compare>
#include <map>

#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/scheduler_sql.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

struct Candidate {
  std::int64_t due;
  std::int64_t pk;
  auto operator<=>(const Candidate&) const = default;
};

// Merges each source's earliest rows into the overall earliest `limit`.
void Keep(std::vector<Candidate>& all, Query& q, std::size_t limit) {
  while (q.Step()) all.push_back({q.Int(1), q.Int(0)});
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (all.size() > limit) all.resize(limit);
}

std::vector<Candidate> FindDue(Connection& c, Timestamp now, std::size_t limit) {
  std::vector<Candidate> due;
  {
    auto q = c.Prepare(sql::kExpiredLeases);
    q.Bind(now, limit);
    Keep(due, q, limit);
  }
  std::vector<std::pair<Id, std::int64_t>> sequences;
  {
    auto q = c.Prepare(sql::kDueSequences);
    q.Bind(now);
    while (q.Step()) sequences.emplace_back(q.Text(0), q.Int(1));
  }
  // Sequences come earliest-due first: once `limit` candidates are all earlier than a
  // sequence's earliest due row, no later sequence can contribute either.
  for (const auto& [sequence_id, earliest] : sequences) {
    if (due.size() == limit && earliest > due.back().due) break;
    auto q = c.Prepare(sql::kDueInSequence);
    q.Bind(sequence_id, now, limit);
    Keep(due, q, limit);
  }
  return due;
}

ClaimedEnrollment LoadClaimed(Connection& c, std::int64_t pk) {
  static const std::string kSql = std::string(kSelectEnrollment) + " WHERE e.pk = ?";
  auto q = c.Prepare(kSql);
  q.Bind(pk);
  q.Step();
  ClaimedEnrollment claimed{ReadEnrollment(q), std::nullopt, {}};
  for (Message& m : MessagesOf(c, claimed.enrollment.id)) {
    if (m.state == MessageState::kSending) {
      claimed.pending = std::move(m);
    } else if (m.state == MessageState::kSent) {
      claimed.sent.push_back(std::move(m));
    }
  }
  return claimed;
}

// What recording an outcome needs of its enrollment, read without its merge fields.
struct RunState {
  std::string enrollment_status, sequence_status;
  std::optional<std::string> lease_owner;
  std::optional<std::int64_t> lease_until;
  Id sequence_id;
  std::optional<Id> last_step_id;
};

std::optional<RunState> ReadRunState(Connection& c, const Id& enrollment_id) {
  auto q = c.Prepare(sql::kRunState);
  q.Bind(enrollment_id);
  if (!q.Step()) return std::nullopt;
  return RunState{q.Text(0), q.Text(1), q.OptText(2), q.OptInt(3), q.Text(4), q.OptText(5)};
}

std::optional<Message> FindMessage(Connection& c, const Id& id) {
  static const std::string kSql = std::string(kSelectMessage) + " WHERE id = ?";
  auto q = c.Prepare(kSql);
  q.Bind(id);
  if (!q.Step()) return std::nullopt;
  return ReadMessage(q);
}

std::optional<Message> BeginOne(Connection& c, std::string_view node, const SendStart& start,
                                Timestamp now) {
  auto state = ReadRunState(c, start.enrollment_id);
  if (!state || state->enrollment_status != "active" || state->sequence_status != "active" ||
      state->lease_owner != node || !state->lease_until || *state->lease_until <= ToMillis(now))
    return std::nullopt;
  if (start.existing_message) {
    c.Prepare(
         "UPDATE messages SET attempts = attempts + 1 "
         "WHERE id = ? AND enrollment_id = ? AND state = 'sending'")
        .Bind(*start.existing_message, start.enrollment_id)
        .Run();
    if (c.Changes() == 0) {
      spdlog::warn("sqlite store: {} is not a pending message of {}", *start.existing_message,
                   start.enrollment_id);
      return std::nullopt;
    }
    return FindMessage(c, *start.existing_message);
  }
  Message m;
  m.id = NewTimeOrderedId("msg");
  m.enrollment_id = start.enrollment_id;
  m.step_id = start.step_id;
  m.message_id = start.message_id;
  m.subject = start.subject;
  m.state = MessageState::kSending;
  m.created_at = now;
  try {
    // One row of VALUES, not INSERT … SELECT with the check above folded in: a statement
    // that may write several rows keeps a statement journal, a copy of every page it touches,
    // and that cost more than the separate read.
    c.Prepare(
         "INSERT INTO messages (id, enrollment_id, step_id, message_id, subject, state, "
         "attempts, created_at) VALUES (?, ?, ?, ?, ?, 'sending', 1, ?)")
        .Bind(m.id, m.enrollment_id, m.step_id, m.message_id, m.subject, now)
        .Run();
  } catch (const SqliteError& e) {
    if (!e.IsUniqueViolation()) throw;
    spdlog::warn("sqlite store: Message-ID {} is already taken", start.message_id);
    return std::nullopt;
  }
  return m;
}

// Where the enrollment goes after this run, worked out inside the recording transaction.
struct Landing {
  std::optional<Id> last_step_id;
  std::optional<Timestamp> next_run_at;  // when it stays active
  EnrollmentStatus status = EnrollmentStatus::kActive;
  std::string status_reason;
};

// A run that sent a step moves past it by the sequence's steps as they are now, not as the
// run saw them: an edit made while the send was in flight is honoured.
// Each sequence's steps are read once per recording transaction (they cannot change within
// it): parsing them for every outcome was most of the recording's cost.
class StepsCache {
 public:
  const std::vector<Step>& Of(Connection& c, const Id& sequence_id) {
    auto it = steps_.find(sequence_id);
    if (it == steps_.end()) {
      std::optional<Sequence> seq = FindSequence(c, sequence_id);
      it = steps_.emplace(sequence_id, seq ? std::move(seq->steps) : std::vector<Step>{}).first;
    }
    return it->second;
  }

 private:
  std::map<Id, std::vector<Step>> steps_;
};

Landing AfterRan(Connection& c, StepsCache& steps, const RunState& e, const StepOutcome& o,
                 Timestamp now) {
  Landing to{e.last_step_id, now, o.status, o.status_reason};
  AfterSend after = AdvanceAfterSend(steps.Of(c, e.sequence_id), *o.ran_step_id, now);
  if (after.ran_is_known) to.last_step_id = *o.ran_step_id;
  // Only a run that ended well advances; a final verdict (a bounce) stands as given.
  if (o.status != EnrollmentStatus::kActive && o.status != EnrollmentStatus::kCompleted) return to;
  if (after.completed) {
    to.status = EnrollmentStatus::kCompleted;
    to.status_reason = "all_steps_run";
    to.next_run_at.reset();
  } else {
    to.status = EnrollmentStatus::kActive;
    to.next_run_at = after.next_run_at.value_or(now);
  }
  return to;
}

Landing AsGiven(const StepOutcome& o, Timestamp now) {
  Landing to{o.last_step_id, std::nullopt, o.status, o.status_reason};
  if (o.status == EnrollmentStatus::kActive) to.next_run_at = o.next_run_at.value_or(now);
  return to;
}

// The run's landing and its final status, with the history WriteFinalStatus would write.
void FinishRun(Connection& c, const StepOutcome& o, const Landing& to, Timestamp now) {
  const std::string_view status = ToString(to.status);
  c.Prepare(sql::kFinishRun)
      .Bind(to.last_step_id, status, to.status_reason, now, o.enrollment_id)
      .Run();
  for (const std::string& cause : o.events) AppendEvent(c, o.enrollment_id, now, status, cause);
  AppendEvent(c, o.enrollment_id, now, status, status);
  // Only a refused recipient is the address's fault; a rejected message or a server that
  // never answered says nothing about the contact.
  if (to.status != EnrollmentStatus::kBounced || !o.suppress_address) return;
  if (auto e = FindEnrollment(c, o.enrollment_id))
    SuppressBouncedAddress(c, *e, to.status_reason, now);
}

void RecordOne(Connection& c, StepsCache& steps, std::string_view node, const StepOutcome& o,
               Timestamp now) {
  if (o.message) {
    c.Prepare(
         "UPDATE messages SET state = ?1, response = ?2, "
         "sent_at = CASE WHEN ?1 = 'sent' THEN ?3 ELSE sent_at END "
         "WHERE id = ?4 AND enrollment_id = ?5")
        .Bind(ToString(o.message_state), o.response, now, *o.message, o.enrollment_id)
        .Run();
  }
  auto state = ReadRunState(c, o.enrollment_id);
  if (!state) return;
  const bool held = state->lease_owner == node;
  if (state->enrollment_status != "active") {
    // Finished meanwhile (a user cancelled, a reply arrived): its status stands.
    if (held)
      c.Prepare("UPDATE enrollments SET lease_owner = NULL, lease_until = NULL WHERE id = ?")
          .Bind(o.enrollment_id)
          .Run();
    return;
  }
  if (!held) return;  // the lease expired and another node took the run over
  const Landing to = o.ran_step_id ? AfterRan(c, steps, *state, o, now) : AsGiven(o, now);
  if (to.status != EnrollmentStatus::kActive) {
    FinishRun(c, o, to, now);
    return;
  }
  // A run ends an out-of-office pause that is over. One still ahead (the reply arrived while
  // this send was in flight) keeps the next run from coming before it.
  c.Prepare(
       "UPDATE enrollments SET last_step_id = ?1, "
       "next_run_at = CASE WHEN paused_until > ?3 "
       "THEN MAX(COALESCE(?2, next_run_at), paused_until) ELSE COALESCE(?2, next_run_at) END, "
       "paused_until = CASE WHEN paused_until > ?3 THEN paused_until ELSE NULL END, "
       "lease_owner = NULL, lease_until = NULL, updated_at = ?3 WHERE id = ?4")
      .Bind(to.last_step_id, to.next_run_at, now, o.enrollment_id)
      .Run();
  for (const std::string& cause : o.events)
    AppendEvent(c, o.enrollment_id, now, ToString(to.status), cause);
}

}  // namespace

std::vector<ClaimedEnrollment> SqliteStore::ClaimDue(Timestamp now, std::string_view node,
                                                     Timestamp lease_until, std::size_t limit) {
  if (limit == 0) return {};
  auto claimed = Write<std::vector<ClaimedEnrollment>>(
      [&](Connection& c) -> Result<std::vector<ClaimedEnrollment>> {
        std::vector<ClaimedEnrollment> out;
        for (const Candidate& cand : FindDue(c, now, limit)) {
          c.Prepare(sql::kLease).Bind(node, lease_until, cand.pk).Run();
          out.push_back(LoadClaimed(c, cand.pk));
        }
        return out;
      });
  if (!claimed) return {};
  return std::move(claimed).value();
}

std::optional<Timestamp> SqliteStore::NextWakeAt() {
  return Read("next wake", std::optional<Timestamp>{}, [](Connection& c) {
    auto q = c.Prepare(sql::kNextWake);
    q.Step();
    return q.OptTime(0);
  });
}

std::vector<std::optional<Message>> SqliteStore::BeginSends(std::string_view node,
                                                            const std::vector<SendStart>& starts,
                                                            Timestamp now) {
  auto begun = Write<std::vector<std::optional<Message>>>(
      [&](Connection& c) -> Result<std::vector<std::optional<Message>>> {
        std::vector<std::optional<Message>> out;
        for (const SendStart& start : starts) out.push_back(BeginOne(c, node, start, now));
        return out;
      });
  // On a storage failure nothing was written, so nothing may be sent.
  if (!begun) return std::vector<std::optional<Message>>(starts.size());
  return std::move(begun).value();
}

bool SqliteStore::StillSendable(const Id& enrollment_id, Timestamp now) {
  return Read("still sendable", false, [&](Connection& c) {
    auto q = c.Prepare(sql::kStillSendable);
    q.Bind(enrollment_id, now);
    return q.Step() && q.Int(0) == 1;
  });
}

void SqliteStore::RecordOutcomes(std::string_view node, const std::vector<StepOutcome>& outcomes,
                                 Timestamp now) {
  auto done = Write<Ok>([&](Connection& c) -> Status {
    StepsCache steps;
    for (const StepOutcome& o : outcomes) RecordOne(c, steps, node, o, now);
    return Ok{};
  });
  // The leases expire and the runs are retried with the same Message-IDs: nothing is lost.
  if (!done) spdlog::error("sqlite store: outcomes of {} runs not recorded", outcomes.size());
}

void SqliteStore::ReleaseLeases(std::string_view node) {
  auto done = Write<Ok>([&](Connection& c) -> Status {
    c.Prepare(sql::kReleaseNode).Bind(node).Run();
    return Ok{};
  });
  if (!done) spdlog::error("sqlite store: leases of {} not released", node);
}

void SqliteStore::RenewLeases(std::string_view node, const std::vector<Id>& enrollment_ids,
                              Timestamp lease_until) {
  // Well under SQLite's limit on bound parameters, whatever it was compiled with.
  constexpr std::size_t kChunk = 500;
  if (enrollment_ids.empty()) return;
  auto done = Write<Ok>([&](Connection& c) -> Status {
    for (std::size_t from = 0; from < enrollment_ids.size(); from += kChunk) {
      const std::size_t n = std::min(kChunk, enrollment_ids.size() - from);
      std::string sql = sql::kRenewLeasesPrefix;
      for (std::size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ", ?";
      sql += ")";
      auto q = c.Prepare(sql);
      q.Bind(lease_until, node);
      for (std::size_t i = 0; i < n; ++i)
        q.BindAt(static_cast<int>(i + 3), enrollment_ids[from + i]);
      q.Run();
    }
    return Ok{};
  });
  if (!done) spdlog::error("sqlite store: leases of {} not renewed", node);
}

}  // namespace mailmark::sqlite
