// The domain's objects (SPEC.md "Objects"). Plain data: rules live in *_rules.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace mailmark {

using Id = std::string;
using MergeFields = std::map<std::string, std::string>;

struct User {
  Id id;
  std::string name;
  std::string password_hash;  // argon2id string; empty when the user has no password
  Timestamp created_at;
};

enum class TransportType { kOutbox, kSmtp };
enum class TlsMode { kNone, kStartTls, kTls };

struct SmtpSettings {
  std::string host;
  int port = 587;
  TlsMode tls = TlsMode::kStartTls;
  bool tls_verify = true;
  std::string username;
  std::string password;
  // Envelope sender for bounces, e.g. "bounces@example.com": each message is then sent from
  // "bounces+<message id>@example.com" (VERP) so a delivery report names its message.
  // Empty: the mailbox's own address.
  std::string bounce_address;
};

struct ImapSettings {
  std::string host;
  int port = 993;
  TlsMode tls = TlsMode::kTls;
  std::string username;
  std::string password;
  std::string folder = "INBOX";
};

// A random pause between two emails of one mailbox, drawn uniformly from [min_ms, max_ms].
struct SendGap {
  std::int64_t min_ms = 0;
  std::int64_t max_ms = 0;
  bool enabled() const { return max_ms > 0; }
  bool operator==(const SendGap&) const = default;
};

// Pause the mailbox when more than max_percent of its last over_last sends bounced.
struct BounceProtection {
  int max_percent = 10;
  int over_last = 50;
  bool operator==(const BounceProtection&) const = default;
};

enum class MailboxStatus { kActive, kPaused };
enum class PauseReason { kNone, kManual, kBounceRate };

struct Mailbox {
  Id id;
  Id owner_id;
  std::string name;
  std::string from_name;
  std::string from_email;
  TransportType transport = TransportType::kOutbox;
  std::optional<SmtpSettings> smtp;  // set when transport is kSmtp
  std::optional<ImapSettings> imap;
  std::optional<std::int64_t> daily_limit;  // emails per local calendar day; nullopt: none
  std::string timezone = "UTC";             // IANA name or UTC±HH:MM; the day's midnight
  SendGap send_gap;
  std::optional<BounceProtection> bounce_protection = BounceProtection{};  // nullopt: off
  MailboxStatus status = MailboxStatus::kActive;
  PauseReason paused_reason = PauseReason::kNone;  // set while paused
  std::optional<Timestamp> paused_at;
  // Bounce protection's figures when it tripped: `bounced` of the last `sends` sends.
  std::int64_t paused_bounced = 0;
  std::int64_t paused_sends = 0;
  Timestamp created_at;
  Timestamp updated_at;
};

// A weekly sending window (SPEC.md "Sending like a person"): sends go out only on `days`,
// from `from_minute` (inclusive) to `to_minute` (exclusive) local time, in `timezone`, or in
// the contact's own zone (merge field `timezone`) with use_contact_timezone.
struct SendSchedule {
  std::string timezone = "UTC";
  std::uint8_t days = 0x1F;  // bit 0 Monday … bit 6 Sunday
  int from_minute = 9 * 60;  // minutes after local midnight
  int to_minute = 17 * 60;   // 1440 is "24:00"
  bool use_contact_timezone = false;
  bool operator==(const SendSchedule&) const = default;
};

enum class StepType { kSendEmail, kDelay };

struct Step {
  Id id;  // stable across edits and re-orders
  StepType type = StepType::kSendEmail;
  std::string subject;              // send_email
  std::string html;                 // send_email
  std::optional<std::string> text;  // send_email, optional plain-text body
  std::int64_t delay_ms = 0;        // delay
};

enum class SequenceStatus { kActive, kPaused, kCompleted };

struct Sequence {
  Id id;
  Id mailbox_id;
  Id owner_id;  // the mailbox's owner, for access checks
  std::string name;
  SequenceStatus status = SequenceStatus::kActive;
  std::vector<Step> steps;
  std::optional<SendSchedule> schedule;  // nullopt: any time
  // Other mailboxes of the same owner that new enrollments are spread over, with mailbox_id.
  std::vector<Id> rotation;
  Timestamp created_at;
  Timestamp updated_at;
};

enum class EnrollmentStatus { kActive, kCompleted, kReplied, kCancelled, kBounced };

struct Enrollment {
  Id id;
  Id sequence_id;
  Id mailbox_id;  // the mailbox it sends from, for every step (rotation pins it at enrollment)
  Id owner_id;
  std::string contact_email;  // normalised: trimmed, lower-case
  MergeFields merge_fields;
  EnrollmentStatus status = EnrollmentStatus::kActive;
  std::string status_reason;
  // The last step this enrollment ran (a send, or a delay it started waiting on).
  // Empty: nothing has run yet, the sequence's first step is next.
  std::optional<Id> last_step_id;
  std::optional<Timestamp> next_run_at;  // set while active
  // An out-of-office reply named a return date: nothing is sent before it. Cleared by the
  // next run.
  std::optional<Timestamp> paused_until;
  Timestamp created_at;
  Timestamp updated_at;
};

enum class MessageState { kSending, kSent, kFailed };

struct Message {
  Id id;
  Id enrollment_id;
  Id step_id;
  std::string message_id;  // RFC 5322 Message-ID, with the angle brackets
  std::string subject;     // as rendered when it was sent
  MessageState state = MessageState::kSending;
  std::string response;  // the transport's answer
  int attempts = 1;      // times it was handed to a transport
  Timestamp created_at;  // the first attempt
  std::optional<Timestamp> sent_at;
};

// One line of an enrollment's history: a status change or a notable event.
struct HistoryEntry {
  Timestamp at;
  std::string status;  // the enrollment's status after the event
  std::string cause;   // e.g. "enrolled", "sent:<step>", "cancelled_by_user"
};

// Stable text names used in the API and the database.
std::string_view ToString(TransportType t);
std::string_view ToString(TlsMode t);
std::string_view ToString(StepType t);
std::string_view ToString(SequenceStatus s);
std::string_view ToString(EnrollmentStatus s);
std::string_view ToString(MessageState s);
std::string_view ToString(MailboxStatus s);
std::string_view ToString(PauseReason r);  // "" for kNone
std::optional<TransportType> ParseTransportType(std::string_view s);
std::optional<TlsMode> ParseTlsMode(std::string_view s);
std::optional<StepType> ParseStepType(std::string_view s);
std::optional<SequenceStatus> ParseSequenceStatus(std::string_view s);
std::optional<EnrollmentStatus> ParseEnrollmentStatus(std::string_view s);
std::optional<MessageState> ParseMessageState(std::string_view s);
std::optional<MailboxStatus> ParseMailboxStatus(std::string_view s);
std::optional<PauseReason> ParsePauseReason(std::string_view s);

}  // namespace mailmark
