#include "api/access.h"

#include "api/errors.h"

namespace mailmark {

Error MailboxNotFound() { return NotFound("mailbox_not_found", "No such mailbox."); }
Error SequenceNotFound() { return NotFound("sequence_not_found", "No such sequence."); }
Error EnrollmentNotFound() { return NotFound("enrollment_not_found", "No such enrollment."); }

Result<Mailbox> OwnedMailbox(Store& store, const User& user, const Id& id) {
  std::optional<Mailbox> m = store.GetMailbox(id);
  if (!m || m->owner_id != user.id) return MailboxNotFound();
  return std::move(*m);
}

Result<Sequence> OwnedSequence(Store& store, const User& user, const Id& id) {
  std::optional<Sequence> s = store.GetSequence(id);
  if (!s || s->owner_id != user.id) return SequenceNotFound();
  return std::move(*s);
}

Result<Enrollment> OwnedEnrollment(Store& store, const User& user, const Id& id) {
  std::optional<Enrollment> e = store.GetEnrollment(id);
  if (!e || e->owner_id != user.id) return EnrollmentNotFound();
  return std::move(*e);
}

}  // namespace mailmark
