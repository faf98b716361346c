// /api/mailboxes: a user's sending identities.
#include "api/access.h"
#include "api/json_mapping.h"
#include "api/routes.h"
#include "core/ids.h"

namespace mailmark {
namespace {

// The mailbox with where it stands against its limits now, and its inbox's connection state
// (null without IMAP or before a first try).
Result<nlohmann::json> MailboxWithStatus(ApiContext& ctx, const Mailbox& m) {
  Result<MailboxUsage> usage = ctx.store.GetMailboxUsage(m.id, ctx.clock.Now());
  if (!usage) return usage.error();
  nlohmann::json j = MailboxJson(m, *usage);
  j["imapStatus"] = nullptr;
  if (!m.imap) return j;
  if (auto s = ctx.store.LoadImapStatus(m.id))
    j["imapStatus"] = {
        {"connected", s->connected}, {"lastError", s->last_error}, {"at", FormatRfc3339(s->at)}};
  return j;
}

Result<Reply> MailboxReply(ApiContext& ctx, const Mailbox& m, int status = 200) {
  Result<nlohmann::json> j = MailboxWithStatus(ctx, m);
  if (!j) return j.error();
  return Reply::Json(std::move(*j), status);
}

Result<Reply> Create(ApiContext& ctx, Call& call) {
  Result<Mailbox> input = ParseNewMailbox(call.body);
  if (!input) return input.error();
  Mailbox m = std::move(*input);
  m.id = NewId("mbx");
  m.owner_id = call.user->id;
  m.created_at = m.updated_at = ctx.clock.Now();
  Result<Mailbox> created = ctx.store.CreateMailbox(m);
  if (!created) return created.error();
  WakeScheduler(ctx);  // the inbound service starts watching a new IMAP inbox
  return MailboxReply(ctx, *created, 201);
}

Result<Reply> List(ApiContext& ctx, Call& call) {
  nlohmann::json list = nlohmann::json::array();
  for (const Mailbox& m : ctx.store.ListMailboxes(call.user->id)) {
    Result<nlohmann::json> j = MailboxWithStatus(ctx, m);
    // Deleted since it was listed: the list is as if it had been read a moment later.
    if (!j && j.error().kind == ErrorKind::kNotFound) continue;
    if (!j) return j.error();
    list.push_back(std::move(*j));
  }
  return Reply::Json({{"mailboxes", std::move(list)}});
}

Result<Reply> Get(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  return MailboxReply(ctx, *m);
}

Result<Reply> Patch(ApiContext& ctx, Call& call) {
  Result<Mailbox> current = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!current) return current.error();
  Result<Mailbox> patched = ParseMailboxPatch(call.body, *current);
  if (!patched) return patched.error();
  patched->updated_at = ctx.clock.Now();
  Result<Mailbox> saved = ctx.store.UpdateMailbox(*patched);
  if (!saved) return saved.error();
  // IMAP settings may have changed, and a higher limit, a shorter gap or another zone may let
  // held sends go sooner.
  WakeScheduler(ctx);
  return MailboxReply(ctx, *saved);
}

Result<Reply> Pause(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  Result<Mailbox> paused = ctx.store.PauseMailbox(m->id, ctx.clock.Now());
  if (!paused) return paused.error();
  return MailboxReply(ctx, *paused);
}

Result<Reply> Resume(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  Result<Mailbox> resumed = ctx.store.ResumeMailbox(m->id, ctx.clock.Now());
  if (!resumed) return resumed.error();
  WakeScheduler(ctx);  // the steps held while it was paused are due now
  return MailboxReply(ctx, *resumed);
}

Result<Reply> Delete(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  if (Status st = ctx.store.DeleteMailbox(m->id); !st) return st.error();
  WakeScheduler(ctx);  // stop watching its inbox
  return Reply::NoContent();
}

}  // namespace

std::vector<Route> MailboxRoutes(ApiContext& ctx) {
  auto bind = [&ctx](Result<Reply> (*fn)(ApiContext&, Call&)) {
    return [&ctx, fn](Call& call) { return fn(ctx, call); };
  };
  return {
      {"POST", "/api/mailboxes", Access::kUser, BodyKind::kJson, bind(Create)},
      {"GET", "/api/mailboxes", Access::kUser, BodyKind::kNone, bind(List)},
      {"GET", "/api/mailboxes/{id}", Access::kUser, BodyKind::kNone, bind(Get)},
      {"PATCH", "/api/mailboxes/{id}", Access::kUser, BodyKind::kJson, bind(Patch)},
      {"DELETE", "/api/mailboxes/{id}", Access::kUser, BodyKind::kNone, bind(Delete)},
      {"POST", "/api/mailboxes/{id}/pause", Access::kUser, BodyKind::kNone, bind(Pause)},
      {"POST", "/api/mailboxes/{id}/resume", Access::kUser, BodyKind::kNone, bind(Resume)},
  };
}

}  // namespace mailmark
