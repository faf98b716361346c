// Queries shared by several SqliteStore methods, run on whichever connection the caller
// holds (the writer inside a job, or a reader).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/enrollment_rules.h"
#include "core/model.h"
#include "store/sqlite/connection.h"

namespace mailmark::sqlite {

std::optional<User> FindUser(Connection& conn, const Id& id);
std::optional<Mailbox> FindMailbox(Connection& conn, const Id& id);
std::optional<Sequence> FindSequence(Connection& conn, const Id& id);
std::optional<Enrollment> FindEnrollment(Connection& conn, const Id& id);
// The enrollment's messages in the order they were written.
std::vector<Message> MessagesOf(Connection& conn, const Id& enrollment_id);

void AppendEvent(Connection& conn, const Id& enrollment_id, Timestamp at, std::string_view status,
                 std::string_view cause);
// Adds the address to the owner's list. An unsubscribe is never downgraded to a bounce.
void UpsertSuppression(Connection& conn, const Id& owner_id, const std::string& email,
                       SuppressionReason reason, Timestamp now);

// Every active enrollment of the address with this owner, in any sequence.
std::vector<Enrollment> ActiveEnrollmentsOf(Connection& conn, const Id& owner_id,
                                            const std::string& email);

// Writes a final status (clearing next_run_at and any lease) and its history line. A bounce
// here does not suppress the address: SuppressBouncedAddress decides that.
void WriteFinalStatus(Connection& conn, const Enrollment& e, EnrollmentStatus to,
                      std::string_view cause, std::string_view reason, Timestamp now);

// The recipient `e` was sent to was refused: the address goes on the owner's suppression list
// and the owner's other active enrollments of it bounce too (cause "address_bounced_elsewhere",
// status reason `reason`), so none of them keeps mailing a dead address.
void SuppressBouncedAddress(Connection& conn, const Enrollment& e, std::string_view reason,
                            Timestamp now);

}  // namespace mailmark::sqlite
