// /api/mailboxes/{id}/sequences and /api/sequences/{id}: step lists and their status.
#include "api/access.h"
#include "api/json_mapping.h"
#include "api/routes.h"
#include "core/enrollment_rules.h"
#include "core/ids.h"
#include "core/step_rules.h"

namespace mailmark {
namespace {

// A single sequence's answer: the list form plus its per-step figures.
Result<Reply> SequenceReply(ApiContext& ctx, const Sequence& s) {
  Result<std::vector<StepStats>> stats = ctx.store.CountStepStats(s.id);
  if (!stats) return stats.error();
  nlohmann::json body = SequenceJson(s, ctx.store.CountEnrollments(s.id));
  body["stepStats"] = StepStatsJson(*stats);
  return Reply::Json(std::move(body));
}

Result<Reply> Create(ApiContext& ctx, Call& call) {
  Result<Mailbox> mailbox = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!mailbox) return mailbox.error();
  Result<SequenceInput> input = ParseNewSequence(call.body, mailbox->id);
  if (!input) return input.error();
  Sequence s;
  s.id = NewId("seq");
  s.mailbox_id = mailbox->id;
  s.owner_id = mailbox->owner_id;
  s.name = std::move(input->name);
  s.steps = std::move(input->steps);
  s.schedule = std::move(input->schedule);
  s.rotation = std::move(input->rotation);
  // A new sequence's steps are all new: ids a client sent are not ours to keep.
  for (Step& step : s.steps) step.id = NewId("stp");
  if (Status valid = ValidateSteps(s.steps); !valid) return valid.error();
  s.created_at = s.updated_at = ctx.clock.Now();
  Result<Sequence> created = ctx.store.CreateSequence(s);
  if (!created) return created.error();
  // Nothing has happened on a new sequence's steps: it answers the list form.
  return Reply::Json(SequenceJson(*created, SequenceCounts{}), 201);
}

Result<Reply> List(ApiContext& ctx, Call& call) {
  Result<Mailbox> mailbox = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!mailbox) return mailbox.error();
  nlohmann::json list = nlohmann::json::array();
  for (const Sequence& s : ctx.store.ListSequences(mailbox->id)) {
    list.push_back(SequenceJson(s, ctx.store.CountEnrollments(s.id)));
  }
  return Reply::Json({{"sequences", std::move(list)}});
}

Result<Reply> Get(ApiContext& ctx, Call& call) {
  Result<Sequence> s = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!s) return s.error();
  return SequenceReply(ctx, *s);
}

Result<Reply> Patch(ApiContext& ctx, Call& call) {
  Result<Sequence> current = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!current) return current.error();
  Result<SequencePatch> patch = ParseSequencePatch(call.body, current->mailbox_id);
  if (!patch) return patch.error();
  if (Status editable = CheckSequenceEditable(current->status); !editable) {
    return editable.error();
  }
  Sequence next = *current;
  if (patch->name) next.name = *patch->name;
  // Left out, they stay: UpdateSequence stores whatever `next` holds.
  if (patch->schedule) next.schedule = *patch->schedule;
  if (patch->rotation) next.rotation = *patch->rotation;
  StepRemap remap;
  if (patch->steps) {
    Result<std::vector<Step>> steps = ApplyStepEdits(current->steps, std::move(*patch->steps));
    if (!steps) return steps.error();
    remap = RemapRemovedSteps(current->steps, *steps);
    next.steps = std::move(*steps);
  }
  Timestamp now = ctx.clock.Now();
  next.updated_at = now;
  // The edit was computed from `current`; a save in between must not be silently undone.
  Result<Sequence> saved = ctx.store.UpdateSequence(next, remap, now, current->updated_at);
  if (!saved) return saved.error();
  // A new or moved step, or a wider window, may be due sooner than what the scheduler waits
  // for.
  if (patch->steps || patch->schedule) WakeScheduler(ctx);
  return SequenceReply(ctx, *saved);
}

Result<Reply> Act(ApiContext& ctx, Call& call, SequenceAction action) {
  Result<Sequence> current = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!current) return current.error();
  Result<Sequence> changed = ctx.store.ApplyAction(current->id, action, ctx.clock.Now());
  if (!changed) return changed.error();
  if (action == SequenceAction::kResume) WakeScheduler(ctx);
  return SequenceReply(ctx, *changed);
}

}  // namespace

std::vector<Route> SequenceRoutes(ApiContext& ctx) {
  auto bind = [&ctx](Result<Reply> (*fn)(ApiContext&, Call&)) {
    return [&ctx, fn](Call& call) { return fn(ctx, call); };
  };
  auto action = [&ctx](SequenceAction a) {
    return [&ctx, a](Call& call) { return Act(ctx, call, a); };
  };
  return {
      {"GET", "/api/mailboxes/{id}/sequences", Access::kUser, BodyKind::kNone, bind(List)},
      {"POST", "/api/mailboxes/{id}/sequences", Access::kUser, BodyKind::kJson, bind(Create)},
      {"GET", "/api/sequences/{id}", Access::kUser, BodyKind::kNone, bind(Get)},
      {"PATCH", "/api/sequences/{id}", Access::kUser, BodyKind::kJson, bind(Patch)},
      {"POST", "/api/sequences/{id}/pause", Access::kUser, BodyKind::kNone,
       action(SequenceAction::kPause)},
      {"POST", "/api/sequences/{id}/resume", Access::kUser, BodyKind::kNone,
       action(SequenceAction::kResume)},
      {"POST", "/api/sequences/{id}/complete", Access::kUser, BodyKind::kNone,
       action(SequenceAction::kComplete)},
  };
}

}  // namespace mailmark
