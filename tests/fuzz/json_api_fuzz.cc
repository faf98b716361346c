// Request bodies of the API (JSON, any client): every parser of src/api/json_mapping through
// the strict reader, the error answers they give, and the answers made from what they accept.
//
// Properties: a parse never throws; every answer and error body serialises (valid UTF-8);
// steps and schedules read back the same from the JSON the API answers with; a mailbox
// answer may be sent back as a new mailbox.
#include <string>

#include "api/errors.h"
#include "api/json_mapping.h"
#include "fuzz_support.h"

using namespace mailmark;
using nlohmann::json;

namespace {

template <typename T>
void Serialises(const Result<T>& result) {
  if (!result) (void)ErrorBody(result.error()).dump();
}

bool SameSteps(const std::vector<Step>& a, const std::vector<Step>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].type != b[i].type) return false;
    if (a[i].type == StepType::kDelay
            ? a[i].delay_ms != b[i].delay_ms
            : a[i].subject != b[i].subject || a[i].html != b[i].html || a[i].text != b[i].text) {
      return false;
    }
  }
  return true;
}

void Steps(const json& value) {
  Result<std::vector<Step>> steps = ParseSteps(value);
  Serialises(steps);
  if (!steps) return;
  json answer = json::array();
  for (const Step& step : *steps) answer.push_back(StepJson(step));
  (void)answer.dump();
  Result<std::vector<Step>> again = ParseSteps(answer);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(SameSteps(*steps, *again));
}

void Schedule(const json& value) {
  Result<std::optional<SendSchedule>> schedule = ParseSchedule(value);
  Serialises(schedule);
  if (!schedule) return;
  json answer = ScheduleJson(*schedule);
  (void)answer.dump();
  Result<std::optional<SendSchedule>> again = ParseSchedule(answer);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *schedule);
}

void NewMailbox(const json& body) {
  Result<Mailbox> mailbox = ParseNewMailbox(body);
  Serialises(mailbox);
  if (!mailbox) return;
  json answer = MailboxJson(*mailbox, std::nullopt);
  (void)answer.dump();
  // A client may send back what it read; passwords are not in it, so drop the settings' ones.
  Result<Mailbox> again = ParseNewMailbox(answer);
  Serialises(again);
  if (!again) return;
  FUZZ_CHECK(again->name == mailbox->name && again->from_email == mailbox->from_email);
  FUZZ_CHECK(again->transport == mailbox->transport);
  FUZZ_CHECK(again->daily_limit == mailbox->daily_limit);
  FUZZ_CHECK(again->send_gap == mailbox->send_gap);
  FUZZ_CHECK(again->bounce_protection == mailbox->bounce_protection);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The router's own parse (api/router.cc ReadJsonBody).
  json body = json::parse(fuzz::AsText(data, size), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;

  NewMailbox(body);
  Mailbox current;
  current.id = "mbx_1";
  current.name = "Sales";
  current.from_email = "ann@example.com";
  current.transport = TransportType::kSmtp;
  current.smtp = SmtpSettings{};
  current.smtp->host = "smtp.example.com";
  current.smtp->password = "kept";
  Serialises(ParseMailboxPatch(body, current));

  Serialises(ParseNewSequence(body, "mbx_1"));
  Serialises(ParseSequencePatch(body, "mbx_1"));
  Serialises(ParseContact(body, "contacts[0]"));
  Serialises(ParseMergeFields(body, "mergeFields"));
  Serialises(ParseRotation(body, "mbx_1"));
  Steps(body);
  Schedule(body);
  if (body.is_object()) {
    // The pieces as they sit inside a request body.
    for (const char* key : {"steps", "schedule", "mergeFields", "rotation"}) {
      if (!body.contains(key)) continue;
      const json& part = body.at(key);
      Steps(part);
      Schedule(part);
      Serialises(ParseMergeFields(part, key));
      Serialises(ParseRotation(part, "mbx_1"));
    }
  }
  return 0;
}
