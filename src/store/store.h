// The durable store: the single source of truth between the mail path's stages.
// Every method is one transaction. Implementations: sqlite/ (embedded, the default) and,
// later, postgres/. Both run the one suite in store_test_suite.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrollment_rules.h"
#include "core/model.h"
#include "core/result.h"
#include "core/step_rules.h"

namespace mailmark {

// ---- enrollment -----------------------------------------------------------------------------

struct NewEnrollment {
  std::string contact_email;  // already normalised and validated (CheckContactEmail)
  MergeFields merge_fields;
  bool force = false;
};

// The answer to one NewEnrollment: the enrollment created, or why it was refused
// (DecideEnrollment's errors, e.g. already_enrolled with details.enrollmentId).
struct EnrollOutcome {
  std::optional<Enrollment> enrollment;
  std::optional<Error> error;
};

struct EnrollmentPage {
  std::vector<Enrollment> enrollments;
  std::optional<std::string> next_cursor;  // opaque; absent on the last page
};

struct SequenceCounts {
  std::int64_t active = 0, completed = 0, replied = 0, cancelled = 0, bounced = 0;
};

// What one send_email step came to (docs/api.md "stepStats"):
//  - sent: its messages in state sent (a delivery report that bounces one later does not
//    take it back);
//  - bounced: its messages the transport refused for good (state failed), plus the
//    enrollments that a delivery report bounced (status bounced without a failed message),
//    counted on the step they had last sent (a withdrawn message, never sent, is neither);
//  - replied: enrollments in status replied whose last sent step it is.
struct StepStats {
  Id step_id;
  std::int64_t sent = 0, replied = 0, bounced = 0;
  bool operator==(const StepStats&) const = default;
};

struct EnrollmentFilter {
  std::optional<EnrollmentStatus> status;
  // A piece of the contact's address, matched literally ('%' and '_' are plain characters)
  // and without regard to ASCII case. Empty: no filter.
  std::string email_contains;
};

// ---- sending limits -------------------------------------------------------------------------

// Where a mailbox stands against its limits at some instant (the API's sentToday,
// limitResetsAt and bounce figures).
struct MailboxUsage {
  std::int64_t sent_today = 0;  // emails handed to a transport on its local day, retries too
  Timestamp limit_resets_at;    // the next local midnight of the mailbox's zone
  // Bounce protection's window: its sends since it was last resumed (at most overLast of
  // them, sends whose outcome is known), and how many of those bounced.
  std::int64_t recent_sends = 0;
  std::int64_t recent_bounced = 0;
  std::vector<bool> recent_outcomes;  // those sends, newest first: true for a bounce
};

// ---- inbound --------------------------------------------------------------------------------

// One message we sent (any state: a reply or a bounce may name a message whose outcome was
// never recorded), with what inbound matching needs.
struct SentMessageRef {
  Id enrollment_id;
  Id message_row_id;       // messages.id ("msg_…", the VERP tag)
  std::string message_id;  // RFC 5322 Message-ID, "<id>"
  std::string contact_email;
  std::string subject;  // as rendered when it was sent
  Id mailbox_id;
  Timestamp created_at;
};

// Where a mailbox's IMAP poller stands: every message up to last_uid has been handled.
struct ImapCursorRow {
  std::uint32_t uid_validity = 0;
  std::uint32_t last_uid = 0;
  bool operator==(const ImapCursorRow&) const = default;
};

// The last thing the poller said about its connection (shown on the mailbox).
struct ImapStatusRow {
  bool connected = false;
  std::string last_error;
  Timestamp at;
};

// ---- scheduling -----------------------------------------------------------------------------

// A due enrollment, leased to the claiming node until the lease expires.
struct ClaimedEnrollment {
  Enrollment enrollment;  // next_run_at holds the time it fell due
  std::optional<Message>
      pending;                // a message left `sending` (crash, or a retry): reuse its Message-ID
  std::vector<Message> sent;  // its messages in state sent, oldest first (for threading)
};

// How a withdrawn message's response begins (see StepOutcome::response).
inline constexpr std::string_view kWithdrawnResponsePrefix = "withdrawn";

// A send about to be handed to a transport.
struct SendStart {
  Id enrollment_id;
  Id step_id;
  std::string message_id;  // RFC 5322 Message-ID with angle brackets
  std::string subject;
  std::optional<Id> existing_message;  // the pending row being retried: no new row is written
};

// What one run of an enrollment came to. Applied only while the run still holds the lease;
// if the enrollment became final meanwhile (a user cancelled it), only the message is updated.
struct StepOutcome {
  Id enrollment_id;
  // Set when this run sent step `ran_step_id` (or found it already sent): the store moves the
  // enrollment past it with AdvanceAfterSend against the sequence's steps as they are INSIDE
  // the transaction, so an edit made while the send was in flight is honoured. `last_step_id`,
  // `next_run_at` and a kActive/kCompleted `status` given here are then ignored.
  std::optional<Id> ran_step_id;
  // For kBounced: the recipient itself was refused (e.g. 550 5.1.1 at RCPT), so the address
  // goes on the owner's suppression list and the owner's other active enrollments of it are
  // bounced too. False for retries_exhausted and message-level rejections.
  bool suppress_address = false;
  std::optional<Id> message;  // the message row this run handed to a transport
  MessageState message_state = MessageState::kSent;  // kSending: keep it pending for a retry
  // The transport's answer. A kFailed message whose response starts with
  // kWithdrawnResponsePrefix was never sent (withdrawn just before): it counts nowhere.
  std::string response;
  // Without ran_step_id: the last step the run saw at its claim. The store keeps the one it
  // holds (a remap may have moved it meanwhile); a kCompleted decided on a last step that has
  // moved since is not taken, and the enrollment is due again at once instead.
  std::optional<Id> last_step_id;
  std::optional<Timestamp> next_run_at;  // when it stays active
  EnrollmentStatus status = EnrollmentStatus::kActive;
  std::string status_reason;        // for a final status, e.g. the bounce text
  std::vector<std::string> events;  // history causes to append, e.g. "sent stp_1 <id@x>"
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- users and credentials ----
  // 409 user_exists when the name is taken.
  virtual Result<User> CreateUser(const std::string& name, const std::string& password_hash,
                                  Timestamp now) = 0;
  virtual std::optional<User> FindUserByName(std::string_view name) = 0;
  virtual std::optional<User> FindUserById(const Id& id) = 0;
  virtual std::int64_t CountUsers() = 0;
  // A credential is stored only as a hash. kind: "api" (no expiry) or "session".
  virtual Status AddCredential(const Id& user_id, const std::string& token_hash,
                               std::string_view kind, std::optional<Timestamp> expires_at,
                               Timestamp now) = 0;
  virtual std::optional<User> FindUserByCredential(const std::string& token_hash,
                                                   Timestamp now) = 0;
  virtual Status DeleteCredential(const std::string& token_hash) = 0;

  // ---- mailboxes ----
  virtual Result<Mailbox> CreateMailbox(const Mailbox& mailbox) = 0;
  virtual std::optional<Mailbox> GetMailbox(const Id& id) = 0;
  virtual std::vector<Mailbox> ListMailboxes(const Id& owner_id) = 0;
  virtual Result<Mailbox> UpdateMailbox(const Mailbox& mailbox) = 0;
  // 409 mailbox_in_use while any of its sequences (active or paused) has active enrollments;
  // otherwise deletes the mailbox with its sequences, enrollments and messages.
  virtual Status DeleteMailbox(const Id& id) = 0;
  // 404 mailbox_not_found.
  virtual Result<MailboxUsage> GetMailboxUsage(const Id& mailbox_id, Timestamp now) = 0;
  // Stops every send from the mailbox (pausedReason manual); its due steps wait like a paused
  // sequence's. 404 mailbox_not_found, 409 mailbox_paused when it is already paused.
  virtual Result<Mailbox> PauseMailbox(const Id& mailbox_id, Timestamp now) = 0;
  // Sends again; bounce protection judges afresh, only sends made from `now` on.
  // 404 mailbox_not_found, 409 mailbox_not_paused.
  virtual Result<Mailbox> ResumeMailbox(const Id& mailbox_id, Timestamp now) = 0;

  // ---- sequences ----
  // The schedule and rotation are stored with it. 422 invalid_rotation (details.mailboxId)
  // when a rotation member does not exist, belongs to another owner, or is its own mailbox.
  virtual Result<Sequence> CreateSequence(const Sequence& sequence) = 0;
  virtual std::optional<Sequence> GetSequence(const Id& id) = 0;
  virtual std::vector<Sequence> ListSequences(const Id& mailbox_id) = 0;
  // Replaces name, steps, schedule and rotation (checked as by CreateSequence). A changed
  // schedule moves every active enrollment's next run into the new window, from the time its
  // step fell due by the calendar. `remap` (RemapRemovedSteps) moves active enrollments whose last
  // step was removed, in the same transaction. 409 sequence_completed when archived.
  // `unchanged_since`: the updated_at of the version the edit was made from; when the stored
  // one differs, someone else saved in between and 409 sequence_changed refuses the edit
  // rather than silently undoing theirs. nullopt: no check.
  virtual Result<Sequence> UpdateSequence(const Sequence& sequence, const StepRemap& remap,
                                          Timestamp now,
                                          std::optional<Timestamp> unchanged_since) = 0;
  Result<Sequence> UpdateSequence(const Sequence& sequence, const StepRemap& remap, Timestamp now) {
    return UpdateSequence(sequence, remap, now, std::nullopt);
  }
  // ApplySequenceAction in a transaction; completing cancels every active enrollment
  // (cause "sequence_completed") in the same transaction.
  virtual Result<Sequence> ApplyAction(const Id& sequence_id, SequenceAction action,
                                       Timestamp now) = 0;
  virtual SequenceCounts CountEnrollments(const Id& sequence_id) = 0;
  // One StepStats per send_email step of the sequence as it is now, in step order (zeros for
  // a step nothing happened on; steps removed by an edit are not reported). One grouped
  // query. 404 sequence_not_found.
  virtual Result<std::vector<StepStats>> CountStepStats(const Id& sequence_id) = 0;

  // ---- enrollments ----
  // One transaction for the whole batch; each contact decided by DecideEnrollment against
  // the state including the batch's earlier rows. New enrollments are due at `now`, their
  // first run at the sequence's window's next opening (in the contact's zone with
  // useContactTimezone: a merge field `timezone` that does not parse is then refused, 422
  // invalid_timezone). With a rotation, each is pinned to a mailbox in turn among those with
  // room today (limit minus sent minus already assigned and due today), skipping full and
  // paused ones; when none has room, in turn among those not paused.
  // 404 sequence_not_found when the sequence does not exist.
  virtual Result<std::vector<EnrollOutcome>> Enroll(const Id& sequence_id,
                                                    const std::vector<NewEnrollment>& batch,
                                                    Timestamp now) = 0;
  virtual std::optional<Enrollment> GetEnrollment(const Id& id) = 0;
  // Oldest first. 400 invalid_cursor for a cursor this store did not make.
  virtual Result<EnrollmentPage> ListEnrollments(const Id& sequence_id,
                                                 std::optional<EnrollmentStatus> status,
                                                 std::size_t limit, std::string_view cursor) = 0;
  // ListEnrollments with every filter; cursors of either are interchangeable (they hold a
  // position, not the filter).
  virtual Result<EnrollmentPage> SearchEnrollments(const Id& sequence_id,
                                                   const EnrollmentFilter& filter,
                                                   std::size_t limit, std::string_view cursor) = 0;
  virtual std::vector<Message> ListMessages(const Id& enrollment_id) = 0;
  virtual std::vector<HistoryEntry> ListHistory(const Id& enrollment_id) = 0;
  // active → a final status (CheckTransition), with history. kBounced also adds the address
  // to the owner's suppression list.
  virtual Result<Enrollment> FinishEnrollment(const Id& id, EnrollmentStatus to,
                                              const std::string& cause, const std::string& reason,
                                              Timestamp now) = 0;
  // An out-of-office reply named a return date: the active enrollment sends nothing before
  // `until` (next_run_at = max(next_run_at, until); never earlier), with a history line
  // (status active, `cause`). The next recorded run clears the pause. 404 enrollment_not_found,
  // 409 enrollment_final, 422 pause_not_ahead when `until` is not after `now`.
  virtual Result<Enrollment> PauseEnrollmentUntil(const Id& enrollment_id, Timestamp until,
                                                  const std::string& cause, Timestamp now) = 0;
  virtual Status Suppress(const Id& owner_id, const std::string& email, SuppressionReason reason,
                          Timestamp now) = 0;
  virtual std::optional<SuppressionReason> FindSuppression(const Id& owner_id,
                                                           const std::string& email) = 0;

  // ---- scheduler ----
  // Leases up to `limit` due enrollments (active, in an active sequence, next_run_at <= now,
  // and not leased, or leased with an expired lease), earliest first.
  virtual std::vector<ClaimedEnrollment> ClaimDue(Timestamp now, std::string_view node,
                                                  Timestamp lease_until, std::size_t limit) = 0;
  // The earliest moment some enrollment becomes claimable (due and unleased, or its lease
  // expires), or nullopt when nothing is pending.
  virtual std::optional<Timestamp> NextWakeAt() = 0;
  // Per start: the message row (new, `sending`, or the pending one reused), or nullopt when
  // it must not be sent because the enrollment is no longer active, its sequence is no longer
  // active, or `node` no longer holds its lease. The check and the write are one transaction.
  virtual std::vector<std::optional<Message>> BeginSends(std::string_view node,
                                                         const std::vector<SendStart>& starts,
                                                         Timestamp now) = 0;
  // Whether a send to this enrollment may still go out: it is active, its sequence is active,
  // and no out-of-office pause runs past `now`. A cheap read (no lease check, no merge
  // fields) that a transport asks right before each message goes on the wire; false for an
  // unknown id, and on a storage failure (sending nothing is the safe side).
  virtual bool StillSendable(const Id& enrollment_id, Timestamp now) = 0;
  // Applies the outcomes and releases their leases, in one transaction.
  virtual void RecordOutcomes(std::string_view node, const std::vector<StepOutcome>& outcomes,
                              Timestamp now) = 0;
  // Releases the leases `node` holds, and those of its workers, named "<node>/<anything>"
  // (graceful shutdown; with SQLite, the server's own leases at start).
  virtual void ReleaseLeases(std::string_view node) = 0;
  // Extends the leases `node` still holds on these enrollments (a batch whose delivery takes
  // long keeps them, so no other worker or node takes them over mid-send).
  virtual void RenewLeases(std::string_view node, const std::vector<Id>& enrollment_ids,
                           Timestamp lease_until) = 0;

  // ---- unsubscribe ----
  // A named server secret (e.g. "unsubscribe"): 32 random bytes made on first use, then the
  // same forever, shared by every node of the database.
  virtual Result<std::string> GetOrCreateSecret(std::string_view name) = 0;
  // Unsubscribes the enrollment's contact, in one transaction: the address goes on the owner's
  // suppression list (reason unsubscribed; an existing bounced entry becomes unsubscribed) and
  // every active enrollment of the address with this owner, in any sequence, is cancelled
  // with cause and status reason "unsubscribed". Idempotent: a second call changes nothing
  // and succeeds. 404 enrollment_not_found.
  virtual Result<Enrollment> Unsubscribe(const Id& enrollment_id, Timestamp now) = 0;

  // ---- inbound ----
  // Every mailbox, of every owner, that has IMAP settings (the inbound service polls them).
  virtual std::vector<Mailbox> ListImapMailboxes() = 0;
  // The message we sent with this RFC Message-ID ("<id>", compared exactly), or nullopt.
  virtual std::optional<SentMessageRef> FindSentMessage(std::string_view message_id) = 0;
  // The message by its row id (the VERP tag of a bounce address, "msg_…"), or nullopt.
  virtual std::optional<SentMessageRef> FindSentMessageByRowId(const Id& message_row_id) = 0;
  // The mailbox's latest messages (sent or sending) to the contact, newest first, at most
  // `limit`. The caller compares subjects: the store knows no subject rules.
  virtual std::vector<SentMessageRef> ListRecentSentTo(const Id& mailbox_id,
                                                       const std::string& contact_email,
                                                       std::size_t limit) = 0;
  virtual std::optional<ImapCursorRow> LoadImapCursor(const Id& mailbox_id) = 0;
  // Durable on Ok. 404 mailbox_not_found when the mailbox is gone.
  virtual Status SaveImapCursor(const Id& mailbox_id, std::uint32_t uid_validity,
                                std::uint32_t last_uid) = 0;
  virtual Status SaveImapStatus(const Id& mailbox_id, bool connected, const std::string& last_error,
                                Timestamp at) = 0;
  virtual std::optional<ImapStatusRow> LoadImapStatus(const Id& mailbox_id) = 0;
  // A history line (the enrollment's current status, this cause) without a status change.
  // 404 enrollment_not_found.
  virtual Status RecordInboundEvent(const Id& enrollment_id, const std::string& cause,
                                    Timestamp at) = 0;
};

}  // namespace mailmark
