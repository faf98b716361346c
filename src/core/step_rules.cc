#include "core/step_rules.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/ids.h"
#include "core/input_limits.h"

namespace mailmark {
namespace {

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

Error StepError(std::string code, std::string message, size_t index) {
  return MakeError(ErrorKind::kInvalid, std::move(code), std::move(message), {{"index", index}});
}

// 413 too_large naming the step's field, e.g. details.field "steps[2].html".
std::optional<Error> OverSize(std::string_view value, std::size_t max_bytes, size_t index,
                              std::string_view part) {
  if (value.size() <= max_bytes) return std::nullopt;
  std::string field = "steps[" + std::to_string(index) + "]." + std::string(part);
  return MakeError(
      ErrorKind::kTooLarge, "too_large",
      field + " is " + std::to_string(value.size()) + " bytes; at most " +
          std::to_string(max_bytes) + " are allowed.",
      {{"index", index}, {"field", field}, {"maxBytes", max_bytes}, {"bytes", value.size()}});
}

std::optional<Error> StepTooLarge(const Step& s, size_t index) {
  if (s.type != StepType::kSendEmail) return std::nullopt;
  if (auto e = OverSize(s.subject, kMaxStepSubjectBytes, index, "subject")) return e;
  if (auto e = OverSize(s.html, kMaxStepHtmlBytes, index, "html")) return e;
  if (s.text) return OverSize(*s.text, kMaxStepTextBytes, index, "text");
  return std::nullopt;
}

std::optional<size_t> IndexOf(const std::vector<Step>& steps, const Id& id) {
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].id == id) return i;
  return std::nullopt;
}

}  // namespace

Status ValidateSteps(const std::vector<Step>& steps) {
  if (steps.empty())
    return MakeError(ErrorKind::kInvalid, "steps_required",
                     "A sequence needs at least one step, starting with a send_email step.");
  if (steps.size() > kMaxSteps)
    return MakeError(ErrorKind::kTooLarge, "too_many_steps",
                     "A sequence has at most " + std::to_string(kMaxSteps) + " steps.",
                     {{"field", "steps"}, {"max", kMaxSteps}, {"count", steps.size()}});
  if (steps.front().type != StepType::kSendEmail)
    return StepError("sequence_must_start_with_email",
                     "A sequence must start with a send_email step, not a delay.", 0);
  std::set<Id> ids;
  bool first_email = true;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (std::optional<Error> e = StepTooLarge(s, i)) return *e;
    if (!s.id.empty() && !ids.insert(s.id).second)
      return StepError("duplicate_step_id", "Step id " + s.id + " appears twice.", i);
    if (s.type == StepType::kDelay) {
      if (s.delay_ms <= 0)
        return StepError("invalid_delay", "A delay step needs an integer delayMs greater than 0.",
                         i);
      continue;
    }
    if (first_email && IsBlank(s.subject))
      return StepError("subject_required",
                       "The first send_email step needs a subject (later ones may leave it empty "
                       "to reply in the thread).",
                       i);
    if (IsBlank(s.html))
      return StepError("html_required", "A send_email step needs an html body.", i);
    first_email = false;
  }
  return Ok{};
}

Result<std::vector<Step>> ApplyStepEdits(const std::vector<Step>& current,
                                         std::vector<Step> incoming) {
  for (size_t i = 0; i < incoming.size(); ++i) {
    Step& s = incoming[i];
    if (s.id.empty()) {
      s.id = NewId("stp");
    } else if (!IndexOf(current, s.id)) {
      return StepError("unknown_step_id",
                       "Step id " + s.id +
                           " is not a step of this sequence; leave the id out "
                           "to add a new step.",
                       i);
    }
  }
  if (auto st = ValidateSteps(incoming); !st) return st.error();
  return incoming;
}

const Step* NextSend(const std::vector<Step>& steps, const std::optional<Id>& last_step_id) {
  size_t i = 0;
  if (last_step_id) {
    auto at = IndexOf(steps, *last_step_id);
    if (!at) return nullptr;
    i = *at + 1;
  }
  for (; i < steps.size(); ++i)
    if (steps[i].type == StepType::kSendEmail) return &steps[i];
  return nullptr;
}

AfterSend AdvanceAfterSend(const std::vector<Step>& steps, const Id& ran, Timestamp at) {
  auto index = IndexOf(steps, ran);
  if (!index) return AfterSend{false, false, at};
  Duration wait{0};
  size_t i = *index + 1;
  for (; i < steps.size() && steps[i].type == StepType::kDelay; ++i)
    wait += Duration{steps[i].delay_ms};
  if (i >= steps.size() && wait == Duration{0}) return AfterSend{true, true, std::nullopt};
  return AfterSend{true, false, at + wait};
}

StepRemap RemapRemovedSteps(const std::vector<Step>& before, const std::vector<Step>& after) {
  std::set<Id> kept;
  for (const Step& s : after) kept.insert(s.id);
  StepRemap remap;
  std::optional<Id> nearest_kept;
  for (const Step& s : before) {
    if (kept.count(s.id)) {
      nearest_kept = s.id;
    } else {
      remap.emplace_back(s.id, nearest_kept);
    }
  }
  return remap;
}

std::optional<Id> CurrentStepId(const std::vector<Step>& steps,
                                const std::optional<Id>& last_step_id) {
  const Step* next = NextSend(steps, last_step_id);
  return next ? std::optional<Id>(next->id) : std::nullopt;
}

}  // namespace mailmark
