// Who may be enrolled, and which status changes are allowed (SPEC.md "Enrollment",
// "Enrollment statuses", "Sequence statuses").
#pragma once

#include <optional>
#include <string>

#include "core/model.h"
#include "core/result.h"

namespace mailmark {

// Why an owner refuses an address in every sequence.
enum class SuppressionReason { kBounced, kUnsubscribed };
std::string_view ToString(SuppressionReason r);
std::optional<SuppressionReason> ParseSuppressionReason(std::string_view s);

// What is known about one contact when a request asks to enroll it into a sequence.
struct EnrollmentFacts {
  SequenceStatus sequence_status = SequenceStatus::kActive;
  // The contact's most recent enrollment in this sequence, if any.
  std::optional<EnrollmentStatus> latest_status;
  Id latest_id;
  std::optional<SuppressionReason> suppressed;  // the owner's suppression list
  bool force = false;
};

// Ok, or the reason the enrollment is refused:
//   sequence_completed (409), already_enrolled (409, details.enrollmentId),
//   contact_replied / contact_bounced (409, unless force),
//   contact_suppressed (409; an unsubscribe is never overridden, even by force).
Status DecideEnrollment(const EnrollmentFacts& facts);

// Validates and normalises a contact address: invalid_email (422) when it is not one.
Result<std::string> CheckContactEmail(std::string_view raw);

// Final statuses never change back: only active → {completed, replied, cancelled, bounced}.
bool IsFinal(EnrollmentStatus s);
Status CheckTransition(EnrollmentStatus from, EnrollmentStatus to);

// Sequence status changes asked for by a user.
enum class SequenceAction { kPause, kResume, kComplete };
// The new status, or 409 sequence_completed when the sequence is already completed.
// Pausing a paused or resuming an active sequence is a harmless no-op.
Result<SequenceStatus> ApplySequenceAction(SequenceStatus from, SequenceAction action);
// Edits (name, steps) are refused once a sequence is completed: it is archived, read-only.
Status CheckSequenceEditable(SequenceStatus status);

}  // namespace mailmark
