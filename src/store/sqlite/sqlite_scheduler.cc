// The scheduler's side: claim due work under a lease, start sends, record outcomes.
#include <algorithm>
#include <compare>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "core/send_window.h"
#include "store/sqlite/codec.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/scheduler_sql.h"
#include "store/sqlite/sending_limits.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

struct Candidate {
  std::int64_t due;
  std::int64_t pk;
  Id mailbox;
  auto operator<=>(const Candidate&) const = default;
};

// Merges each source's earliest rows into the overall earliest `limit`, keeping no more of
// each mailbox than it may send now (its quota), the earliest due first.
class DueSet {
 public:
  DueSet(MailboxGates& gates, std::size_t limit) : gates_(gates), limit_(limit) {}

  void Add(std::vector<Candidate> rows) {
    all_.insert(all_.end(), std::make_move_iterator(rows.begin()),
                std::make_move_iterator(rows.end()));
    std::sort(all_.begin(), all_.end());
    all_.erase(std::unique(all_.begin(), all_.end(),
                           [](const Candidate& a, const Candidate& b) { return a.pk == b.pk; }),
               all_.end());
    std::map<Id, std::size_t> taken;
    std::vector<Candidate> kept;
    for (Candidate& cand : all_) {
      if (kept.size() == limit_) break;
      if (taken[cand.mailbox] >= Quota(cand.mailbox)) continue;
      ++taken[cand.mailbox];
      kept.push_back(std::move(cand));
    }
    all_ = std::move(kept);
  }

  std::size_t Quota(const Id& mailbox) {
    MailboxGate* gate = gates_.Of(mailbox);
    return gate ? gates_.ClaimQuota(*gate) : 0;
  }
  bool Full() const { return all_.size() == limit_; }
  std::int64_t LatestDue() const { return all_.back().due; }
  const std::vector<Candidate>& rows() const { return all_; }

 private:
  MailboxGates& gates_;
  std::size_t limit_;
  std::vector<Candidate> all_;
};

// The sending window at claim time: a contact held past its window (by a daily limit, a
// pause, a node that was down) is not sent outside it. A row that may not go now has its next
// run moved to its window's next opening, once, so it is not looked at again before then.
// (Moved after the reading statement is done with: never under a running SELECT.)
class WindowCheck {
 public:
  WindowCheck(Connection& c, Timestamp now) : c_(c), now_(now) {}
  ~WindowCheck() { Apply(); }
  bool Open(std::int64_t pk, const std::optional<SendSchedule>& schedule,
            std::string_view contact_zone) {
    if (!schedule) return true;
    const Timestamp opening = NextSendTime(schedule, contact_zone, now_);
    if (opening <= now_) return true;
    moves_.emplace_back(pk, opening);
    return false;
  }
  void Apply() {
    for (const auto& [pk, opening] : moves_)
      c_.Prepare("UPDATE enrollments SET next_run_at = ? WHERE pk = ?").Bind(opening, pk).Run();
    moves_.clear();
  }

 private:
  Connection& c_;
  Timestamp now_;
  std::vector<std::pair<std::int64_t, Timestamp>> moves_;
};

std::vector<Candidate> FindDue(Connection& c, MailboxGates& gates, Timestamp now,
                               std::size_t limit) {
  DueSet due(gates, limit);
  WindowCheck window(c, now);
  {
    auto q = c.Prepare(sql::kExpiredLeases);
    q.Bind(now, limit);
    std::vector<Candidate> rows;
    while (q.Step()) {
      if (!window.Open(q.Int(0), ScheduleFromJson(q.OptText(4)), q.OptText(3).value_or("")))
        continue;
      rows.push_back({q.Int(1), q.Int(0), q.Text(2)});
    }
    due.Add(std::move(rows));
  }
  window.Apply();
  struct Lane {
    Id sequence, mailbox;
    std::int64_t earliest;
    std::optional<SendSchedule> schedule;
  };
  std::vector<Lane> lanes;
  {
    auto q = c.Prepare(sql::kDueLanes);
    q.Bind(now);
    while (q.Step())
      lanes.push_back({q.Text(0), q.Text(1), q.Int(2), ScheduleFromJson(q.OptText(3))});
  }
  // Lanes come earliest-due first: once `limit` candidates are all earlier than a lane's
  // earliest due row, no later lane can contribute either.
  for (const Lane& lane : lanes) {
    if (due.Full() && lane.earliest > due.LatestDue()) break;
    if (lane.schedule && !lane.schedule->use_contact_timezone) {
      // One zone for the whole lane: while its window is closed the lane waits, and not one
      // of its rows is read.
      const Timestamp opening = NextSendTime(lane.schedule, "", now);
      if (opening > now) {
        c.Prepare(
             "UPDATE sending_lanes SET open_after = ? WHERE sequence_id = ? AND mailbox_id = ?")
            .Bind(opening, lane.sequence, lane.mailbox)
            .Run();
        continue;
      }
    }
    const std::size_t quota = due.Quota(lane.mailbox);
    if (quota == 0) continue;
    // Contacts outside their own window move to their opening and drop out of the due range,
    // so the next page holds others: a few pages are read before the claim gives up for now.
    const std::size_t page = std::min(limit, quota);
    std::vector<Candidate> rows;
    for (int pages = 0; pages < 8 && rows.empty(); ++pages) {
      std::size_t read = 0;
      {
        auto q = c.Prepare(sql::kDueInLane);
        q.Bind(lane.sequence, lane.mailbox, now, page);
        while (q.Step()) {
          ++read;
          if (!window.Open(q.Int(0), lane.schedule, q.OptText(2).value_or(""))) continue;
          rows.push_back({q.Int(1), q.Int(0), lane.mailbox});
        }
      }
      window.Apply();
      if (read < page) break;
    }
    due.Add(std::move(rows));
  }
  return due.rows();
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
  std::optional<Id> mailbox_id;
  std::string contact_zone;
  std::optional<Timestamp> paused_until;
};

std::optional<RunState> ReadRunState(Connection& c, const Id& enrollment_id) {
  auto q = c.Prepare(sql::kRunState);
  q.Bind(enrollment_id);
  if (!q.Step()) return std::nullopt;
  return RunState{q.Text(0),   q.Text(1),    q.OptText(2), q.OptInt(3),
                  q.Text(4),   q.OptText(5), q.OptText(6), q.OptText(7).value_or(""),
                  q.OptTime(8)};
}

std::optional<Message> FindMessage(Connection& c, const Id& id) {
  static const std::string kSql = std::string(kSelectMessage) + " WHERE id = ?";
  auto q = c.Prepare(kSql);
  q.Bind(id);
  if (!q.Step()) return std::nullopt;
  return ReadMessage(q);
}

std::optional<Message> BeginOne(Connection& c, MailboxGates& gates, std::string_view node,
                                const SendStart& start, Timestamp now) {
  auto state = ReadRunState(c, start.enrollment_id);
  if (!state || state->enrollment_status != "active" || state->sequence_status != "active" ||
      state->lease_owner != node || !state->lease_until || *state->lease_until <= ToMillis(now) ||
      !state->mailbox_id)
    return std::nullopt;
  // The mailbox's limits are the last word, here in the transaction that records the send:
  // a claim made on another node, or before the limit was lowered, cannot pass them.
  MailboxGate* gate = gates.Of(*state->mailbox_id);
  if (!gate || !gates.TryBegin(*gate, FromMillis(*state->lease_until))) return std::nullopt;
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
         "attempts, created_at, mailbox_id) VALUES (?, ?, ?, ?, ?, 'sending', 1, ?, ?)")
        .Bind(m.id, m.enrollment_id, m.step_id, m.message_id, m.subject, now, *state->mailbox_id)
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
    return Load(c, sequence_id).steps;
  }
  const std::optional<SendSchedule>& ScheduleOf(Connection& c, const Id& sequence_id) {
    return Load(c, sequence_id).schedule;
  }

 private:
  struct Entry {
    std::vector<Step> steps;
    std::optional<SendSchedule> schedule;
  };
  const Entry& Load(Connection& c, const Id& sequence_id) {
    auto it = entries_.find(sequence_id);
    if (it == entries_.end()) {
      std::optional<Sequence> seq = FindSequence(c, sequence_id);
      Entry e;
      if (seq) e = Entry{std::move(seq->steps), std::move(seq->schedule)};
      it = entries_.emplace(sequence_id, std::move(e)).first;
    }
    return it->second;
  }
  std::map<Id, Entry> entries_;
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

// A run that sent nothing (released, withdrawn, a retry pending, nothing left to send) never
// moves the enrollment's last step: it keeps the one stored now, not the one the run read at
// its claim, so a step edit's remap made meanwhile stands. A completion the run decided on
// steps that have been remapped since is not taken: the enrollment is planned again at once.
Landing AsGiven(const RunState& e, const StepOutcome& o, Timestamp now) {
  Landing to{e.last_step_id, std::nullopt, o.status, o.status_reason};
  const bool stale = o.last_step_id != e.last_step_id;
  if (stale && o.status == EnrollmentStatus::kCompleted) {
    to.status = EnrollmentStatus::kActive;
    to.status_reason.clear();
    to.next_run_at = now;
    return to;
  }
  if (to.status == EnrollmentStatus::kActive) to.next_run_at = o.next_run_at.value_or(now);
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

// Sends made from a mailbox in this recording transaction, for its limits and protection.
struct Touched {
  std::set<Id> mailboxes;
};

void RecordOne(Connection& c, StepsCache& steps, MailboxGates& gates, Touched& touched,
               std::string_view node, const StepOutcome& o, Timestamp now) {
  if (o.message) {
    // A bounce for bounce protection: refused for good, not withdrawn before it went out.
    const bool bounced = o.message_state == MessageState::kFailed &&
                         !o.response.starts_with(kWithdrawnResponsePrefix);
    c.Prepare(
         "UPDATE messages SET state = ?1, response = ?2, "
         "sent_at = CASE WHEN ?1 = 'sent' THEN ?3 ELSE sent_at END, bounced = ?6 "
         "WHERE id = ?4 AND enrollment_id = ?5")
        .Bind(ToString(o.message_state), o.response, now, *o.message, o.enrollment_id,
              bounced ? 1 : 0)
        .Run();
  }
  auto state = ReadRunState(c, o.enrollment_id);
  if (!state) return;
  if (o.message && state->mailbox_id) {
    touched.mailboxes.insert(*state->mailbox_id);
    if (MailboxGate* gate = gates.Of(*state->mailbox_id)) gates.AfterOutcome(*gate);
  }
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
  const Landing to = o.ran_step_id ? AfterRan(c, steps, *state, o, now) : AsGiven(*state, o, now);
  if (to.status != EnrollmentStatus::kActive) {
    FinishRun(c, o, to, now);
    return;
  }
  // A run ends an out-of-office pause that is over. One still ahead (the reply arrived while
  // this send was in flight) keeps the next run from coming before it. Then the sequence's
  // window has the last word: the step goes at its next opening.
  const Timestamp due = to.next_run_at.value_or(now);
  // The calendar due time changes only when the run planned the next step or a retry; a run
  // given back untouched keeps it (a later wider window may still bring it forward).
  const bool planned = o.ran_step_id || (o.message && o.message_state == MessageState::kSending);
  Timestamp next = due;
  const bool pause_ahead = state->paused_until && *state->paused_until > now;
  if (pause_ahead) next = std::max(next, *state->paused_until);
  next = NextSendTime(steps.ScheduleOf(c, state->sequence_id), state->contact_zone, next);
  c.Prepare(
       "UPDATE enrollments SET last_step_id = ?1, next_run_at = ?2, due_at = COALESCE(?5, due_at), "
       "paused_until = CASE WHEN paused_until > ?3 THEN paused_until ELSE NULL END, "
       "lease_owner = NULL, lease_until = NULL, updated_at = ?3 WHERE id = ?4")
      .Bind(to.last_step_id, next, now, o.enrollment_id,
            planned ? std::optional<Timestamp>(due) : std::nullopt)
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
        MailboxGates gates(c, now);
        for (const Candidate& cand : FindDue(c, gates, now, limit)) {
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
        MailboxGates gates(c, now);
        for (const SendStart& start : starts) out.push_back(BeginOne(c, gates, node, start, now));
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
    MailboxGates gates(c, now);
    Touched touched;
    for (const StepOutcome& o : outcomes) RecordOne(c, steps, gates, touched, node, o, now);
    for (const Id& mailbox : touched.mailboxes) JudgeBounceRate(c, mailbox, now);
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
    // A mailbox with a send gap stays closed while its one send is in flight, however long
    // its lease is kept.
    c.Prepare(
         "UPDATE mailboxes SET send_after = MAX(send_after, ?1) WHERE send_gap_max_ms > 0 "
         "AND send_after > 0 AND id IN (SELECT e.mailbox_id FROM enrollments e "
         "INDEXED BY enrollments_lease_owner WHERE e.lease_owner = ?2 AND e.lease_until = ?1)")
        .Bind(lease_until, node)
        .Run();
    return Ok{};
  });
  if (!done) spdlog::error("sqlite store: leases of {} not renewed", node);
}

}  // namespace mailmark::sqlite
