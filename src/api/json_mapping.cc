#include "api/json_mapping.h"

#include <algorithm>

#include "api/errors.h"
#include "api/json_reader.h"
#include "core/enrollment_rules.h"
#include "core/step_rules.h"

namespace mailmark {
namespace {

using nlohmann::json;

json TimeOrNull(const std::optional<Timestamp>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

std::string Trim(std::string_view s) {
  auto not_space = [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  auto b = std::find_if(s.begin(), s.end(), not_space);
  auto e = std::find_if(s.rbegin(), s.rend(), not_space).base();
  return b < e ? std::string(b, e) : std::string();
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A single-line text field (names, hosts): no line breaks or control characters, so no
// value can add a mail header, and a sane length.
std::optional<std::string> LineField(JsonObjectReader& r, std::string_view key, Need need,
                                     std::size_t max_len = 200) {
  std::optional<std::string> v = r.String(key, need);
  if (!v) return v;
  std::string trimmed = Trim(*v);
  std::string field = r.PathOf(key);
  if (need == Need::kRequired && trimmed.empty()) {
    r.Fail(Invalid("missing_field", field + " must not be empty.", {{"field", field}}));
  } else if (HasControlChars(trimmed)) {
    r.Fail(Invalid("invalid_value", field + " must be one line of text.", {{"field", field}}));
  } else if (trimmed.size() > max_len) {
    r.Fail(Invalid("value_too_long",
                   field + " is longer than " + std::to_string(max_len) + " bytes.",
                   {{"field", field}, {"maxBytes", max_len}}));
  }
  return trimmed;
}

std::optional<int> Port(JsonObjectReader& r, Need need) {
  std::optional<std::int64_t> port = r.Integer("port", need);
  if (!port) return std::nullopt;
  if (*port < 1 || *port > 65535) {
    std::string field = r.PathOf("port");
    r.Fail(Invalid("invalid_port", field + " must be between 1 and 65535.", {{"field", field}}));
    return std::nullopt;
  }
  return static_cast<int>(*port);
}

std::optional<TlsMode> Tls(JsonObjectReader& r) {
  std::optional<std::string> tls = r.String("tls");
  if (!tls) return std::nullopt;
  std::optional<TlsMode> mode = ParseTlsMode(*tls);
  if (!mode) {
    std::string field = r.PathOf("tls");
    r.Fail(Invalid("invalid_tls", field + " must be \"none\", \"starttls\" or \"tls\".",
                   {{"field", field}}));
  }
  return mode;
}

void SetFromEmail(JsonObjectReader& r, Need need, std::string& out) {
  std::optional<std::string> raw = r.String("fromEmail", need);
  if (!raw) return;
  Result<std::string> email = CheckContactEmail(*raw);
  if (!email) {
    Error e = email.error();
    e.details = {{"field", "fromEmail"}};
    r.Fail(std::move(e));
    return;
  }
  out = *email;
}

struct TransportChoice {
  TransportType type = TransportType::kOutbox;
  std::optional<SmtpSettings> smtp;
};

// `old` is the stored SMTP settings, whose password survives when the request leaves it out.
Result<TransportChoice> ParseTransport(const json& value, const std::optional<SmtpSettings>& old) {
  JsonObjectReader r(value, "transport");
  TransportChoice out;
  std::optional<std::string> type = r.String("type", Need::kRequired);
  r.Ignore({"hasPassword"});
  if (type && !r.failed()) {
    std::optional<TransportType> t = ParseTransportType(*type);
    if (!t) {
      r.Fail(Invalid("invalid_transport", "transport.type must be \"outbox\" or \"smtp\".",
                     {{"field", "transport.type"}}));
    } else {
      out.type = *t;
    }
  }
  if (!r.failed() && out.type == TransportType::kSmtp) {
    SmtpSettings smtp;
    smtp.host = LineField(r, "host", Need::kRequired, 253).value_or("");
    smtp.port = Port(r, Need::kRequired).value_or(0);
    smtp.tls = Tls(r).value_or(TlsMode::kStartTls);
    smtp.tls_verify = r.Bool("tlsVerify").value_or(true);
    smtp.username = r.String("username").value_or("");
    if (std::optional<std::string> bounce = r.String("bounceAddress"); bounce && !bounce->empty()) {
      Result<std::string> checked = CheckContactEmail(*bounce);
      if (!checked) {
        r.Fail(Invalid("invalid_bounce_address", "transport.bounceAddress is not a valid address.",
                       {{"field", "transport.bounceAddress"}}));
      } else {
        smtp.bounce_address = *checked;
      }
    }
    if (std::optional<std::string> pw = r.String("password")) {
      smtp.password = *pw;
    } else if (old) {
      smtp.password = old->password;
    }
    out.smtp = std::move(smtp);
  }
  if (auto st = r.Finish(); !st) return st.error();
  return out;
}

Result<ImapSettings> ParseImap(const json& value, const std::optional<ImapSettings>& old) {
  JsonObjectReader r(value, "imap");
  ImapSettings imap;
  imap.host = LineField(r, "host", Need::kRequired, 253).value_or("");
  imap.port = Port(r, Need::kRequired).value_or(0);
  imap.tls = Tls(r).value_or(TlsMode::kTls);
  imap.username = r.String("username").value_or("");
  if (std::optional<std::string> pw = r.String("password")) {
    imap.password = *pw;
  } else if (old) {
    imap.password = old->password;
  }
  if (std::optional<std::string> folder = LineField(r, "folder", Need::kOptional, 255);
      folder && !folder->empty()) {
    imap.folder = *folder;
  }
  r.Ignore({"hasPassword"});
  if (auto st = r.Finish(); !st) return st.error();
  return imap;
}

std::optional<std::optional<std::int64_t>> DailyLimit(JsonObjectReader& r) {
  if (!r.Has("dailyLimit")) return std::nullopt;
  if (r.IsNull("dailyLimit")) {
    r.Any("dailyLimit");
    return std::optional<std::int64_t>();
  }
  std::optional<std::int64_t> limit = r.Integer("dailyLimit");
  if (limit && *limit < 1) {
    r.Fail(Invalid("invalid_daily_limit", "dailyLimit must be a positive integer or null.",
                   {{"field", "dailyLimit"}}));
  }
  return limit;
}

// The mailbox fields a POST and a PATCH share; `need` makes them required for a POST.
Status ReadMailbox(const json& body, Need need, Mailbox& m) {
  JsonObjectReader r(body, "");
  r.Ignore({"id", "createdAt", "updatedAt"});
  if (auto name = LineField(r, "name", need)) m.name = *name;
  if (auto from_name = LineField(r, "fromName", Need::kOptional)) m.from_name = *from_name;
  SetFromEmail(r, need, m.from_email);
  if (const json* t = r.Object("transport")) {
    Result<TransportChoice> choice = ParseTransport(*t, m.smtp);
    if (!choice) {
      r.Fail(choice.error());
    } else {
      m.transport = choice->type;
      m.smtp = choice->smtp;
    }
  }
  if (r.Has("imap") && r.IsNull("imap")) {
    r.Any("imap");
    m.imap.reset();
  } else if (const json* i = r.Object("imap")) {
    Result<ImapSettings> imap = ParseImap(*i, m.imap);
    if (!imap) {
      r.Fail(imap.error());
    } else {
      m.imap = *imap;
    }
  }
  if (auto limit = DailyLimit(r)) m.daily_limit = *limit;
  return r.Finish();
}

Result<Step> ParseStep(const json& value, std::size_t index) {
  std::string path = "steps[" + std::to_string(index) + "]";
  JsonObjectReader r(value, path);
  Step step;
  step.id = r.String("id").value_or("");
  std::optional<std::string> type = r.String("type", Need::kRequired);
  if (type && !r.failed()) {
    std::optional<StepType> t = ParseStepType(*type);
    if (!t) {
      r.Fail(Invalid("invalid_step_type", path + ".type must be \"send_email\" or \"delay\".",
                     {{"index", index}, {"field", path + ".type"}}));
    } else {
      step.type = *t;
    }
  }
  if (!r.failed() && step.type == StepType::kSendEmail) {
    step.subject = r.String("subject").value_or("");
    if (HasControlChars(step.subject)) {
      r.Fail(Invalid("invalid_subject", path + ".subject must be one line of text.",
                     {{"index", index}, {"field", path + ".subject"}}));
    }
    step.html = r.String("html").value_or("");
    step.text = r.String("text");
  } else if (!r.failed()) {
    const json* delay = r.Any("delayMs", Need::kRequired);
    if (delay && !delay->is_number()) {
      r.Fail(BadRequest("invalid_field", path + ".delayMs must be a number of milliseconds.",
                        {{"field", path + ".delayMs"}, {"expected", "an integer"}}));
    } else if (delay) {
      bool ok = (delay->is_number_unsigned() && delay->get<std::uint64_t>() <= kMaxDelayMs) ||
                (delay->is_number_integer() && delay->get<std::int64_t>() > 0 &&
                 delay->get<std::int64_t>() <= kMaxDelayMs);
      if (ok && delay->get<std::int64_t>() > 0) {
        step.delay_ms = delay->get<std::int64_t>();
      } else {
        r.Fail(Invalid("invalid_delay",
                       path + ".delayMs must be a whole number of milliseconds, at least 1 and "
                              "at most ten years.",
                       {{"index", index}, {"field", path + ".delayMs"}}));
      }
    }
  }
  if (auto st = r.Finish(); !st) return st.error();
  return step;
}

std::string ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() && !v.is_number_unsigned())
    return std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  return v.dump();  // a float, in JSON's shortest round-trip form
}

}  // namespace

// ---- answers ----

json UserJson(const User& user) {
  return {{"id", user.id}, {"name", user.name}, {"createdAt", FormatRfc3339(user.created_at)}};
}

json MailboxJson(const Mailbox& m) {
  json transport = {{"type", ToString(m.transport)}};
  if (m.transport == TransportType::kSmtp && m.smtp) {
    transport["host"] = m.smtp->host;
    transport["port"] = m.smtp->port;
    transport["tls"] = ToString(m.smtp->tls);
    transport["tlsVerify"] = m.smtp->tls_verify;
    transport["username"] = m.smtp->username;
    transport["bounceAddress"] = m.smtp->bounce_address;
    transport["hasPassword"] = !m.smtp->password.empty();
  }
  json imap = nullptr;
  if (m.imap) {
    imap = {{"host", m.imap->host},         {"port", m.imap->port},
            {"tls", ToString(m.imap->tls)}, {"username", m.imap->username},
            {"folder", m.imap->folder},     {"hasPassword", !m.imap->password.empty()}};
  }
  return {{"id", m.id},
          {"name", m.name},
          {"fromName", m.from_name},
          {"fromEmail", m.from_email},
          {"transport", std::move(transport)},
          {"imap", std::move(imap)},
          {"dailyLimit", m.daily_limit ? json(*m.daily_limit) : json(nullptr)},
          {"createdAt", FormatRfc3339(m.created_at)},
          {"updatedAt", FormatRfc3339(m.updated_at)}};
}

json StepJson(const Step& s) {
  json out = {{"id", s.id}, {"type", ToString(s.type)}};
  if (s.type == StepType::kDelay) {
    out["delayMs"] = s.delay_ms;
  } else {
    out["subject"] = s.subject;
    out["html"] = s.html;
    if (s.text) out["text"] = *s.text;
  }
  return out;
}

json SequenceJson(const Sequence& s, const SequenceCounts& c) {
  json steps = json::array();
  for (const Step& step : s.steps) steps.push_back(StepJson(step));
  return {{"id", s.id},
          {"mailboxId", s.mailbox_id},
          {"name", s.name},
          {"status", ToString(s.status)},
          {"steps", std::move(steps)},
          {"counts",
           {{"active", c.active},
            {"completed", c.completed},
            {"replied", c.replied},
            {"cancelled", c.cancelled},
            {"bounced", c.bounced}}},
          {"createdAt", FormatRfc3339(s.created_at)},
          {"updatedAt", FormatRfc3339(s.updated_at)}};
}

json StepStatsJson(const std::vector<StepStats>& stats) {
  json out = json::array();
  for (const StepStats& s : stats) {
    out.push_back(
        {{"stepId", s.step_id}, {"sent", s.sent}, {"replied", s.replied}, {"bounced", s.bounced}});
  }
  return out;
}

json EnrollmentJson(const Enrollment& e, const std::vector<Step>& steps) {
  json current = nullptr;
  if (e.status == EnrollmentStatus::kActive) {
    if (std::optional<Id> id = CurrentStepId(steps, e.last_step_id)) current = *id;
  }
  json merge = json::object();
  for (const auto& [k, v] : e.merge_fields) merge[k] = v;
  json out = {{"id", e.id},
              {"sequenceId", e.sequence_id},
              {"contactEmail", e.contact_email},
              {"mergeFields", std::move(merge)},
              {"status", ToString(e.status)},
              {"currentStepId", std::move(current)},
              {"nextRunAt",
               e.status == EnrollmentStatus::kActive ? TimeOrNull(e.next_run_at) : json(nullptr)},
              // Set by an out-of-office reply that named a return date.
              {"pausedUntil",
               e.status == EnrollmentStatus::kActive ? TimeOrNull(e.paused_until) : json(nullptr)},
              {"createdAt", FormatRfc3339(e.created_at)},
              {"updatedAt", FormatRfc3339(e.updated_at)}};
  if (!e.status_reason.empty()) out["statusReason"] = e.status_reason;
  return out;
}

json MessageJson(const Message& m) {
  return {{"id", m.id},
          {"stepId", m.step_id},
          {"messageId", m.message_id},
          {"subject", m.subject},
          {"sentAt", TimeOrNull(m.sent_at)},
          {"status", ToString(m.state)}};
}

json HistoryJson(const HistoryEntry& h) {
  return {{"at", FormatRfc3339(h.at)}, {"status", h.status}, {"cause", h.cause}};
}

json EnrollmentDetailJson(const Enrollment& e, const std::vector<Step>& steps,
                          const std::vector<Message>& messages,
                          const std::vector<HistoryEntry>& history) {
  json out = EnrollmentJson(e, steps);
  json msgs = json::array();
  for (const Message& m : messages) msgs.push_back(MessageJson(m));
  json hist = json::array();
  for (const HistoryEntry& h : history) hist.push_back(HistoryJson(h));
  out["messages"] = std::move(msgs);
  out["history"] = std::move(hist);
  return out;
}

// ---- requests ----

Result<Mailbox> ParseNewMailbox(const json& body) {
  Mailbox m;
  if (auto st = ReadMailbox(body, Need::kRequired, m); !st) return st.error();
  return m;
}

Result<Mailbox> ParseMailboxPatch(const json& body, Mailbox current) {
  if (auto st = ReadMailbox(body, Need::kOptional, current); !st) return st.error();
  return current;
}

Result<std::vector<Step>> ParseSteps(const json& value) {
  if (!value.is_array()) {
    return BadRequest("invalid_field", "steps must be an array.",
                      {{"field", "steps"}, {"expected", "an array"}});
  }
  std::vector<Step> steps;
  steps.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    Result<Step> step = ParseStep(value[i], i);
    if (!step) return step.error();
    steps.push_back(std::move(*step));
  }
  return steps;
}

Result<SequenceInput> ParseNewSequence(const json& body) {
  JsonObjectReader r(body, "");
  SequenceInput in;
  in.name = LineField(r, "name", Need::kRequired).value_or("");
  const json* steps = r.Array("steps", Need::kRequired);
  r.Ignore({"id", "mailboxId", "status", "counts", "createdAt", "updatedAt"});
  if (auto st = r.Finish(); !st) return st.error();
  Result<std::vector<Step>> parsed = ParseSteps(*steps);
  if (!parsed) return parsed.error();
  in.steps = std::move(*parsed);
  return in;
}

Result<SequencePatch> ParseSequencePatch(const json& body) {
  JsonObjectReader r(body, "");
  SequencePatch patch;
  patch.name = LineField(r, "name", Need::kOptional);
  if (patch.name && patch.name->empty()) {
    r.Fail(Invalid("missing_field", "name must not be empty.", {{"field", "name"}}));
  }
  const json* steps = r.Array("steps");
  r.Ignore({"id", "mailboxId", "status", "counts", "createdAt", "updatedAt"});
  if (auto st = r.Finish(); !st) return st.error();
  if (steps) {
    Result<std::vector<Step>> parsed = ParseSteps(*steps);
    if (!parsed) return parsed.error();
    patch.steps = std::move(*parsed);
  }
  return patch;
}

Result<MergeFields> ParseMergeFields(const json& value, const std::string& path) {
  std::string field = path.empty() ? "mergeFields" : path + ".mergeFields";
  if (!value.is_object()) {
    return Invalid("invalid_merge_fields", field + " must be an object of text values.",
                   {{"field", field}});
  }
  MergeFields out;
  for (const auto& [key, v] : value.items()) {
    if (key.empty() || key.size() > 200) {
      return Invalid("invalid_merge_fields", field + " keys must be 1 to 200 bytes long.",
                     {{"field", field}});
    }
    if (!v.is_string() && !v.is_number() && !v.is_boolean()) {
      return Invalid("invalid_merge_fields",
                     field + "." + key + " must be a string, a number or a boolean.",
                     {{"field", field + "." + key}});
    }
    out[key] = ScalarText(v);
  }
  return out;
}

Result<ContactInput> ParseContact(const json& value, const std::string& path) {
  JsonObjectReader r(value, path);
  ContactInput in;
  in.contact_email = r.String("contactEmail", Need::kRequired).value_or("");
  if (const json* merge = r.Any("mergeFields")) {
    Result<MergeFields> fields = ParseMergeFields(*merge, path);
    if (!fields) {
      r.Fail(fields.error());
    } else {
      in.merge_fields = std::move(*fields);
    }
  }
  in.force = r.Bool("force").value_or(false);
  if (auto st = r.Finish(); !st) return st.error();
  return in;
}

}  // namespace mailmark
