// The API's JSON shapes (shared/spec/API.md) ⇄ the domain model. Answers are plain functions;
// request parsers are strict (json_reader.h) and fill only what a client may set: ids,
// owners and times are the route's business.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/model.h"
#include "core/result.h"
#include "store/store.h"

namespace mailmark {

// ---- answers ----
nlohmann::json UserJson(const User& user);
// Secrets never leave: passwords show as "hasPassword". `usage` adds sentToday,
// limitResetsAt, recentSends and recentBounced; without it those keys are left out.
nlohmann::json MailboxJson(const Mailbox& mailbox, const std::optional<MailboxUsage>& usage);
nlohmann::json StepJson(const Step& step);
nlohmann::json SequenceJson(const Sequence& sequence, const SequenceCounts& counts);
// {"timezone","days":["mon",…],"from":"HH:MM","to":"HH:MM","useContactTimezone"}, or null.
nlohmann::json ScheduleJson(const std::optional<SendSchedule>& schedule);
// [{"stepId","sent","replied","bounced"}], in the order given.
nlohmann::json StepStatsJson(const std::vector<StepStats>& stats);
// The list form. `sequence` is the enrollment's: its steps give currentStepId (null unless
// active), its schedule the zone the contact's sends are judged in (sendTimezone).
nlohmann::json EnrollmentJson(const Enrollment& enrollment, const Sequence& sequence);
// The full form: the list form plus messages and history.
nlohmann::json EnrollmentDetailJson(const Enrollment& enrollment, const Sequence& sequence,
                                    const std::vector<Message>& messages,
                                    const std::vector<HistoryEntry>& history);
nlohmann::json MessageJson(const Message& message);
nlohmann::json HistoryJson(const HistoryEntry& entry);

// ---- requests ----
// POST /api/mailboxes: name, fromName, fromEmail, transport (default outbox), imap, dailyLimit,
// timezone, sendGap, bounceProtection. The fields the server keeps (status, pausedReason,
// sentToday…) may be echoed back and are dropped, so a client can send what it read.
Result<Mailbox> ParseNewMailbox(const nlohmann::json& body);
// PATCH: the given fields replace the current ones; an smtp/imap password left out keeps the
// stored one; "imap": null and "dailyLimit": null remove them, "bounceProtection": null turns
// it off, "sendGap": null is no gap.
Result<Mailbox> ParseMailboxPatch(const nlohmann::json& body, Mailbox current);

// The longest gap sendGap may ask for between two emails of a mailbox: a day.
inline constexpr std::int64_t kMaxSendGapMs = 24LL * 60 * 60 * 1000;
inline constexpr int kMaxBounceWindow = 10000;  // bounceProtection.overLast
// A sequence's rotation names at most this many other mailboxes.
inline constexpr std::size_t kMaxRotation = 50;

// A step list as sent (ids kept as given, empty when absent). Shape and per-step field rules
// only: the list as a whole is judged by ValidateSteps. Over kMaxSteps entries is 413
// too_many_steps before any is read.
Result<std::vector<Step>> ParseSteps(const nlohmann::json& steps);

// "schedule": null (any time) or an object; 422 invalid_schedule (details.field) for values
// that break its rules, invalid_timezone for a zone that does not parse.
Result<std::optional<SendSchedule>> ParseSchedule(const nlohmann::json& value);
// "rotation": the other mailboxes' ids (null: none). 422 invalid_rotation for more than
// kMaxRotation, a repeated id, or `own_mailbox_id` (the sequence's own mailbox). Whether the
// mailboxes exist and are the owner's is the store's call.
Result<std::vector<Id>> ParseRotation(const nlohmann::json& value, const Id& own_mailbox_id);

struct SequenceInput {
  std::string name;
  std::vector<Step> steps;
  std::optional<SendSchedule> schedule;
  std::vector<Id> rotation;
};
// `mailbox_id`: the mailbox the sequence is created in (a rotation may not name it).
Result<SequenceInput> ParseNewSequence(const nlohmann::json& body, const Id& mailbox_id);

struct SequencePatch {
  std::optional<std::string> name;
  std::optional<std::vector<Step>> steps;
  std::optional<std::optional<SendSchedule>> schedule;  // set: replace; inner nullopt: clear
  std::optional<std::vector<Id>> rotation;
};
// `mailbox_id`: the sequence's own mailbox.
Result<SequencePatch> ParseSequencePatch(const nlohmann::json& body, const Id& mailbox_id);

// One contact to enroll; `contact_email` is as sent (CheckContactEmail comes next).
struct ContactInput {
  std::string contact_email;
  MergeFields merge_fields;
  bool force = false;
};
// `path` prefixes field names in errors ("contacts[3]").
Result<ContactInput> ParseContact(const nlohmann::json& value, const std::string& path);
// Values must be strings, numbers or booleans (kept as text); anything else is 422
// invalid_merge_fields, as is a key of 0 or over kMaxMergeKeyBytes bytes. Sizes
// (core/input_limits.h): over kMaxMergeFields fields is 413 too_many_merge_fields (details
// field, max, count); a value over kMaxMergeValueBytes, or keys and values together over
// kMaxMergeFieldsBytes, is 413 too_large (details field, maxBytes).
Result<MergeFields> ParseMergeFields(const nlohmann::json& value, const std::string& path);

// The longest delay a step may ask for: ten years.
inline constexpr std::int64_t kMaxDelayMs = 10LL * 365 * 24 * 60 * 60 * 1000;

}  // namespace mailmark
