// /u/{token}: the unsubscribe link of every email (SPEC "Sending": List-Unsubscribe).
// Public: the signed token (core/unsubscribe_token.h) is the only credential. A GET only
// shows a page, since link scanners and previews follow GETs; a POST unsubscribes. RFC 8058
// mail providers POST `List-Unsubscribe=One-Click`, and so does the page's own button; any
// POST to a valid link counts, since the token alone proves the link came from an email.
#include <memory>
#include <mutex>
#include <variant>

#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "api/unsubscribe_page.h"
#include "core/unsubscribe_token.h"

namespace mailmark {
namespace {

constexpr const char* kSecretName = "unsubscribe";

// The HMAC key: the one the server was started with, or else the store's, fetched once.
class UnsubscribeKey {
 public:
  explicit UnsubscribeKey(ApiContext& ctx) : ctx_(ctx) {}

  Result<std::string> Get() {
    if (!ctx_.options.unsubscribe_secret.empty()) return ctx_.options.unsubscribe_secret;
    std::lock_guard lock(mu_);
    if (cached_.empty()) {
      Result<std::string> secret = ctx_.store.GetOrCreateSecret(kSecretName);
      if (!secret) return secret.error();
      cached_ = std::move(*secret);
    }
    return cached_;
  }

 private:
  ApiContext& ctx_;
  std::mutex mu_;
  std::string cached_;
};

Reply Html(int status, std::string page) {
  Reply reply = Reply::Raw(std::move(page), "text/html; charset=utf-8");
  reply.status = status;
  reply.headers = {
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'unsafe-inline'; "
       "form-action 'self'"},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Robots-Tag", "noindex"},
      {"Referrer-Policy", "no-referrer"},
  };
  return reply;
}

Reply Invalid() { return Html(404, InvalidLinkPage()); }
Reply Failure() { return Html(500, FailurePage()); }

// Who the contact hears from: the mailbox's From name, or its address.
std::string SenderOf(ApiContext& ctx, const Enrollment& e) {
  std::optional<Mailbox> mailbox = ctx.store.GetMailbox(e.mailbox_id);
  if (!mailbox) return "";
  return mailbox->from_name.empty() ? mailbox->from_email : mailbox->from_name;
}

// The enrollment the call's token names, or the page to answer with instead.
std::variant<Id, Reply> Verify(UnsubscribeKey& key, const Call& call) {
  Result<std::string> secret = key.Get();
  if (!secret) return Failure();
  std::optional<Id> id = VerifyUnsubscribeToken(*secret, call.Param(0));
  if (!id) return Invalid();
  return *id;
}

Result<Reply> Show(ApiContext& ctx, UnsubscribeKey& key, Call& call) {
  auto verified = Verify(key, call);
  if (Reply* answer = std::get_if<Reply>(&verified)) return std::move(*answer);
  std::optional<Enrollment> e = ctx.store.GetEnrollment(std::get<Id>(verified));
  if (!e) return Invalid();  // its mailbox was deleted since
  std::string masked = MaskAddress(e->contact_email);
  std::string sender = SenderOf(ctx, *e);
  if (ctx.store.FindSuppression(e->owner_id, e->contact_email) ==
      SuppressionReason::kUnsubscribed) {
    return Html(200, UnsubscribedPage(masked, sender));
  }
  return Html(200, ConfirmPage(masked, sender));
}

Result<Reply> Unsubscribe(ApiContext& ctx, UnsubscribeKey& key, Call& call) {
  auto verified = Verify(key, call);
  if (Reply* answer = std::get_if<Reply>(&verified)) return std::move(*answer);
  const Id& id = std::get<Id>(verified);
  Result<Enrollment> e = ctx.store.Unsubscribe(id, ctx.clock.Now());
  if (!e) return e.error().kind == ErrorKind::kNotFound ? Invalid() : Failure();
  spdlog::info("unsubscribe: enrollment {} unsubscribed its contact", id);
  return Html(200, UnsubscribedPage(MaskAddress(e->contact_email), SenderOf(ctx, *e)));
}

}  // namespace

std::vector<Route> UnsubscribeRoutes(ApiContext& ctx) {
  auto key = std::make_shared<UnsubscribeKey>(ctx);
  return {
      {"GET", "/u/{token}", Access::kPublic, BodyKind::kNone,
       [&ctx, key](Call& call) { return Show(ctx, *key, call); }},
      // The body is not read (any POST counts), only drained within a bound.
      {"POST", "/u/{token}", Access::kPublic, BodyKind::kIgnored,
       [&ctx, key](Call& call) { return Unsubscribe(ctx, *key, call); }},
  };
}

}  // namespace mailmark
