// When an active enrollment will really be sent at the earliest, for its `nextRunAt`: the
// store keeps a contact held by its mailbox's daily limit at its due time (so held steps keep
// their order and nothing rewrites them), and this adds the limit's hold for display.
#pragma once

#include <map>
#include <optional>

#include "core/model.h"
#include "core/time.h"
#include "store/store.h"

namespace mailmark {

// Pure: a mailbox that has reached its limit opens again when the limit resets; the window
// then has the last word.
Timestamp EarliestSend(Timestamp next_run_at, const std::optional<Timestamp>& mailbox_opens_at,
                       const std::optional<SendSchedule>& schedule, std::string_view contact_zone);

// Reads each mailbox's usage once per request.
class SendEstimator {
 public:
  SendEstimator(Store& store, Timestamp now) : store_(store), now_(now) {}
  // The enrollment with next_run_at moved to its earliest real send (active ones only).
  Enrollment Estimated(Enrollment e, const Sequence& sequence);

 private:
  std::optional<Timestamp> OpensAt(const Id& mailbox_id);
  Store& store_;
  Timestamp now_;
  std::map<Id, std::optional<Timestamp>> opens_;
};

}  // namespace mailmark
