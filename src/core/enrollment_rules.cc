#include "core/enrollment_rules.h"

#include "core/email_address.h"

namespace mailmark {

std::string_view ToString(SuppressionReason r) {
  return r == SuppressionReason::kBounced ? "bounced" : "unsubscribed";
}

std::optional<SuppressionReason> ParseSuppressionReason(std::string_view s) {
  if (s == "bounced") return SuppressionReason::kBounced;
  if (s == "unsubscribed") return SuppressionReason::kUnsubscribed;
  return std::nullopt;
}

Status DecideEnrollment(const EnrollmentFacts& f) {
  if (f.sequence_status == SequenceStatus::kCompleted)
    return MakeError(ErrorKind::kConflict, "sequence_completed",
                     "This sequence is completed (archived): it takes no new enrollments.");
  if (f.latest_status == EnrollmentStatus::kActive)
    return MakeError(ErrorKind::kConflict, "already_enrolled",
                     "This contact is already active in this sequence.",
                     {{"enrollmentId", f.latest_id}});
  if (f.suppressed == SuppressionReason::kUnsubscribed)
    return MakeError(ErrorKind::kConflict, "contact_suppressed",
                     "This address unsubscribed from your emails; it cannot be enrolled again.",
                     {{"reason", "unsubscribed"}});
  if (f.force) return Ok{};
  if (f.latest_status == EnrollmentStatus::kReplied)
    return MakeError(ErrorKind::kConflict, "contact_replied",
                     "This contact replied to this sequence; send \"force\": true to enroll "
                     "them again.",
                     {{"enrollmentId", f.latest_id}});
  if (f.latest_status == EnrollmentStatus::kBounced)
    return MakeError(ErrorKind::kConflict, "contact_bounced",
                     "Email to this contact bounced in this sequence; send \"force\": true to "
                     "enroll them again.",
                     {{"enrollmentId", f.latest_id}});
  if (f.suppressed == SuppressionReason::kBounced)
    return MakeError(ErrorKind::kConflict, "contact_suppressed",
                     "Email to this address bounced in another sequence; send \"force\": true "
                     "to enroll it anyway.",
                     {{"reason", "bounced"}});
  return Ok{};
}

Result<std::string> CheckContactEmail(std::string_view raw) {
  std::string email = NormalizeEmail(raw);
  if (email.empty())
    return MakeError(ErrorKind::kInvalid, "missing_email", "contactEmail is required.");
  if (!IsValidEmail(email))
    return MakeError(ErrorKind::kInvalid, "invalid_email",
                     "\"" + email + "\" is not a valid email address.");
  return email;
}

bool IsFinal(EnrollmentStatus s) { return s != EnrollmentStatus::kActive; }

Status CheckTransition(EnrollmentStatus from, EnrollmentStatus to) {
  if (IsFinal(from))
    return MakeError(ErrorKind::kConflict, "enrollment_final",
                     "This enrollment is already " + std::string(ToString(from)) +
                         "; final statuses never change.",
                     {{"status", ToString(from)}});
  if (to == EnrollmentStatus::kActive)
    return MakeError(ErrorKind::kConflict, "invalid_transition",
                     "An enrollment cannot move back to active.");
  return Ok{};
}

Result<SequenceStatus> ApplySequenceAction(SequenceStatus from, SequenceAction action) {
  if (from == SequenceStatus::kCompleted)
    return MakeError(ErrorKind::kConflict, "sequence_completed",
                     "This sequence is completed; that cannot be undone.");
  switch (action) {
    case SequenceAction::kPause:
      return SequenceStatus::kPaused;
    case SequenceAction::kResume:
      return SequenceStatus::kActive;
    case SequenceAction::kComplete:
      return SequenceStatus::kCompleted;
  }
  return from;
}

Status CheckSequenceEditable(SequenceStatus status) {
  if (status == SequenceStatus::kCompleted)
    return MakeError(ErrorKind::kConflict, "sequence_completed",
                     "This sequence is completed (archived) and read-only.");
  return Ok{};
}

}  // namespace mailmark
