// The SELECT heads for each domain object and the functions that read a row back into one.
// A query's WHERE/ORDER BY is appended to the head; the readers expect its column order.
#pragma once

#include "core/enrollment_rules.h"
#include "core/model.h"
#include "store/sqlite/connection.h"

namespace mailmark::sqlite {

inline constexpr const char* kSelectUser =
    "SELECT u.id, u.name, u.password_hash, u.created_at FROM users u";

inline constexpr const char* kSelectMailbox =
    "SELECT id, owner_id, name, from_name, from_email, transport, smtp, imap, daily_limit, "
    "created_at, updated_at, timezone, send_gap_min_ms, send_gap_max_ms, bounce_max_percent, "
    "bounce_over_last, status, paused_reason, paused_at, paused_bounced, paused_sends "
    "FROM mailboxes";

inline constexpr const char* kSelectSequence =
    "SELECT s.id, s.mailbox_id, m.owner_id, s.name, s.status, s.steps, s.created_at, "
    "s.updated_at, s.schedule, s.rotation FROM sequences s JOIN mailboxes m ON m.id = s.mailbox_id";

// Column 12 is e.pk (the listing cursor's tie-breaker); later columns come after it.
inline constexpr const char* kSelectEnrollment =
    "SELECT e.id, e.sequence_id, COALESCE(e.mailbox_id, s.mailbox_id), m.owner_id, "
    "e.contact_email, e.merge_fields, "
    "e.status, e.status_reason, e.last_step_id, e.next_run_at, e.created_at, e.updated_at, e.pk, "
    "e.paused_until FROM enrollments e JOIN sequences s ON s.id = e.sequence_id "
    "JOIN mailboxes m ON m.id = s.mailbox_id";
inline constexpr int kEnrollmentPkColumn = 12;

inline constexpr const char* kSelectMessage =
    "SELECT id, enrollment_id, step_id, message_id, subject, state, response, created_at, "
    "sent_at, attempts FROM messages";

// Each throws std::runtime_error when the row holds a value no version of the code writes.
User ReadUser(const Query& q);
Mailbox ReadMailbox(const Query& q);
Sequence ReadSequence(const Query& q);
Enrollment ReadEnrollment(const Query& q);
Message ReadMessage(const Query& q);

// Strict parsers for stored enum names.
EnrollmentStatus StoredEnrollmentStatus(const std::string& s);
SequenceStatus StoredSequenceStatus(const std::string& s);
SuppressionReason StoredSuppressionReason(const std::string& s);

}  // namespace mailmark::sqlite
