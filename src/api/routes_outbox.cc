// /api/mailboxes/{id}/outbox: what the built-in outbox transport captured for a mailbox.
#include "api/access.h"
#include "api/errors.h"
#include "api/outbox_message.h"
#include "api/routes.h"
#include "mail/outbox_reader.h"

namespace mailmark {
namespace {

std::optional<std::filesystem::path> DirOf(const ApiContext& ctx, const Mailbox& m) {
  if (!ctx.outbox_dir) return std::nullopt;
  return ctx.outbox_dir(m.id);
}

Result<Reply> List(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  Result<std::size_t> limit = QueryCount(call, "limit", 50, 1, 1000);
  if (!limit) return limit.error();
  Result<std::size_t> offset = QueryCount(call, "offset", 0, 0, 1'000'000'000);
  if (!offset) return offset.error();
  nlohmann::json messages = nlohmann::json::array();
  std::size_t total = 0;
  if (std::optional<std::filesystem::path> dir = DirOf(ctx, *m)) {
    for (const OutboxEntry& e : ListOutbox(*dir, *limit, *offset)) {
      messages.push_back({{"messageId", e.message_id},
                          {"to", e.to},
                          {"subject", e.subject},
                          {"sentAt", FormatRfc3339(e.sent_at)},
                          {"size", e.size}});
    }
    total = CountOutbox(*dir);
  }
  return Reply::Json({{"messages", std::move(messages)}, {"total", total}});
}

// One message: raw (message/rfc822) by default, or ?format=json for the web UI.
Result<Reply> Show(ApiContext& ctx, Call& call) {
  Result<Mailbox> m = OwnedMailbox(ctx.store, *call.user, call.Param(0));
  if (!m) return m.error();
  std::string format = call.Query("format").value_or("raw");
  if (format != "raw" && format != "json") {
    return BadRequest("invalid_field", "format must be json or raw (the default).",
                      {{"field", "format"}});
  }
  const std::string& message_id = call.Param(1);
  std::optional<std::filesystem::path> dir = DirOf(ctx, *m);
  std::optional<std::string> raw;
  if (dir && message_id.size() <= 998) raw = ReadOutboxMessage(*dir, message_id);
  if (!raw) return NotFound("message_not_found", "No such message in this mailbox's outbox.");
  if (format == "raw") return Reply::Raw(std::move(*raw), "message/rfc822");
  Result<nlohmann::json> shown = OutboxMessageJson(*raw);
  if (!shown) return shown.error();
  return Reply::Json(std::move(*shown));
}

}  // namespace

std::vector<Route> OutboxRoutes(ApiContext& ctx) {
  auto bind = [&ctx](Result<Reply> (*fn)(ApiContext&, Call&)) {
    return [&ctx, fn](Call& call) { return fn(ctx, call); };
  };
  return {
      {"GET", "/api/mailboxes/{id}/outbox", Access::kUser, BodyKind::kNone, bind(List)},
      {"GET", "/api/mailboxes/{id}/outbox/{messageId*}", Access::kUser, BodyKind::kNone,
       bind(Show)},
  };
}

}  // namespace mailmark
