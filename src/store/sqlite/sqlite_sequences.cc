// Sequences: create, read, edit (with step remaps), pause/resume/complete, counts.
#include <algorithm>

#include "core/ids.h"
#include "core/send_window.h"
#include "store/sqlite/codec.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/storage_error.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

Error SequenceNotFound() {
  return MakeError(ErrorKind::kNotFound, "sequence_not_found", "Sequence not found.");
}

// New steps get their stable id here when the caller left it out.
Result<std::vector<Step>> CheckedSteps(std::vector<Step> steps) {
  for (Step& s : steps)
    if (s.id.empty()) s.id = NewId("stp");
  if (auto st = ValidateSteps(steps); !st) return st.error();
  return steps;
}

// Other mailboxes of the same owner, each once, never the sequence's own.
Status CheckRotation(Connection& c, const Id& own_mailbox, const Id& owner,
                     const std::vector<Id>& rotation) {
  for (std::size_t i = 0; i < rotation.size(); ++i) {
    const Id& id = rotation[i];
    auto m = FindMailbox(c, id);
    const bool repeated = std::find(rotation.begin(), rotation.begin() + i, id) !=
                          rotation.begin() + static_cast<std::ptrdiff_t>(i);
    if (!m || m->owner_id != owner || id == own_mailbox || repeated)
      return MakeError(ErrorKind::kInvalid, "invalid_rotation",
                       "A rotation names other mailboxes of yours, each once.",
                       {{"mailboxId", id}});
  }
  return Ok{};
}

// A changed window applies to every contact waiting in the sequence for a later time: its
// next run is judged afresh from when its step fell due by the calendar (due_at), so a wider
// window brings it forward and a narrower one moves it into the window. (Contacts already due
// are judged by the claim, which holds them until the window opens.)
void RewindowEnrollments(Connection& c, const Id& sequence_id,
                         const std::optional<SendSchedule>& schedule, Timestamp now) {
  std::vector<std::pair<std::int64_t, std::int64_t>> moves;
  {
    auto q = c.Prepare(
        "SELECT pk, COALESCE(due_at, next_run_at), contact_timezone, next_run_at, paused_until "
        "FROM enrollments INDEXED BY enrollments_list_status "
        "WHERE sequence_id = ? AND status = 'active' AND next_run_at > ?");
    q.Bind(sequence_id, now);
    while (q.Step()) {
      Timestamp due = q.Time(1);
      if (auto paused = q.OptTime(4); paused && *paused > due) due = *paused;
      const Timestamp next = NextSendTime(schedule, q.OptText(2).value_or(""), due);
      if (ToMillis(next) != q.Int(3)) moves.emplace_back(q.Int(0), ToMillis(next));
    }
  }
  for (const auto& [pk, next] : moves)
    c.Prepare("UPDATE enrollments SET next_run_at = ?, updated_at = ? WHERE pk = ?")
        .Bind(next, now, pk)
        .Run();
}

}  // namespace

Result<Sequence> SqliteStore::CreateSequence(const Sequence& sequence) {
  return Write<Sequence>([&](Connection& c) -> Result<Sequence> {
    auto steps = CheckedSteps(sequence.steps);
    if (!steps) return steps.error();
    auto mailbox = FindMailbox(c, sequence.mailbox_id);
    if (!mailbox) return MakeError(ErrorKind::kNotFound, "mailbox_not_found", "Mailbox not found.");
    if (sequence.schedule)
      if (auto st = ValidateSchedule(*sequence.schedule); !st) return st.error();
    if (auto st = CheckRotation(c, mailbox->id, mailbox->owner_id, sequence.rotation); !st)
      return st.error();
    Id id = sequence.id.empty() ? NewId("seq") : sequence.id;
    try {
      c.Prepare(
           "INSERT INTO sequences (id, mailbox_id, name, status, steps, created_at, updated_at, "
           "schedule, rotation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(id, sequence.mailbox_id, sequence.name, ToString(sequence.status),
                StepsToJson(*steps), sequence.created_at, sequence.updated_at,
                ScheduleToJson(sequence.schedule), IdsToJson(sequence.rotation))
          .Run();
    } catch (const SqliteError& e) {
      if (!e.IsUniqueViolation()) throw;
      return MakeError(ErrorKind::kConflict, "sequence_exists", "This sequence id is taken.");
    }
    return *FindSequence(c, id);
  });
}

std::optional<Sequence> SqliteStore::GetSequence(const Id& id) {
  return Read("get sequence", std::optional<Sequence>{},
              [&](Connection& c) { return FindSequence(c, id); });
}

std::vector<Sequence> SqliteStore::ListSequences(const Id& mailbox_id) {
  return Read("list sequences", std::vector<Sequence>{}, [&](Connection& c) {
    auto q = c.Prepare(std::string(kSelectSequence) +
                       " WHERE s.mailbox_id = ? ORDER BY s.created_at, s.rowid");
    q.Bind(mailbox_id);
    std::vector<Sequence> out;
    while (q.Step()) out.push_back(ReadSequence(q));
    return out;
  });
}

Result<Sequence> SqliteStore::UpdateSequence(const Sequence& sequence, const StepRemap& remap,
                                             Timestamp now,
                                             std::optional<Timestamp> unchanged_since) {
  return Write<Sequence>([&](Connection& c) -> Result<Sequence> {
    auto current = FindSequence(c, sequence.id);
    if (!current) return SequenceNotFound();
    if (auto st = CheckSequenceEditable(current->status); !st) return st.error();
    if (unchanged_since && current->updated_at != *unchanged_since) {
      return MakeError(ErrorKind::kConflict, "sequence_changed",
                       "The sequence was changed by someone else while this edit was made; "
                       "reload it and edit again.");
    }
    auto steps = CheckedSteps(sequence.steps);
    if (!steps) return steps.error();
    if (sequence.schedule)
      if (auto st = ValidateSchedule(*sequence.schedule); !st) return st.error();
    if (auto st = CheckRotation(c, current->mailbox_id, current->owner_id, sequence.rotation); !st)
      return st.error();
    c.Prepare(
         "UPDATE sequences SET name = ?, steps = ?, updated_at = ?, schedule = ?, rotation = ? "
         "WHERE id = ?")
        .Bind(sequence.name, StepsToJson(*steps), now, ScheduleToJson(sequence.schedule),
              IdsToJson(sequence.rotation), sequence.id)
        .Run();
    if (sequence.schedule != current->schedule) {
      c.Prepare("UPDATE sending_lanes SET open_after = 0 WHERE sequence_id = ?")
          .Bind(sequence.id)
          .Run();
      RewindowEnrollments(c, sequence.id, sequence.schedule, now);
    }
    // Contacts mid-way continue after the nearest surviving step; finished ones stay as
    // they are. Their due time is kept: a step is never brought forward by an edit.
    for (const auto& [removed, replacement] : remap) {
      c.Prepare(
           "UPDATE enrollments SET last_step_id = ?, updated_at = ? "
           "WHERE sequence_id = ? AND status = 'active' AND last_step_id = ?")
          .Bind(replacement, now, sequence.id, removed)
          .Run();
    }
    return *FindSequence(c, sequence.id);
  });
}

Result<Sequence> SqliteStore::ApplyAction(const Id& sequence_id, SequenceAction action,
                                          Timestamp now) {
  return Write<Sequence>([&](Connection& c) -> Result<Sequence> {
    auto current = FindSequence(c, sequence_id);
    if (!current) return SequenceNotFound();
    auto next = ApplySequenceAction(current->status, action);
    if (!next) return next.error();
    if (*next == current->status) return *current;  // pause a paused one: nothing to do
    c.Prepare("UPDATE sequences SET status = ?, updated_at = ? WHERE id = ?")
        .Bind(ToString(*next), now, sequence_id)
        .Run();
    if (*next == SequenceStatus::kCompleted) {
      c.Prepare(
           "INSERT INTO enrollment_events (enrollment_id, at, status, cause) "
           "SELECT id, ?, 'cancelled', 'sequence_completed' FROM enrollments "
           "WHERE sequence_id = ? AND status = 'active' ORDER BY pk")
          .Bind(now, sequence_id)
          .Run();
      c.Prepare(
           "UPDATE enrollments SET status = 'cancelled', status_reason = 'sequence_completed', "
           "next_run_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ? "
           "WHERE sequence_id = ? AND status = 'active'")
          .Bind(now, sequence_id)
          .Run();
    }
    return *FindSequence(c, sequence_id);
  });
}

SequenceCounts SqliteStore::CountEnrollments(const Id& sequence_id) {
  return Read("count enrollments", SequenceCounts{}, [&](Connection& c) {
    auto q =
        c.Prepare("SELECT status, COUNT(*) FROM enrollments WHERE sequence_id = ? GROUP BY status");
    q.Bind(sequence_id);
    SequenceCounts counts;
    while (q.Step()) {
      std::int64_t n = q.Int(1);
      switch (StoredEnrollmentStatus(q.Text(0))) {
        case EnrollmentStatus::kActive:
          counts.active = n;
          break;
        case EnrollmentStatus::kCompleted:
          counts.completed = n;
          break;
        case EnrollmentStatus::kReplied:
          counts.replied = n;
          break;
        case EnrollmentStatus::kCancelled:
          counts.cancelled = n;
          break;
        case EnrollmentStatus::kBounced:
          counts.bounced = n;
          break;
      }
    }
    return counts;
  });
}

Result<std::vector<StepStats>> SqliteStore::CountStepStats(const Id& sequence_id) {
  // Failed messages are counted where they failed; an enrollment bounced by a delivery report
  // has no failed message, and its bounce is put on the step it last sent. A withdrawn
  // message (failed, never sent: kWithdrawnResponsePrefix, ?2) is no bounce.
  static constexpr const char* kStepStats =
      "SELECT step_id, SUM(sent), SUM(replied), SUM(bounced) FROM ("
      " SELECT m.step_id AS step_id, m.state = 'sent' AS sent, 0 AS replied,"
      "        m.state = 'failed' AS bounced"
      "   FROM enrollments e JOIN messages m ON m.enrollment_id = e.id"
      "  WHERE e.sequence_id = ?1 AND m.state IN ('sent', 'failed')"
      "    AND NOT (m.state = 'failed' AND substr(m.response, 1, length(?2)) = ?2)"
      " UNION ALL"
      " SELECT e.last_step_id, 0, e.status = 'replied', e.status = 'bounced'"
      "   FROM enrollments e"
      "  WHERE e.sequence_id = ?1 AND e.status IN ('replied', 'bounced')"
      "    AND e.last_step_id IS NOT NULL"
      "    AND NOT (e.status = 'bounced' AND EXISTS (SELECT 1 FROM messages f"
      "             WHERE f.enrollment_id = e.id AND f.state = 'failed'"
      "               AND substr(f.response, 1, length(?2)) <> ?2))"
      ") GROUP BY step_id";
  return Read("count step stats", Result<std::vector<StepStats>>(StorageError()),
              [&](Connection& c) -> Result<std::vector<StepStats>> {
                ReadTransaction snapshot(c);
                auto seq = FindSequence(c, sequence_id);
                if (!seq) return SequenceNotFound();
                std::vector<StepStats> out;
                for (const Step& step : seq->steps)
                  if (step.type == StepType::kSendEmail) out.push_back(StepStats{step.id});
                auto q = c.Prepare(kStepStats);
                q.Bind(sequence_id, kWithdrawnResponsePrefix);
                while (q.Step()) {
                  std::string id = q.Text(0);
                  for (StepStats& s : out) {
                    if (s.step_id != id) continue;
                    s.sent = q.Int(1);
                    s.replied = q.Int(2);
                    s.bounced = q.Int(3);
                  }
                }
                return out;
              });
}

}  // namespace mailmark::sqlite
