// Rules of a sequence's steps: validation, what an enrollment runs next, and how edits
// that remove steps carry contacts that are mid-way (SPEC.md "Steps", "Sequence statuses").
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "core/model.h"
#include "core/result.h"

namespace mailmark {

// The whole list must be valid: at least one step, a send_email first, every send_email with
// an html body, the first with a subject, every delay with delayMs > 0, ids unique.
// Error details carry the offending step's {"index": i}.
Status ValidateSteps(const std::vector<Step>& steps);

// A PATCH's step list applied to the current one: an incoming step with an id must name an
// existing step (edited in place); one without an id is new and gets a fresh id. The result is
// validated as a whole.
Result<std::vector<Step>> ApplyStepEdits(const std::vector<Step>& current,
                                         std::vector<Step> incoming);

// What an enrollment does next, given the last step it ran.
struct NextAction {
  enum class Kind {
    kSend,      // run `step` now
    kWait,      // wait `wait`, then look again; `last_step_id` is the last delay consumed
    kComplete,  // nothing left
  };
  Kind kind = Kind::kComplete;
  const Step* step = nullptr;
  std::optional<Id> last_step_id;
  Duration wait{0};
};
// Consecutive delays add up into one wait. A last_step_id that is not in the list (removed
// without a remap) completes the enrollment rather than risk sending a step twice.
NextAction PlanNext(const std::vector<Step>& steps, const std::optional<Id>& last_step_id);

// For each step of `before` that `after` no longer has: the id that enrollments whose last
// step was the removed one should hold from now on, namely the nearest earlier step of
// `before` that survives, or nullopt (the contact continues with the new first step).
using StepRemap = std::vector<std::pair<Id, std::optional<Id>>>;
StepRemap RemapRemovedSteps(const std::vector<Step>& before, const std::vector<Step>& after);

// The id of the step an enrollment runs next, for display (`currentStepId`).
std::optional<Id> CurrentStepId(const std::vector<Step>& steps,
                                const std::optional<Id>& last_step_id);

}  // namespace mailmark
