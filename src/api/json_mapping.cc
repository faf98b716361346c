#include "api/json_mapping.h"

#include <algorithm>
#include <limits>
#include <set>

#include "api/errors.h"
#include "api/json_reader.h"
#include "core/enrollment_rules.h"
#include "core/input_limits.h"
#include "core/send_window.h"
#include "core/step_rules.h"
#include "core/time_zone.h"

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

// `e` with details.field set (a lower layer's error, e.g. TimeZone::Parse's, does not know
// which field of the request it judged).
Error WithField(Error e, const std::string& field) {
  if (!e.details.is_object()) e.details = json::object();
  e.details["field"] = field;
  return e;
}

// A JSON number that is a whole number in int64's range; nullopt for fractions (1.5, and 1.0,
// which JSON keeps as a float) and for numbers beyond it.
std::optional<std::int64_t> WholeNumber(const json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  return std::nullopt;
}

// A required number with a range rule of its own: a value that is not a number at all is
// malformed (400 invalid_field, like every wrong type), one that is a number but not a whole
// one in [min, max] breaks the rule (`out_of_range`, a 422), as delayMs does.
std::optional<std::int64_t> RangedInteger(JsonObjectReader& r, std::string_view key,
                                          std::int64_t min, std::int64_t max,
                                          const Error& out_of_range) {
  const json* v = r.Any(key, Need::kRequired);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    std::string field = r.PathOf(key);
    r.Fail(BadRequest("invalid_field", field + " must be a number.",
                      {{"field", field}, {"expected", "an integer"}}));
    return std::nullopt;
  }
  std::optional<std::int64_t> n = WholeNumber(*v);
  if (!n || *n < min || *n > max) {
    r.Fail(out_of_range);
    return std::nullopt;
  }
  return n;
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

Result<SendGap> ParseSendGap(const json& value) {
  JsonObjectReader r(value, "sendGap");
  Error bad = Invalid("invalid_send_gap",
                      "sendGap.minMs and sendGap.maxMs must be whole milliseconds with 0 <= minMs "
                      "<= maxMs <= 86400000 (a day).",
                      {{"field", "sendGap"}});
  std::optional<std::int64_t> min = RangedInteger(r, "minMs", 0, kMaxSendGapMs, bad);
  std::optional<std::int64_t> max = RangedInteger(r, "maxMs", 0, kMaxSendGapMs, bad);
  if (min && max && *min > *max) r.Fail(bad);
  if (auto st = r.Finish(); !st) return st.error();
  return SendGap{*min, *max};
}

Result<BounceProtection> ParseBounceProtection(const json& value) {
  JsonObjectReader r(value, "bounceProtection");
  std::optional<std::int64_t> percent =
      RangedInteger(r, "maxPercent", 1, 100,
                    Invalid("invalid_bounce_protection",
                            "bounceProtection.maxPercent must be a whole number from 1 to 100.",
                            {{"field", "bounceProtection.maxPercent"}}));
  std::optional<std::int64_t> over_last =
      RangedInteger(r, "overLast", 1, kMaxBounceWindow,
                    Invalid("invalid_bounce_protection",
                            "bounceProtection.overLast must be a whole number from 1 to " +
                                std::to_string(kMaxBounceWindow) + ".",
                            {{"field", "bounceProtection.overLast"}}));
  if (auto st = r.Finish(); !st) return st.error();
  return BounceProtection{static_cast<int>(*percent), static_cast<int>(*over_last)};
}

// The mailbox fields a POST and a PATCH share; `need` makes them required for a POST.
Status ReadMailbox(const json& body, Need need, Mailbox& m) {
  JsonObjectReader r(body, "");
  // What the server keeps: an answer sent back as it was read changes none of it.
  r.Ignore({"id", "createdAt", "updatedAt", "imapStatus", "status", "pausedReason", "pausedAt",
            "bounceFigures", "sentToday", "limitResetsAt", "recentSends", "recentBounced"});
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
  if (std::optional<std::string> zone = r.String("timezone")) {
    Result<TimeZone> tz = TimeZone::Parse(*zone);
    if (!tz) {
      r.Fail(WithField(tz.error(), "timezone"));
    } else {
      m.timezone = tz->name();
    }
  }
  if (r.Has("sendGap") && r.IsNull("sendGap")) {
    r.Any("sendGap");
    m.send_gap = SendGap{};
  } else if (const json* g = r.Object("sendGap")) {
    Result<SendGap> gap = ParseSendGap(*g);
    if (!gap) {
      r.Fail(gap.error());
    } else {
      m.send_gap = *gap;
    }
  }
  if (r.Has("bounceProtection") && r.IsNull("bounceProtection")) {
    r.Any("bounceProtection");
    m.bounce_protection.reset();
  } else if (const json* b = r.Object("bounceProtection")) {
    Result<BounceProtection> protection = ParseBounceProtection(*b);
    if (!protection) {
      r.Fail(protection.error());
    } else {
      m.bounce_protection = *protection;
    }
  }
  return r.Finish();
}

// The day names of schedule.days as a mask; the first bad entry fails `r`.
std::uint8_t ReadDays(JsonObjectReader& r, const json& days) {
  if (days.empty()) {
    r.Fail(Invalid("invalid_schedule", "schedule.days must name at least one day.",
                   {{"field", "schedule.days"}}));
    return 0;
  }
  std::uint8_t mask = 0;
  for (std::size_t i = 0; i < days.size(); ++i) {
    std::string field = "schedule.days[" + std::to_string(i) + "]";
    if (!days[i].is_string()) {
      r.Fail(BadRequest("invalid_field", field + " must be a string.",
                        {{"field", field}, {"expected", "a string"}}));
      return 0;
    }
    // The day's bit of the mask itself (1 for Monday … 64 for Sunday).
    std::optional<std::uint8_t> day = ParseWeekdayBit(days[i].get<std::string>());
    if (!day) {
      r.Fail(Invalid("invalid_schedule",
                     field + " must be one of \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", "
                             "\"sat\", \"sun\".",
                     {{"field", field}}));
      return 0;
    }
    if (mask & *day) {
      r.Fail(
          Invalid("invalid_schedule", field + " names a day already given.", {{"field", field}}));
      return 0;
    }
    mask = static_cast<std::uint8_t>(mask | *day);
  }
  return mask;
}

std::optional<int> ReadClock(JsonObjectReader& r, std::string_view key) {
  std::optional<std::string> text = r.String(key, Need::kRequired);
  if (!text) return std::nullopt;
  std::optional<int> minutes = ParseClockMinutes(*text);
  if (!minutes) {
    std::string field = r.PathOf(key);
    r.Fail(Invalid("invalid_schedule", field + " must be a time \"HH:MM\" from 00:00 to 24:00.",
                   {{"field", field}}));
  }
  return minutes;
}

// A schedule or rotation present in `r` (null included), parsed into `out`.
template <typename T, typename Parse>
void ReadNullable(JsonObjectReader& r, std::string_view key, Parse parse, std::optional<T>& out) {
  if (!r.Has(key)) return;
  const json* v = r.Any(key);
  if (r.failed()) return;
  Result<T> parsed = parse(v ? *v : json(nullptr));
  if (!parsed) {
    r.Fail(parsed.error());
  } else {
    out = std::move(*parsed);
  }
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

json MailboxJson(const Mailbox& m, const std::optional<MailboxUsage>& usage) {
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
  json protection = nullptr;
  if (m.bounce_protection) {
    protection = {{"maxPercent", m.bounce_protection->max_percent},
                  {"overLast", m.bounce_protection->over_last}};
  }
  // The pause fields describe the pause in force; an active mailbox has none, whatever an
  // old row still holds.
  bool paused = m.status == MailboxStatus::kPaused;
  json reason = nullptr;
  if (paused && m.paused_reason != PauseReason::kNone) reason = ToString(m.paused_reason);
  json figures = nullptr;
  if (paused && m.paused_reason == PauseReason::kBounceRate) {
    figures = {{"bounced", m.paused_bounced}, {"sends", m.paused_sends}};
  }
  json out = {{"id", m.id},
              {"name", m.name},
              {"fromName", m.from_name},
              {"fromEmail", m.from_email},
              {"transport", std::move(transport)},
              {"imap", std::move(imap)},
              {"dailyLimit", m.daily_limit ? json(*m.daily_limit) : json(nullptr)},
              {"timezone", m.timezone},
              {"sendGap", {{"minMs", m.send_gap.min_ms}, {"maxMs", m.send_gap.max_ms}}},
              {"bounceProtection", std::move(protection)},
              {"status", ToString(m.status)},
              {"pausedReason", std::move(reason)},
              {"pausedAt", paused ? TimeOrNull(m.paused_at) : json(nullptr)},
              {"bounceFigures", std::move(figures)},
              {"createdAt", FormatRfc3339(m.created_at)},
              {"updatedAt", FormatRfc3339(m.updated_at)}};
  if (usage) {
    out["sentToday"] = usage->sent_today;
    out["limitResetsAt"] = FormatRfc3339(usage->limit_resets_at);
    out["recentSends"] = usage->recent_sends;
    out["recentBounced"] = usage->recent_bounced;
  }
  return out;
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
          {"schedule", ScheduleJson(s.schedule)},
          {"rotation", s.rotation},
          {"counts",
           {{"active", c.active},
            {"completed", c.completed},
            {"replied", c.replied},
            {"cancelled", c.cancelled},
            {"bounced", c.bounced}}},
          {"createdAt", FormatRfc3339(s.created_at)},
          {"updatedAt", FormatRfc3339(s.updated_at)}};
}

json ScheduleJson(const std::optional<SendSchedule>& s) {
  if (!s) return nullptr;
  return {{"timezone", s->timezone},
          {"days", WeekdayNames(s->days)},
          {"from", FormatClockMinutes(s->from_minute)},
          {"to", FormatClockMinutes(s->to_minute)},
          {"useContactTimezone", s->use_contact_timezone}};
}

json StepStatsJson(const std::vector<StepStats>& stats) {
  json out = json::array();
  for (const StepStats& s : stats) {
    out.push_back(
        {{"stepId", s.step_id}, {"sent", s.sent}, {"replied", s.replied}, {"bounced", s.bounced}});
  }
  return out;
}

json EnrollmentJson(const Enrollment& e, const Sequence& sequence) {
  json current = nullptr;
  if (e.status == EnrollmentStatus::kActive) {
    if (std::optional<Id> id = CurrentStepId(sequence.steps, e.last_step_id)) current = *id;
  }
  json send_zone = nullptr;
  if (sequence.schedule) {
    auto it = e.merge_fields.find("timezone");
    send_zone =
        ZoneFor(*sequence.schedule, it == e.merge_fields.end() ? "" : std::string_view(it->second))
            .name();
  }
  json merge = json::object();
  for (const auto& [k, v] : e.merge_fields) merge[k] = v;
  json out = {{"id", e.id},
              {"sequenceId", e.sequence_id},
              {"mailboxId", e.mailbox_id},
              {"contactEmail", e.contact_email},
              {"mergeFields", std::move(merge)},
              {"status", ToString(e.status)},
              {"currentStepId", std::move(current)},
              {"nextRunAt",
               e.status == EnrollmentStatus::kActive ? TimeOrNull(e.next_run_at) : json(nullptr)},
              // Set by an out-of-office reply that named a return date.
              {"pausedUntil",
               e.status == EnrollmentStatus::kActive ? TimeOrNull(e.paused_until) : json(nullptr)},
              // The zone its sending window is judged in: the contact's own when the schedule
              // uses contact zones and its merge field parses.
              {"sendTimezone", std::move(send_zone)},
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

json EnrollmentDetailJson(const Enrollment& e, const Sequence& sequence,
                          const std::vector<Message>& messages,
                          const std::vector<HistoryEntry>& history) {
  json out = EnrollmentJson(e, sequence);
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
  // Refused before any step is read; ValidateSteps has the same rule for every other caller.
  if (value.size() > kMaxSteps) {
    return MakeError(ErrorKind::kTooLarge, "too_many_steps",
                     "A sequence has at most " + std::to_string(kMaxSteps) + " steps.",
                     {{"field", "steps"}, {"max", kMaxSteps}, {"count", value.size()}});
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

Result<std::optional<SendSchedule>> ParseSchedule(const json& value) {
  if (value.is_null()) return std::optional<SendSchedule>();
  JsonObjectReader r(value, "schedule");
  SendSchedule s;
  if (std::optional<std::string> zone = r.String("timezone")) {
    Result<TimeZone> tz = TimeZone::Parse(*zone);
    if (!tz) {
      r.Fail(WithField(tz.error(), "schedule.timezone"));
    } else {
      s.timezone = tz->name();
    }
  }
  if (const json* days = r.Array("days", Need::kRequired)) s.days = ReadDays(r, *days);
  std::optional<int> from = ReadClock(r, "from");
  std::optional<int> to = ReadClock(r, "to");
  if (from && to && *from >= *to) {
    r.Fail(Invalid("invalid_schedule",
                   "schedule.to must be later than schedule.from: a window opens and closes on "
                   "the same day.",
                   {{"field", "schedule.to"}}));
  }
  s.use_contact_timezone = r.Bool("useContactTimezone").value_or(false);
  if (auto st = r.Finish(); !st) return st.error();
  s.from_minute = *from;
  s.to_minute = *to;
  // The domain's own rules have the last word, should they ever be stricter than the above.
  if (Status valid = ValidateSchedule(s); !valid) {
    Error e = valid.error();
    std::string field = "schedule";
    if (e.details.is_object() && e.details.contains("field") && e.details["field"].is_string()) {
      field += "." + e.details["field"].get<std::string>();  // it names the schedule's own
    }
    return WithField(std::move(e), field);
  }
  return std::optional<SendSchedule>(s);
}

Result<std::vector<Id>> ParseRotation(const json& value, const Id& own_mailbox_id) {
  if (value.is_null()) return std::vector<Id>{};
  if (!value.is_array()) {
    return BadRequest("invalid_field", "rotation must be an array of mailbox ids.",
                      {{"field", "rotation"}, {"expected", "an array"}});
  }
  if (value.size() > kMaxRotation) {
    return Invalid("invalid_rotation",
                   "rotation names at most " + std::to_string(kMaxRotation) + " mailboxes.",
                   {{"field", "rotation"}, {"max", kMaxRotation}});
  }
  std::vector<Id> out;
  std::set<Id, std::less<>> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::string field = "rotation[" + std::to_string(i) + "]";
    if (!value[i].is_string()) {
      return BadRequest("invalid_field", field + " must be a mailbox id.",
                        {{"field", field}, {"expected", "a string"}});
    }
    Id id = value[i].get<std::string>();
    json details = {{"field", field}, {"mailboxId", id}};
    if (id.empty()) {
      return Invalid("invalid_rotation", field + " must be a mailbox id.", std::move(details));
    }
    if (id == own_mailbox_id) {
      return Invalid("invalid_rotation",
                     field + " is the sequence's own mailbox, which is in the rotation anyway.",
                     std::move(details));
    }
    if (!seen.insert(id).second) {
      return Invalid("invalid_rotation", field + " names a mailbox already given.",
                     std::move(details));
    }
    out.push_back(std::move(id));
  }
  return out;
}

Result<SequenceInput> ParseNewSequence(const json& body, const Id& mailbox_id) {
  JsonObjectReader r(body, "");
  SequenceInput in;
  in.name = LineField(r, "name", Need::kRequired).value_or("");
  const json* steps = r.Array("steps", Need::kRequired);
  std::optional<std::optional<SendSchedule>> schedule;
  ReadNullable(r, "schedule", ParseSchedule, schedule);
  std::optional<std::vector<Id>> rotation;
  ReadNullable(
      r, "rotation", [&](const json& v) { return ParseRotation(v, mailbox_id); }, rotation);
  r.Ignore({"id", "mailboxId", "status", "counts", "stepStats", "createdAt", "updatedAt"});
  if (auto st = r.Finish(); !st) return st.error();
  if (schedule) in.schedule = std::move(*schedule);
  if (rotation) in.rotation = std::move(*rotation);
  Result<std::vector<Step>> parsed = ParseSteps(*steps);
  if (!parsed) return parsed.error();
  in.steps = std::move(*parsed);
  return in;
}

Result<SequencePatch> ParseSequencePatch(const json& body, const Id& mailbox_id) {
  JsonObjectReader r(body, "");
  SequencePatch patch;
  patch.name = LineField(r, "name", Need::kOptional);
  if (patch.name && patch.name->empty()) {
    r.Fail(Invalid("missing_field", "name must not be empty.", {{"field", "name"}}));
  }
  const json* steps = r.Array("steps");
  ReadNullable(r, "schedule", ParseSchedule, patch.schedule);
  ReadNullable(
      r, "rotation", [&](const json& v) { return ParseRotation(v, mailbox_id); }, patch.rotation);
  r.Ignore({"id", "mailboxId", "status", "counts", "stepStats", "createdAt", "updatedAt"});
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
  if (value.size() > kMaxMergeFields) {
    return MakeError(ErrorKind::kTooLarge, "too_many_merge_fields",
                     field + " holds at most " + std::to_string(kMaxMergeFields) + " fields.",
                     {{"field", field}, {"max", kMaxMergeFields}, {"count", value.size()}});
  }
  MergeFields out;
  std::size_t total = 0;
  for (const auto& [key, v] : value.items()) {
    if (key.empty() || key.size() > kMaxMergeKeyBytes) {
      return Invalid(
          "invalid_merge_fields",
          field + " keys must be 1 to " + std::to_string(kMaxMergeKeyBytes) + " bytes long.",
          {{"field", field}, {"maxBytes", kMaxMergeKeyBytes}});
    }
    if (!v.is_string() && !v.is_number() && !v.is_boolean()) {
      return Invalid("invalid_merge_fields",
                     field + "." + key + " must be a string, a number or a boolean.",
                     {{"field", field + "." + key}});
    }
    std::string text = ScalarText(v);
    if (text.size() > kMaxMergeValueBytes) {
      return MakeError(ErrorKind::kTooLarge, "too_large",
                       field + "." + key + " is " + std::to_string(text.size()) +
                           " bytes; at most " + std::to_string(kMaxMergeValueBytes) +
                           " are allowed.",
                       {{"field", field + "." + key},
                        {"maxBytes", kMaxMergeValueBytes},
                        {"bytes", text.size()}});
    }
    total += key.size() + text.size();
    if (total > kMaxMergeFieldsBytes) {
      return MakeError(ErrorKind::kTooLarge, "too_large",
                       field + " is larger than " + std::to_string(kMaxMergeFieldsBytes) +
                           " bytes (keys and values together).",
                       {{"field", field}, {"maxBytes", kMaxMergeFieldsBytes}});
    }
    out[key] = std::move(text);
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
