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
// Sizes (core/input_limits.h): more than kMaxSteps steps is 413 too_many_steps (details
// field "steps", max, count); a subject, html or text over its limit is 413 too_large
// (details index, field "steps[i].html", maxBytes, bytes).
Status ValidateSteps(const std::vector<Step>& steps);

// A PATCH's step list applied to the current one: an incoming step with an id must name an
// existing step (edited in place); one without an id is new and gets a fresh id. The result is
// validated as a whole.
Result<std::vector<Step>> ApplyStepEdits(const std::vector<Step>& current,
                                         std::vector<Step> incoming);

// An enrollment's `last_step_id` is the last send_email step it ran (none yet: nullopt).
// Delays are waits, not steps that run: the wait after a send is part of its due time.

// The send_email step an enrollment runs when it falls due: the first send_email after its
// last step, skipping delays (their wait was served by the due time). nullptr when none is
// left: the enrollment completes. A last step that is no longer in the list (removed without
// a remap) also gives nullptr, rather than risk sending a step twice.
const Step* NextSend(const std::vector<Step>& steps, const std::optional<Id>& last_step_id);

// Where an enrollment stands once step `ran` went out at `at`.
struct AfterSend {
  bool ran_is_known = true;  // false: `ran` was removed meanwhile; keep the old last step
  bool completed = false;    // nothing left to send, no trailing delay to wait out
  std::optional<Timestamp> next_run_at;  // when it runs again (or completes after a trailing delay)
};
// Waits for the delays directly following `ran` (consecutive delays add up), then the next
// send_email runs; with only delays left it completes once they have passed; with nothing
// left it completes at once. `ran` not in the list: due again at `at`, from its old last step.
AfterSend AdvanceAfterSend(const std::vector<Step>& steps, const Id& ran, Timestamp at);

// For each step of `before` that `after` no longer has: the id that enrollments whose last
// step was the removed one should hold from now on, namely the nearest earlier step of
// `before` that survives, or nullopt (the contact continues with the new first step).
using StepRemap = std::vector<std::pair<Id, std::optional<Id>>>;
StepRemap RemapRemovedSteps(const std::vector<Step>& before, const std::vector<Step>& after);

// The id of the send_email step an enrollment runs next, for display (`currentStepId`).
std::optional<Id> CurrentStepId(const std::vector<Step>& steps,
                                const std::optional<Id>& last_step_id);

}  // namespace mailmark
