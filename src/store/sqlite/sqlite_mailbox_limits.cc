// Mailboxes' sending limits as the API shows and changes them: usage, pause, resume.
#include <algorithm>

#include "core/send_window.h"
#include "core/time_zone.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sending_limits.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/storage_error.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

Error MailboxNotFound() {
  return MakeError(ErrorKind::kNotFound, "mailbox_not_found", "Mailbox not found.");
}

}  // namespace

Result<MailboxUsage> SqliteStore::GetMailboxUsage(const Id& mailbox_id, Timestamp now) {
  return Read("mailbox usage", Result<MailboxUsage>(StorageError()),
              [&](Connection& c) -> Result<MailboxUsage> {
                ReadTransaction snapshot(c);
                auto mailbox = FindMailbox(c, mailbox_id);
                if (!mailbox) return MailboxNotFound();
                auto zone = TimeZone::Parse(mailbox->timezone);
                const LocalDay today = DayOf(zone ? *zone : TimeZone::Utc(), now);
                MailboxUsage usage;
                usage.limit_resets_at = today.end;
                auto q =
                    c.Prepare("SELECT sends FROM mailbox_days WHERE mailbox_id = ? AND day = ?");
                q.Bind(mailbox_id, today.key);
                if (q.Step()) usage.sent_today = q.Int(0);
                const std::size_t window =
                    mailbox->bounce_protection
                        ? static_cast<std::size_t>(mailbox->bounce_protection->over_last)
                        : 50;
                usage.recent_outcomes = RecentSendOutcomes(c, mailbox_id, window);
                usage.recent_sends = static_cast<std::int64_t>(usage.recent_outcomes.size());
                usage.recent_bounced =
                    std::count(usage.recent_outcomes.begin(), usage.recent_outcomes.end(), true);
                return usage;
              });
}

Result<Mailbox> SqliteStore::PauseMailbox(const Id& mailbox_id, Timestamp now) {
  return Write<Mailbox>([&](Connection& c) -> Result<Mailbox> {
    auto mailbox = FindMailbox(c, mailbox_id);
    if (!mailbox) return MailboxNotFound();
    if (mailbox->status == MailboxStatus::kPaused)
      return MakeError(ErrorKind::kConflict, "mailbox_paused", "This mailbox is already paused.");
    c.Prepare(
         "UPDATE mailboxes SET status = 'paused', paused_reason = 'manual', paused_at = ?, "
         "paused_bounced = 0, paused_sends = 0, updated_at = ? WHERE id = ?")
        .Bind(now, now, mailbox_id)
        .Run();
    return *FindMailbox(c, mailbox_id);
  });
}

Result<Mailbox> SqliteStore::ResumeMailbox(const Id& mailbox_id, Timestamp now) {
  return Write<Mailbox>([&](Connection& c) -> Result<Mailbox> {
    auto mailbox = FindMailbox(c, mailbox_id);
    if (!mailbox) return MailboxNotFound();
    if (mailbox->status != MailboxStatus::kPaused)
      return MakeError(ErrorKind::kConflict, "mailbox_not_paused", "This mailbox is not paused.");
    // Judging afresh: the sends that tripped the protection no longer count.
    c.Prepare(
         "UPDATE mailboxes SET status = 'active', paused_reason = '', paused_at = NULL, "
         "paused_bounced = 0, paused_sends = 0, "
         "judged_after_pk = (SELECT COALESCE(MAX(pk), 0) FROM messages), send_after = 0, "
         "updated_at = ? WHERE id = ?")
        .Bind(now, mailbox_id)
        .Run();
    return *FindMailbox(c, mailbox_id);
  });
}

}  // namespace mailmark::sqlite
