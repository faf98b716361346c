#include "store/sqlite/rows.h"

#include <stdexcept>

#include "store/sqlite/codec.h"

namespace mailmark::sqlite {
namespace {

template <typename T>
T Known(std::optional<T> v, const std::string& text, const char* what) {
  if (!v) throw std::runtime_error(std::string("unknown stored ") + what + " \"" + text + "\"");
  return *v;
}

}  // namespace

EnrollmentStatus StoredEnrollmentStatus(const std::string& s) {
  return Known(ParseEnrollmentStatus(s), s, "enrollment status");
}
SequenceStatus StoredSequenceStatus(const std::string& s) {
  return Known(ParseSequenceStatus(s), s, "sequence status");
}
SuppressionReason StoredSuppressionReason(const std::string& s) {
  return Known(ParseSuppressionReason(s), s, "suppression reason");
}

User ReadUser(const Query& q) { return User{q.Text(0), q.Text(1), q.Text(2), q.Time(3)}; }

Mailbox ReadMailbox(const Query& q) {
  Mailbox m;
  m.id = q.Text(0);
  m.owner_id = q.Text(1);
  m.name = q.Text(2);
  m.from_name = q.Text(3);
  m.from_email = q.Text(4);
  m.transport = Known(ParseTransportType(q.Text(5)), q.Text(5), "transport");
  m.smtp = SmtpFromJson(q.OptText(6));
  m.imap = ImapFromJson(q.OptText(7));
  m.daily_limit = q.OptInt(8);
  m.created_at = q.Time(9);
  m.updated_at = q.Time(10);
  m.timezone = q.Text(11);
  m.send_gap = SendGap{q.Int(12), q.Int(13)};
  if (auto percent = q.OptInt(14))
    m.bounce_protection =
        BounceProtection{static_cast<int>(*percent), static_cast<int>(q.OptInt(15).value_or(50))};
  else
    m.bounce_protection.reset();
  m.status = Known(ParseMailboxStatus(q.Text(16)), q.Text(16), "mailbox status");
  m.paused_reason = Known(ParsePauseReason(q.Text(17)), q.Text(17), "pause reason");
  m.paused_at = q.OptTime(18);
  m.paused_bounced = q.Int(19);
  m.paused_sends = q.Int(20);
  return m;
}

Sequence ReadSequence(const Query& q) {
  Sequence s;
  s.id = q.Text(0);
  s.mailbox_id = q.Text(1);
  s.owner_id = q.Text(2);
  s.name = q.Text(3);
  s.status = StoredSequenceStatus(q.Text(4));
  s.steps = StepsFromJson(q.Text(5));
  s.created_at = q.Time(6);
  s.updated_at = q.Time(7);
  s.schedule = ScheduleFromJson(q.OptText(8));
  s.rotation = IdsFromJson(q.Text(9));
  return s;
}

Enrollment ReadEnrollment(const Query& q) {
  Enrollment e;
  e.id = q.Text(0);
  e.sequence_id = q.Text(1);
  e.mailbox_id = q.Text(2);
  e.owner_id = q.Text(3);
  e.contact_email = q.Text(4);
  e.merge_fields = MergeFieldsFromJson(q.Text(5));
  e.status = StoredEnrollmentStatus(q.Text(6));
  e.status_reason = q.Text(7);
  e.last_step_id = q.OptText(8);
  e.next_run_at = q.OptTime(9);
  e.created_at = q.Time(10);
  e.updated_at = q.Time(11);
  e.paused_until = q.OptTime(13);
  return e;
}

Message ReadMessage(const Query& q) {
  Message m;
  m.id = q.Text(0);
  m.enrollment_id = q.Text(1);
  m.step_id = q.Text(2);
  m.message_id = q.Text(3);
  m.subject = q.Text(4);
  m.state = Known(ParseMessageState(q.Text(5)), q.Text(5), "message state");
  m.response = q.Text(6);
  m.created_at = q.Time(7);
  m.sent_at = q.OptTime(8);
  m.attempts = static_cast<int>(q.Int(9));
  return m;
}

}  // namespace mailmark::sqlite
