// Owner-scoped lookups: another owner's object answers exactly like a missing one (404 with
// the same code and message), so ids leak nothing.
#pragma once

#include "core/model.h"
#include "core/result.h"
#include "store/store.h"

namespace mailmark {

Result<Mailbox> OwnedMailbox(Store& store, const User& user, const Id& id);
Result<Sequence> OwnedSequence(Store& store, const User& user, const Id& id);
Result<Enrollment> OwnedEnrollment(Store& store, const User& user, const Id& id);

Error MailboxNotFound();
Error SequenceNotFound();
Error EnrollmentNotFound();

}  // namespace mailmark
