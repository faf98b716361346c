// /api/mailboxes: a user's sending identities.
#include "api/access.h"
#include "api/json_mapping.h"
#include "api/routes.h"
#include "core/ids.h"

namespace mailmark {
namespace {

// The mailbox with its inbox's connection state (null without IMAP or before a first try).
nlohmann::json MailboxWithStatus(ApiContext& ctx, const Mailbox& m) {
  nlohmann::json j = MailboxJson(m);
  j["imapStatus"] = nullptr;
  if (!m.imap) return j;
  if (auto s = ctx.store.LoadImapStatus(m.id))
    j["imapStatus"] = {
        {"connected", s->connected}, {"lastError", s->last_error}, {"at", FormatRfc3339(s->at)}};
  return j;
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
  return Reply::Json(MailboxWithStatus(ctx, *created), 201);
}

Result<Reply> List(ApiContext& ctx, Call& call) {
  nlohmann::json list = nlohmann::json::array();
  for (const Mailbox& m : ctx.store.ListMailboxes(call.user->id))
    list.push_back(MailboxWithStatus(ctx, m));
  return Reply::Json({{"mailboxes", std::move(list)}});
}

Result<Reply> Get(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  return Reply::Json(MailboxWithStatus(ctx, *m));
}

Result<Reply> Patch(ApiContext& ctx, Call& call) {
  Result<Mailbox> current = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!current) return current.error();
  Result<Mailbox> patched = ParseMailboxPatch(call.body, *current);
  if (!patched) return patched.error();
  patched->updated_at = ctx.clock.Now();
  Result<Mailbox> saved = ctx.store.UpdateMailbox(*patched);
  if (!saved) return saved.error();
  WakeScheduler(ctx);  // IMAP settings may have changed
  return Reply::Json(MailboxWithStatus(ctx, *saved));
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
  };
}

}  // namespace mailmark
