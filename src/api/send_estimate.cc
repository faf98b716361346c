#include "api/send_estimate.h"

#include <algorithm>

#include "core/send_window.h"

namespace mailmark {

Timestamp EarliestSend(Timestamp next_run_at, const std::optional<Timestamp>& mailbox_opens_at,
                       const std::optional<SendSchedule>& schedule, std::string_view contact_zone) {
  if (!mailbox_opens_at || *mailbox_opens_at <= next_run_at) return next_run_at;
  return NextSendTime(schedule, contact_zone, *mailbox_opens_at);
}

std::optional<Timestamp> SendEstimator::OpensAt(const Id& mailbox_id) {
  auto it = opens_.find(mailbox_id);
  if (it != opens_.end()) return it->second;
  std::optional<Timestamp> opens;
  std::optional<Mailbox> mailbox = store_.GetMailbox(mailbox_id);
  if (mailbox && mailbox->daily_limit) {
    Result<MailboxUsage> usage = store_.GetMailboxUsage(mailbox_id, now_);
    if (usage && usage->sent_today >= *mailbox->daily_limit) opens = usage->limit_resets_at;
  }
  opens_.emplace(mailbox_id, opens);
  return opens;
}

Enrollment SendEstimator::Estimated(Enrollment e, const Sequence& sequence) {
  if (e.status != EnrollmentStatus::kActive || !e.next_run_at) return e;
  auto zone = e.merge_fields.find("timezone");
  e.next_run_at = EarliestSend(
      *e.next_run_at, OpensAt(e.mailbox_id), sequence.schedule,
      zone == e.merge_fields.end() ? std::string_view() : std::string_view(zone->second));
  return e;
}

}  // namespace mailmark
