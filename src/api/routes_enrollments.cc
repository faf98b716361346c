// Enrolling contacts (one, or a JSON batch), listing them, and a user's final word on one.
#include "api/access.h"
#include "api/errors.h"
#include "api/json_mapping.h"
#include "api/json_reader.h"
#include "api/routes.h"
#include "api/send_estimate.h"
#include "api/text_checks.h"
#include "core/enrollment_rules.h"

namespace mailmark {
namespace {

constexpr std::size_t kMaxBulkContacts = 10000;
// No address is longer (RFC 5321's 64 + 1 + 255), so a longer search can only be a mistake.
constexpr std::size_t kMaxEmailSearch = 320;

// Characters, not bytes: UTF-8 continuation bytes are not counted.
std::size_t Utf8Length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// An empty one (no steps, no schedule) when it is gone.
Sequence SequenceOf(ApiContext& ctx, const Id& sequence_id) {
  std::optional<Sequence> s = ctx.store.GetSequence(sequence_id);
  return s ? std::move(*s) : Sequence{};
}

nlohmann::json Detail(ApiContext& ctx, const Enrollment& e, const Sequence& sequence) {
  SendEstimator estimate(ctx.store, ctx.clock.Now());
  return EnrollmentDetailJson(estimate.Estimated(e, sequence), sequence,
                              ctx.store.ListMessages(e.id), ctx.store.ListHistory(e.id));
}

Result<Reply> EnrollOne(ApiContext& ctx, Call& call) {
  Result<Sequence> seq = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!seq) return seq.error();
  Result<ContactInput> input = ParseContact(call.body, "");
  if (!input) return input.error();
  Result<std::string> email = CheckContactEmail(input->contact_email);
  if (!email) {
    Error e = email.error();
    e.details = {{"field", "contactEmail"}};
    return e;
  }
  Result<std::vector<EnrollOutcome>> outcomes = ctx.store.Enroll(
      seq->id, {NewEnrollment{*email, std::move(input->merge_fields), input->force}},
      ctx.clock.Now());
  if (!outcomes) return outcomes.error();
  if (outcomes->size() != 1) {
    return MakeError(ErrorKind::kInternal, "internal_error", "The store answered oddly.");
  }
  EnrollOutcome& outcome = outcomes->front();
  if (outcome.error) return *outcome.error;
  WakeScheduler(ctx);
  return Reply::Json(Detail(ctx, *outcome.enrollment, *seq), 201);
}

nlohmann::json ItemError(std::size_t index, std::string email, const Error& e) {
  nlohmann::json item = {{"index", index},
                         {"contactEmail", std::move(email)},
                         {"code", e.code},
                         {"message", e.message}};
  if (!e.details.is_null()) item["details"] = e.details;
  return item;
}

Result<Reply> EnrollBulk(ApiContext& ctx, Call& call) {
  Result<Sequence> seq = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!seq) return seq.error();
  JsonObjectReader r(call.body, "");
  const nlohmann::json* contacts = r.Array("contacts", Need::kRequired);
  if (Status st = r.Finish(); !st) return st.error();
  if (contacts->size() > kMaxBulkContacts) {
    return MakeError(ErrorKind::kTooLarge, "too_many_contacts",
                     "At most " + std::to_string(kMaxBulkContacts) +
                         " contacts per request; use the CSV import for more.",
                     {{"max", kMaxBulkContacts}, {"count", contacts->size()}});
  }
  if (Status open = CheckSequenceEditable(seq->status); !open) return open.error();

  nlohmann::json errors = nlohmann::json::array();
  std::vector<NewEnrollment> batch;
  std::vector<std::size_t> batch_index;  // position in `contacts` of each batch entry
  for (std::size_t i = 0; i < contacts->size(); ++i) {
    const nlohmann::json& item = (*contacts)[i];
    std::string path = "contacts[" + std::to_string(i) + "]";
    std::string shown;
    if (item.is_object() && item.contains("contactEmail") && item["contactEmail"].is_string())
      shown = item["contactEmail"].get<std::string>();
    Result<ContactInput> input = ParseContact(item, path);
    if (!input) {
      errors.push_back(ItemError(i, shown, input.error()));
      continue;
    }
    Result<std::string> email = CheckContactEmail(input->contact_email);
    if (!email) {
      errors.push_back(ItemError(i, shown, email.error()));
      continue;
    }
    batch.push_back({*email, std::move(input->merge_fields), input->force});
    batch_index.push_back(i);
  }

  nlohmann::json ids = nlohmann::json::array();
  if (!batch.empty()) {
    Result<std::vector<EnrollOutcome>> outcomes = ctx.store.Enroll(seq->id, batch, ctx.clock.Now());
    if (!outcomes) return outcomes.error();
    for (std::size_t k = 0; k < outcomes->size() && k < batch.size(); ++k) {
      const EnrollOutcome& o = (*outcomes)[k];
      if (o.enrollment) {
        ids.push_back(o.enrollment->id);
      } else if (o.error) {
        errors.push_back(ItemError(batch_index[k], batch[k].contact_email, *o.error));
      }
    }
  }
  // Errors in request order, whichever stage found them.
  std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
    return a["index"].template get<std::size_t>() < b["index"].template get<std::size_t>();
  });
  if (!ids.empty()) WakeScheduler(ctx);
  return Reply::Json(
      {{"enrolled", ids.size()}, {"enrollments", std::move(ids)}, {"errors", std::move(errors)}});
}

Result<Reply> List(ApiContext& ctx, Call& call) {
  Result<Sequence> seq = OwnedSequence(ctx.store, *call.user, call.Param(0));
  if (!seq) return seq.error();
  std::optional<EnrollmentStatus> status;
  if (std::optional<std::string> text = call.Query("status"); text && !text->empty()) {
    status = ParseEnrollmentStatus(*text);
    if (!status) {
      return Invalid("invalid_status",
                     "status must be one of active, completed, replied, cancelled, bounced.",
                     {{"field", "status"}});
    }
  }
  std::string email = call.Query("email").value_or("");
  if (!IsValidUtf8(email)) {
    return BadRequest("invalid_field", "email must be UTF-8 text.", {{"field", "email"}});
  }
  if (Utf8Length(email) > kMaxEmailSearch) {
    return BadRequest("invalid_field",
                      "email must be at most " + std::to_string(kMaxEmailSearch) + " characters.",
                      {{"field", "email"}});
  }
  Result<std::size_t> limit = QueryCount(call, "limit", 50, 1, 1000);
  if (!limit) return limit.error();
  std::string cursor = call.Query("cursor").value_or("");
  Result<EnrollmentPage> page =
      ctx.store.SearchEnrollments(seq->id, EnrollmentFilter{status, email}, *limit, cursor);
  if (!page) return page.error();
  nlohmann::json list = nlohmann::json::array();
  SendEstimator estimate(ctx.store, ctx.clock.Now());
  for (const Enrollment& e : page->enrollments)
    list.push_back(EnrollmentJson(estimate.Estimated(e, *seq), *seq));
  return Reply::Json({{"enrollments", std::move(list)},
                      {"nextCursor", page->next_cursor ? nlohmann::json(*page->next_cursor)
                                                       : nlohmann::json(nullptr)}});
}

Result<Reply> Get(ApiContext& ctx, Call& call) {
  Result<Enrollment> e = OwnedEnrollment(ctx.store, *call.user, call.Param(0));
  if (!e) return e.error();
  return Reply::Json(Detail(ctx, *e, SequenceOf(ctx, e->sequence_id)));
}

Result<Reply> Finish(ApiContext& ctx, Call& call, EnrollmentStatus to, const char* cause) {
  Result<Enrollment> e = OwnedEnrollment(ctx.store, *call.user, call.Param(0));
  if (!e) return e.error();
  Result<Enrollment> done = ctx.store.FinishEnrollment(e->id, to, cause, "", ctx.clock.Now());
  if (!done) return done.error();
  return Reply::Json(Detail(ctx, *done, SequenceOf(ctx, done->sequence_id)));
}

}  // namespace

std::vector<Route> EnrollmentRoutes(ApiContext& ctx) {
  auto bind = [&ctx](Result<Reply> (*fn)(ApiContext&, Call&)) {
    return [&ctx, fn](Call& call) { return fn(ctx, call); };
  };
  auto finish = [&ctx](EnrollmentStatus to, const char* cause) {
    return [&ctx, to, cause](Call& call) { return Finish(ctx, call, to, cause); };
  };
  return {
      {"POST", "/api/sequences/{id}/enrollments", Access::kUser, BodyKind::kJson, bind(EnrollOne)},
      {"POST", "/api/sequences/{id}/enrollments/bulk", Access::kUser, BodyKind::kJson,
       bind(EnrollBulk)},
      {"GET", "/api/sequences/{id}/enrollments", Access::kUser, BodyKind::kNone, bind(List)},
      {"GET", "/api/enrollments/{id}", Access::kUser, BodyKind::kNone, bind(Get)},
      {"POST", "/api/enrollments/{id}/cancel", Access::kUser, BodyKind::kNone,
       finish(EnrollmentStatus::kCancelled, "cancelled_by_user")},
      {"POST", "/api/enrollments/{id}/replied", Access::kUser, BodyKind::kNone,
       finish(EnrollmentStatus::kReplied, "marked_replied_by_user")},
  };
}

}  // namespace mailmark
