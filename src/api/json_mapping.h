// The API's JSON shapes (shared/spec/API.md) ⇄ the domain model. Answers are plain functions;
// request parsers are strict (json_reader.h) and fill only what a client may set: ids,
// owners and times are the route's business.
#pragma once

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
// Secrets never leave: passwords show as "hasPassword".
nlohmann::json MailboxJson(const Mailbox& mailbox);
nlohmann::json StepJson(const Step& step);
nlohmann::json SequenceJson(const Sequence& sequence, const SequenceCounts& counts);
// [{"stepId","sent","replied","bounced"}], in the order given.
nlohmann::json StepStatsJson(const std::vector<StepStats>& stats);
// The list form; `steps` are the sequence's, for currentStepId (null unless active).
nlohmann::json EnrollmentJson(const Enrollment& enrollment, const std::vector<Step>& steps);
// The full form: the list form plus messages and history.
nlohmann::json EnrollmentDetailJson(const Enrollment& enrollment, const std::vector<Step>& steps,
                                    const std::vector<Message>& messages,
                                    const std::vector<HistoryEntry>& history);
nlohmann::json MessageJson(const Message& message);
nlohmann::json HistoryJson(const HistoryEntry& entry);

// ---- requests ----
// POST /api/mailboxes: name, fromName, fromEmail, transport (default outbox), imap, dailyLimit.
Result<Mailbox> ParseNewMailbox(const nlohmann::json& body);
// PATCH: the given fields replace the current ones; an smtp/imap password left out keeps the
// stored one; "imap": null and "dailyLimit": null remove them.
Result<Mailbox> ParseMailboxPatch(const nlohmann::json& body, Mailbox current);

// A step list as sent (ids kept as given, empty when absent). Shape and per-step field rules
// only: the list as a whole is judged by ValidateSteps.
Result<std::vector<Step>> ParseSteps(const nlohmann::json& steps);

struct SequenceInput {
  std::string name;
  std::vector<Step> steps;
};
Result<SequenceInput> ParseNewSequence(const nlohmann::json& body);

struct SequencePatch {
  std::optional<std::string> name;
  std::optional<std::vector<Step>> steps;
};
Result<SequencePatch> ParseSequencePatch(const nlohmann::json& body);

// One contact to enroll; `contact_email` is as sent (CheckContactEmail comes next).
struct ContactInput {
  std::string contact_email;
  MergeFields merge_fields;
  bool force = false;
};
// `path` prefixes field names in errors ("contacts[3]").
Result<ContactInput> ParseContact(const nlohmann::json& value, const std::string& path);
// Values must be strings, numbers or booleans (kept as text); anything else is 422
// invalid_merge_fields.
Result<MergeFields> ParseMergeFields(const nlohmann::json& value, const std::string& path);

// The longest delay a step may ask for: ten years.
inline constexpr std::int64_t kMaxDelayMs = 10LL * 365 * 24 * 60 * 60 * 1000;

}  // namespace mailmark
