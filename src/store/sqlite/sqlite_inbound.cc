// Inbound mail: finding the message a reply or a bounce is about, the IMAP pollers' cursors
// and statuses, and history lines that change no status.
#include "core/email_address.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/store_ops.h"

namespace mailmark::sqlite {
namespace {

constexpr const char* kSelectSentRef =
    "SELECT e.id, msg.id, msg.message_id, e.contact_email, msg.subject, "
    "COALESCE(msg.mailbox_id, s.mailbox_id), "
    "msg.created_at FROM messages msg JOIN enrollments e ON e.id = msg.enrollment_id "
    "JOIN sequences s ON s.id = e.sequence_id";

SentMessageRef ReadSentRef(const Query& q) {
  return SentMessageRef{q.Text(0), q.Text(1), q.Text(2), q.Text(3),
                        q.Text(4), q.Text(5), q.Time(6)};
}

std::optional<SentMessageRef> OneSentRef(Connection& c, const std::string& where,
                                         std::string_view key) {
  auto q = c.Prepare(std::string(kSelectSentRef) + where);
  q.Bind(key);
  if (!q.Step()) return std::nullopt;
  return ReadSentRef(q);
}

Error MailboxNotFound() {
  return MakeError(ErrorKind::kNotFound, "mailbox_not_found", "Mailbox not found.");
}

}  // namespace

std::vector<Mailbox> SqliteStore::ListImapMailboxes() {
  return Read("list imap mailboxes", std::vector<Mailbox>{}, [&](Connection& c) {
    auto q = c.Prepare(std::string(kSelectMailbox) + " WHERE imap IS NOT NULL ORDER BY rowid");
    std::vector<Mailbox> out;
    while (q.Step()) out.push_back(ReadMailbox(q));
    return out;
  });
}

std::optional<SentMessageRef> SqliteStore::FindSentMessage(std::string_view message_id) {
  if (message_id.empty()) return std::nullopt;
  return Read("find sent message", std::optional<SentMessageRef>{}, [&](Connection& c) {
    return OneSentRef(c, " WHERE msg.message_id = ?", message_id);
  });
}

std::optional<SentMessageRef> SqliteStore::FindSentMessageByRowId(const Id& message_row_id) {
  if (message_row_id.empty()) return std::nullopt;
  return Read("find sent message by row", std::optional<SentMessageRef>{},
              [&](Connection& c) { return OneSentRef(c, " WHERE msg.id = ?", message_row_id); });
}

std::vector<SentMessageRef> SqliteStore::ListRecentSentTo(const Id& mailbox_id,
                                                          const std::string& contact_email,
                                                          std::size_t limit) {
  return Read("list recent sends", std::vector<SentMessageRef>{}, [&](Connection& c) {
    auto q = c.Prepare(std::string(kSelectSentRef) +
                       " WHERE e.contact_email = ? AND COALESCE(msg.mailbox_id, s.mailbox_id) = ? "
                       "AND msg.state IN "
                       "('sent', 'sending') ORDER BY msg.created_at DESC, msg.pk DESC LIMIT ?");
    q.Bind(NormalizeEmail(contact_email), mailbox_id, limit);
    std::vector<SentMessageRef> out;
    while (q.Step()) out.push_back(ReadSentRef(q));
    return out;
  });
}

std::optional<ImapCursorRow> SqliteStore::LoadImapCursor(const Id& mailbox_id) {
  return Read(
      "load imap cursor", std::optional<ImapCursorRow>{},
      [&](Connection& c) -> std::optional<ImapCursorRow> {
        auto q = c.Prepare("SELECT uid_validity, last_uid FROM imap_cursors WHERE mailbox_id = ?");
        q.Bind(mailbox_id);
        if (!q.Step()) return std::nullopt;
        return ImapCursorRow{static_cast<std::uint32_t>(q.Int(0)),
                             static_cast<std::uint32_t>(q.Int(1))};
      });
}

Status SqliteStore::SaveImapCursor(const Id& mailbox_id, std::uint32_t uid_validity,
                                   std::uint32_t last_uid) {
  return Write<Ok>([&](Connection& c) -> Status {
    try {
      c.Prepare(
           "INSERT INTO imap_cursors (mailbox_id, uid_validity, last_uid) VALUES (?, ?, ?) "
           "ON CONFLICT (mailbox_id) DO UPDATE SET uid_validity = excluded.uid_validity, "
           "last_uid = excluded.last_uid")
          .Bind(mailbox_id, static_cast<std::int64_t>(uid_validity),
                static_cast<std::int64_t>(last_uid))
          .Run();
    } catch (const SqliteError& e) {
      if (!e.IsForeignKeyViolation()) throw;
      return MailboxNotFound();
    }
    return Ok{};
  });
}

Status SqliteStore::SaveImapStatus(const Id& mailbox_id, bool connected,
                                   const std::string& last_error, Timestamp at) {
  return Write<Ok>([&](Connection& c) -> Status {
    try {
      c.Prepare(
           "INSERT INTO imap_status (mailbox_id, connected, last_error, at) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (mailbox_id) DO UPDATE SET connected = excluded.connected, "
           "last_error = excluded.last_error, at = excluded.at")
          .Bind(mailbox_id, connected ? 1 : 0, last_error, at)
          .Run();
    } catch (const SqliteError& e) {
      if (!e.IsForeignKeyViolation()) throw;
      return MailboxNotFound();
    }
    return Ok{};
  });
}

std::optional<ImapStatusRow> SqliteStore::LoadImapStatus(const Id& mailbox_id) {
  return Read("load imap status", std::optional<ImapStatusRow>{},
              [&](Connection& c) -> std::optional<ImapStatusRow> {
                auto q = c.Prepare(
                    "SELECT connected, last_error, at FROM imap_status WHERE mailbox_id = ?");
                q.Bind(mailbox_id);
                if (!q.Step()) return std::nullopt;
                return ImapStatusRow{q.Int(0) != 0, q.Text(1), q.Time(2)};
              });
}

Status SqliteStore::RecordInboundEvent(const Id& enrollment_id, const std::string& cause,
                                       Timestamp at) {
  return Write<Ok>([&](Connection& c) -> Status {
    auto e = FindEnrollment(c, enrollment_id);
    if (!e) return MakeError(ErrorKind::kNotFound, "enrollment_not_found", "Enrollment not found.");
    AppendEvent(c, e->id, at, ToString(e->status), cause);
    return Ok{};
  });
}

}  // namespace mailmark::sqlite
