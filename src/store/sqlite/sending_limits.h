// A mailbox's sending limits as the scheduler's transactions apply them: whether it may hand
// over an email now, how many, and counting each one it does (SPEC.md "Sending like a
// person"). Every decision is made and written inside the caller's write transaction, so
// every node sharing the database keeps one limit. The calendar and window rules themselves
// are pure and live in core/send_window.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "core/model.h"
#include "core/send_window.h"
#include "store/sqlite/connection.h"

namespace mailmark::sqlite {

inline constexpr std::size_t kNoQuota = std::numeric_limits<std::size_t>::max();

struct MailboxGate {
  Id id;
  bool active = true;
  std::int64_t send_after = 0;  // ms: nothing is handed over before it
  std::optional<std::int64_t> daily_limit;
  SendGap gap;
  LocalDay today;
  std::int64_t sends_today = 0;
  std::optional<std::int64_t> in_flight;  // live leases, read once for ClaimQuota
};

// The gates of the mailboxes one transaction touches, read once each.
class MailboxGates {
 public:
  MailboxGates(Connection& c, Timestamp now) : c_(c), now_(now) {}
  MailboxGate* Of(const Id& mailbox_id);  // nullptr: no such mailbox
  // How many sends it may begin now: 0 when paused, between sends or full (a full mailbox's
  // send_after is set to the end of its day, so nothing wakes for it before then);
  // kNoQuota without a limit; 1 with a send gap (one email at a time).
  std::size_t Quota(MailboxGate& gate);
  // Quota less the mailbox's sends claimed but not yet recorded (live leases), so workers
  // claiming at the same time do not take more than it may send, and the oldest due go first.
  std::size_t ClaimQuota(MailboxGate& gate);
  // Counts one email handed over now (retries too). False, counting nothing, when the
  // mailbox may not send now. With a gap the mailbox stays closed until the send's outcome is
  // recorded (at most until `lease_until`, should the node die), then for the gap.
  bool TryBegin(MailboxGate& gate, Timestamp lease_until);
  // A send's outcome was recorded: with a gap, the next may begin after a fresh random pause.
  void AfterOutcome(MailboxGate& gate);

 private:
  void CloseUntil(MailboxGate& gate, std::int64_t until);
  Connection& c_;
  Timestamp now_;
  std::map<Id, std::optional<MailboxGate>> gates_;
};

// The mailbox's sends since it was last resumed whose outcome is known, newest first, at most
// `limit`: true for each that bounced.
std::vector<bool> RecentSendOutcomes(Connection& c, const Id& mailbox_id, std::size_t limit);

// Bounce protection: pauses the mailbox (pausedReason bounce_rate, with the figures) when its
// recent sends cross its threshold. Does nothing when protection is off or it is paused.
void JudgeBounceRate(Connection& c, const Id& mailbox_id, Timestamp now);

// A delivery report bounced `enrollment_id`: its latest sent message counts as a bounce for
// its mailbox's protection, which is judged again.
void CountReportedBounce(Connection& c, const Id& enrollment_id, Timestamp now);

}  // namespace mailmark::sqlite
