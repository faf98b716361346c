#include "api/json_mapping.h"

#include <gtest/gtest.h>

#include "core/input_limits.h"

namespace mailmark {
namespace {

using nlohmann::json;

template <typename T>
std::string CodeOf(const Result<T>& r) {
  return r.ok() ? "ok" : r.error().code;
}

template <typename T>
std::string FieldOf(const Result<T>& r) {
  if (r.ok() || !r.error().details.is_object() || !r.error().details.contains("field")) return "";
  return r.error().details["field"].template get<std::string>();
}

json GoodMailbox() {
  return {{"name", "Sales"}, {"fromName", "Ann"}, {"fromEmail", " Ann@Example.COM "}};
}

TEST(MailboxParseTest, DefaultsToOutboxAndNormalisesTheAddress) {
  Result<Mailbox> m = ParseNewMailbox(GoodMailbox());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "Sales");
  EXPECT_EQ(m->from_email, "ann@example.com");
  EXPECT_EQ(m->transport, TransportType::kOutbox);
  EXPECT_FALSE(m->smtp);
  EXPECT_FALSE(m->imap);
  EXPECT_FALSE(m->daily_limit);
}

TEST(MailboxParseTest, SmtpNeedsHostAndPortInRange) {
  json body = GoodMailbox();
  body["transport"] = {{"type", "smtp"},  {"host", "smtp.example.com"},
                       {"port", 465},     {"tls", "tls"},
                       {"username", "u"}, {"password", "p"}};
  Result<Mailbox> m = ParseNewMailbox(body);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_TRUE(m->smtp);
  EXPECT_EQ(m->smtp->port, 465);
  EXPECT_EQ(m->smtp->tls, TlsMode::kTls);
  EXPECT_EQ(m->smtp->password, "p");
  EXPECT_TRUE(m->smtp->tls_verify);

  body["transport"].erase("host");
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "missing_field");
  EXPECT_EQ(FieldOf(ParseNewMailbox(body)), "transport.host");
  body["transport"]["host"] = "h";
  for (json port : {json(0), json(65536), json(-1)}) {
    body["transport"]["port"] = port;
    EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_port") << port;
  }
  for (json port : {json("25"), json(25.5), json(true), json::array()}) {
    body["transport"]["port"] = port;
    Result<Mailbox> r = ParseNewMailbox(body);
    EXPECT_EQ(CodeOf(r), "invalid_field") << port;
    EXPECT_EQ(FieldOf(r), "transport.port");
    EXPECT_EQ(r.error().kind, ErrorKind::kBadRequest);
  }
  body["transport"]["port"] = 25;
  body["transport"]["tls"] = "ssl";
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_tls");
  body["transport"]["tls"] = "none";
  body["transport"]["type"] = "carrier-pigeon";
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_transport");
  body["transport"] = {{"type", "outbox"}, {"bogus", 1}};
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "unknown_field");
  EXPECT_EQ(FieldOf(ParseNewMailbox(body)), "transport.bogus");
}

TEST(MailboxParseTest, RequiredFieldsAndTypes) {
  json body = GoodMailbox();
  body.erase("name");
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "missing_field");
  body["name"] = "   ";
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "missing_field");
  body["name"] = "two\nlines";
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_value");
  body["name"] = 5;
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_field");
  body["name"] = std::string(201, 'x');
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "value_too_long");
  body = GoodMailbox();
  body["fromEmail"] = "not-an-address";
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_email");
  EXPECT_EQ(FieldOf(ParseNewMailbox(body)), "fromEmail");
  body = GoodMailbox();
  body["dailyLimit"] = 0;
  EXPECT_EQ(CodeOf(ParseNewMailbox(body)), "invalid_daily_limit");
  body["dailyLimit"] = 100;
  EXPECT_EQ(*ParseNewMailbox(body)->daily_limit, 100);
  EXPECT_EQ(CodeOf(ParseNewMailbox(json::array())), "invalid_body");
  EXPECT_EQ(CodeOf(ParseNewMailbox(json("x"))), "invalid_body");
  body = GoodMailbox();
  body["id"] = "mbx_client";  // echoed read-only fields are accepted and dropped
  body["createdAt"] = "2020-01-01T00:00:00Z";
  EXPECT_TRUE(ParseNewMailbox(body).ok());
}

TEST(MailboxParseTest, PatchKeepsOmittedPasswordsAndRemovesWithNull) {
  Mailbox current = *ParseNewMailbox(GoodMailbox());
  current.smtp = SmtpSettings{"old.host", 587, TlsMode::kStartTls, true, "u", "secret", ""};
  current.transport = TransportType::kSmtp;
  current.imap = ImapSettings{"imap.host", 993, TlsMode::kTls, "u", "imap-secret", "INBOX"};
  current.daily_limit = 50;

  json patch = {{"transport", {{"type", "smtp"}, {"host", "new.host"}, {"port", 25}}},
                {"imap", {{"host", "imap2"}, {"port", 143}, {"tls", "starttls"}}},
                {"dailyLimit", nullptr}};
  Result<Mailbox> m = ParseMailboxPatch(patch, current);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->smtp->host, "new.host");
  EXPECT_EQ(m->smtp->password, "secret");
  EXPECT_EQ(m->imap->password, "imap-secret");
  EXPECT_EQ(m->imap->host, "imap2");
  EXPECT_FALSE(m->daily_limit);
  EXPECT_EQ(m->name, "Sales");

  Result<Mailbox> cleared = ParseMailboxPatch({{"imap", nullptr}}, current);
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->imap);
  Result<Mailbox> outbox = ParseMailboxPatch({{"transport", {{"type", "outbox"}}}}, current);
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->transport, TransportType::kOutbox);
  EXPECT_FALSE(outbox->smtp);
}

TEST(MailboxJsonTest, NeverShowsSecrets) {
  Mailbox m = *ParseNewMailbox(GoodMailbox());
  m.transport = TransportType::kSmtp;
  m.smtp = SmtpSettings{"h", 25, TlsMode::kNone, false, "user", "hunter2", ""};
  m.imap = ImapSettings{"i", 993, TlsMode::kTls, "user", "imap-pw", "INBOX"};
  json j = MailboxJson(m, std::nullopt);
  std::string text = j.dump();
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("imap-pw"), std::string::npos);
  EXPECT_EQ(j["transport"]["hasPassword"], true);
  EXPECT_EQ(j["transport"]["tls"], "none");
  EXPECT_EQ(j["transport"]["tlsVerify"], false);
  EXPECT_EQ(j["imap"]["hasPassword"], true);
  EXPECT_FALSE(j["transport"].contains("password"));
  EXPECT_TRUE(j["dailyLimit"].is_null());
}

TEST(StepParseTest, AcceptsBothKinds) {
  json steps =
      json::array({{{"type", "send_email"}, {"subject", "Hi"}, {"html", "<p>x</p>"}, {"text", "x"}},
                   {{"type", "delay"}, {"delayMs", 259200000}},
                   {{"id", "stp_keep"}, {"type", "send_email"}, {"html", "y"}}});
  Result<std::vector<Step>> parsed = ParseSteps(steps);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].text, "x");
  EXPECT_EQ((*parsed)[1].delay_ms, 259200000);
  EXPECT_EQ((*parsed)[2].id, "stp_keep");
  EXPECT_FALSE((*parsed)[2].text);
}

TEST(StepParseTest, RejectsBadDelays) {
  auto delay = [](json value) {
    return ParseSteps(json::array({{{"type", "delay"}, {"delayMs", value}}}));
  };
  EXPECT_EQ(CodeOf(delay(1)), "ok");
  EXPECT_EQ(CodeOf(delay(kMaxDelayMs)), "ok");
  EXPECT_EQ(CodeOf(delay(1.5)), "invalid_delay");
  EXPECT_EQ(CodeOf(delay(1.0)), "invalid_delay");
  EXPECT_EQ(CodeOf(delay(0)), "invalid_delay");
  EXPECT_EQ(CodeOf(delay(-5)), "invalid_delay");
  EXPECT_EQ(CodeOf(delay(kMaxDelayMs + 1)), "invalid_delay");
  EXPECT_EQ(CodeOf(delay(json::parse("18446744073709551615"))), "invalid_delay");
  EXPECT_EQ(CodeOf(delay(json::parse("1e300"))), "invalid_delay");
  EXPECT_EQ(CodeOf(delay("10")), "invalid_field");
  EXPECT_EQ(CodeOf(delay(nullptr)), "missing_field");
  EXPECT_EQ(FieldOf(delay("10")), "steps[0].delayMs");
}

TEST(StepParseTest, RejectsBadShapes) {
  EXPECT_EQ(CodeOf(ParseSteps(json::object())), "invalid_field");
  EXPECT_EQ(CodeOf(ParseSteps(json::array({5}))), "invalid_field");
  EXPECT_EQ(CodeOf(ParseSteps(json::array({{{"type", "sms"}}}))), "invalid_step_type");
  EXPECT_EQ(CodeOf(ParseSteps(json::array({{{"html", "x"}}}))), "missing_field");
  EXPECT_EQ(CodeOf(ParseSteps(json::array({{{"type", "send_email"}, {"html", 5}}}))),
            "invalid_field");
  EXPECT_EQ(
      CodeOf(ParseSteps(json::array({{{"type", "send_email"}, {"html", "x"}, {"delayMs", 5}}}))),
      "unknown_field");
  EXPECT_EQ(CodeOf(ParseSteps(json::array(
                {{{"type", "send_email"}, {"html", "x"}, {"subject", "a\r\nBcc: x@y"}}}))),
            "invalid_subject");
  EXPECT_TRUE(ParseSteps(json::array()).ok()) << "emptiness is ValidateSteps' call";
}

TEST(SequenceParseTest, NewAndPatch) {
  EXPECT_EQ(CodeOf(ParseNewSequence({{"name", "x"}}, "mbx_own")), "missing_field");
  EXPECT_EQ(CodeOf(ParseNewSequence({{"steps", json::array()}}, "mbx_own")), "missing_field");
  EXPECT_EQ(CodeOf(ParseNewSequence({{"name", "x"}, {"steps", "no"}}, "mbx_own")), "invalid_field");
  Result<SequencePatch> empty = ParseSequencePatch(json::object(), "mbx_own");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->name);
  EXPECT_FALSE(empty->steps);
  EXPECT_FALSE(empty->schedule);
  EXPECT_FALSE(empty->rotation);
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"name", ""}}, "mbx_own")), "missing_field");
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"nmae", "typo"}}, "mbx_own")), "unknown_field");
}

TEST(ContactParseTest, MergeFieldsBecomeText) {
  Result<ContactInput> c = ParseContact({{"contactEmail", "a@b.co"},
                                         {"mergeFields",
                                          {{"name", "Ann"},
                                           {"n", 42},
                                           {"big", 18446744073709551615ull},
                                           {"neg", -3},
                                           {"f", 1.5},
                                           {"yes", true},
                                           {"no", false}}},
                                         {"force", true}},
                                        "");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->force);
  EXPECT_EQ(c->merge_fields["name"], "Ann");
  EXPECT_EQ(c->merge_fields["n"], "42");
  EXPECT_EQ(c->merge_fields["big"], "18446744073709551615");
  EXPECT_EQ(c->merge_fields["neg"], "-3");
  EXPECT_EQ(c->merge_fields["f"], "1.5");
  EXPECT_EQ(c->merge_fields["yes"], "true");
  EXPECT_EQ(c->merge_fields["no"], "false");
}

TEST(ContactParseTest, RejectsNestedAndNullMergeValues) {
  for (json bad : {json{{"a", {{"b", 1}}}}, json{{"a", json::array({1})}}, json{{"a", nullptr}},
                   json::array(), json("text")}) {
    Result<ContactInput> c =
        ParseContact({{"contactEmail", "a@b.co"}, {"mergeFields", bad}}, "contacts[2]");
    EXPECT_EQ(CodeOf(c), "invalid_merge_fields") << bad;
    EXPECT_EQ(c.error().kind, ErrorKind::kInvalid);
  }
  EXPECT_EQ(CodeOf(ParseContact({{"mergeFields", json::object()}}, "")), "missing_field");
  EXPECT_EQ(CodeOf(ParseContact({{"contactEmail", 7}}, "")), "invalid_field");
  EXPECT_EQ(CodeOf(ParseContact({{"contactEmail", "a@b.co"}, {"force", "yes"}}, "")),
            "invalid_field");
  EXPECT_EQ(FieldOf(ParseContact({{"contactEmail", 7}}, "contacts[3]")),
            "contacts[3].contactEmail");
}

TEST(StepParseTest, AtMostKMaxStepsBeforeAnyIsRead) {
  json steps = json::array();
  for (std::size_t i = 0; i < kMaxSteps; ++i)
    steps.push_back({{"type", "send_email"}, {"subject", "S"}, {"html", "x"}});
  EXPECT_TRUE(ParseSteps(steps).ok());
  steps.push_back(5);  // not even a step: the count is judged first
  Result<std::vector<Step>> over = ParseSteps(steps);
  EXPECT_EQ(CodeOf(over), "too_many_steps");
  EXPECT_EQ(over.error().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(FieldOf(over), "steps");
  EXPECT_EQ(over.error().details["max"], kMaxSteps);
}

json ContactWith(json merge_fields) {
  return {{"contactEmail", "a@b.co"}, {"mergeFields", std::move(merge_fields)}};
}

TEST(ContactParseTest, MergeFieldCountLimit) {
  json fields = json::object();
  for (std::size_t i = 0; i < kMaxMergeFields; ++i) fields["f" + std::to_string(i)] = "v";
  EXPECT_TRUE(ParseContact(ContactWith(fields), "").ok());
  fields["one_more"] = "v";
  Result<ContactInput> over = ParseContact(ContactWith(fields), "contacts[4]");
  EXPECT_EQ(CodeOf(over), "too_many_merge_fields");
  EXPECT_EQ(over.error().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(FieldOf(over), "contacts[4].mergeFields");
  EXPECT_EQ(over.error().details["max"], kMaxMergeFields);
  EXPECT_EQ(over.error().details["count"], kMaxMergeFields + 1);
}

TEST(ContactParseTest, MergeKeyLengthLimit) {
  EXPECT_TRUE(ParseContact(ContactWith({{std::string(kMaxMergeKeyBytes, 'k'), "v"}}), "").ok());
  Result<ContactInput> over =
      ParseContact(ContactWith({{std::string(kMaxMergeKeyBytes + 1, 'k'), "v"}}), "");
  EXPECT_EQ(CodeOf(over), "invalid_merge_fields");
  EXPECT_EQ(over.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(over.error().details["maxBytes"], kMaxMergeKeyBytes);
}

TEST(ContactParseTest, MergeValueSizeLimit) {
  EXPECT_TRUE(ParseContact(ContactWith({{"bio", std::string(kMaxMergeValueBytes, 'v')}}), "").ok());
  Result<ContactInput> over =
      ParseContact(ContactWith({{"bio", std::string(kMaxMergeValueBytes + 1, 'v')}}), "");
  EXPECT_EQ(CodeOf(over), "too_large");
  EXPECT_EQ(over.error().kind, ErrorKind::kTooLarge);
  EXPECT_EQ(FieldOf(over), "mergeFields.bio");
  EXPECT_EQ(over.error().details["maxBytes"], kMaxMergeValueBytes);
  EXPECT_EQ(over.error().details["bytes"], kMaxMergeValueBytes + 1);
}

TEST(ContactParseTest, MergeFieldsTotalSizeLimit) {
  // Values of up to kMaxMergeValueBytes filling keys and values exactly to the limit.
  const std::size_t n = kMaxMergeFieldsBytes / kMaxMergeValueBytes;  // 8 values of 8 KiB
  json fields = json::object();
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::string key = "k" + std::to_string(i);
    std::size_t room = std::min(kMaxMergeValueBytes, kMaxMergeFieldsBytes - total - key.size());
    total += key.size() + room;
    fields[key] = std::string(room, 'v');
  }
  ASSERT_EQ(total, kMaxMergeFieldsBytes);
  EXPECT_TRUE(ParseContact(ContactWith(fields), "").ok());
  fields["z"] = "";  // one more byte: its key
  Result<ContactInput> over = ParseContact(ContactWith(fields), "");
  EXPECT_EQ(CodeOf(over), "too_large");
  EXPECT_EQ(FieldOf(over), "mergeFields");
  EXPECT_EQ(over.error().details["maxBytes"], kMaxMergeFieldsBytes);
}

TEST(EnrollmentJsonTest, CurrentStepOnlyWhileActive) {
  Sequence sequence;
  sequence.steps = {{"stp_1", StepType::kSendEmail, "Hi", "<p>", std::nullopt, 0},
                    {"stp_2", StepType::kDelay, "", "", std::nullopt, 1000},
                    {"stp_3", StepType::kSendEmail, "", "<p>", std::nullopt, 0}};
  Enrollment e;
  e.id = "enr_1";
  e.contact_email = "a@b.co";
  e.next_run_at = FromMillis(0);
  e.merge_fields = {{"k", "v"}};
  json active = EnrollmentJson(e, sequence);
  EXPECT_EQ(active["currentStepId"], "stp_1");
  EXPECT_EQ(active["nextRunAt"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(active["mergeFields"]["k"], "v");
  EXPECT_FALSE(active.contains("statusReason"));
  ASSERT_TRUE(active.contains("pausedUntil"));
  EXPECT_TRUE(active["pausedUntil"].is_null());
  e.paused_until = FromMillis(1'796'256'000'000);
  EXPECT_EQ(EnrollmentJson(e, sequence)["pausedUntil"], "2026-12-03T00:00:00Z");
  e.last_step_id = "stp_1";
  // The next email it runs, once the delay after stp_1 has passed.
  EXPECT_EQ(EnrollmentJson(e, sequence)["currentStepId"], "stp_3");
  e.status = EnrollmentStatus::kBounced;
  e.status_reason = "550 no such user";
  json done = EnrollmentJson(e, sequence);
  EXPECT_TRUE(done["currentStepId"].is_null());
  EXPECT_TRUE(done["nextRunAt"].is_null());
  EXPECT_TRUE(done["pausedUntil"].is_null());
  EXPECT_EQ(done["statusReason"], "550 no such user");
  EXPECT_EQ(done["status"], "bounced");
  json detail = EnrollmentDetailJson(e, sequence, {}, {{FromMillis(5), "active", "enrolled"}});
  EXPECT_TRUE(detail["messages"].is_array());
  EXPECT_EQ(detail["history"][0]["cause"], "enrolled");
}

// ---- sending limits: mailbox fields ----

// The error a mailbox body with `key` set to `value` is refused with, as "code field".
std::string MailboxRefusal(const std::string& key, json value) {
  json body = GoodMailbox();
  body[key] = std::move(value);
  Result<Mailbox> r = ParseNewMailbox(body);
  return CodeOf(r) + " " + FieldOf(r);
}

MailboxUsage Usage(std::int64_t sent_today, Timestamp resets_at, std::int64_t recent_sends,
                   std::int64_t recent_bounced) {
  MailboxUsage u;
  u.sent_today = sent_today;
  u.limit_resets_at = resets_at;
  u.recent_sends = recent_sends;
  u.recent_bounced = recent_bounced;
  return u;
}

TEST(MailboxLimitsParseTest, DefaultsWhenLeftOut) {
  Result<Mailbox> m = ParseNewMailbox(GoodMailbox());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->timezone, "UTC");
  EXPECT_EQ(m->send_gap, SendGap{});
  ASSERT_TRUE(m->bounce_protection);
  EXPECT_EQ(*m->bounce_protection, (BounceProtection{10, 50}));
  EXPECT_EQ(m->status, MailboxStatus::kActive);
}

TEST(MailboxLimitsParseTest, Timezone) {
  json body = GoodMailbox();
  for (std::string zone : {"Europe/Berlin", "America/New_York", "UTC", "UTC+05:30", "UTC-10:00"}) {
    body["timezone"] = zone;
    Result<Mailbox> m = ParseNewMailbox(body);
    ASSERT_TRUE(m.ok()) << zone << ": " << m.error().message;
    EXPECT_EQ(m->timezone, zone);
  }
  for (std::string zone : {"Mars/Olympus_Mons", "", "UTC+15:00", "Europe/Berlin\n"}) {
    EXPECT_EQ(MailboxRefusal("timezone", zone), "invalid_timezone timezone") << zone;
  }
  body["timezone"] = "Nowhere/Atall";
  Result<Mailbox> bad = ParseNewMailbox(body);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(MailboxRefusal("timezone", 1), "invalid_field timezone");
}

TEST(MailboxLimitsParseTest, SendGap) {
  auto gap = [](json value) {
    json body = GoodMailbox();
    body["sendGap"] = std::move(value);
    return ParseNewMailbox(body);
  };
  Result<Mailbox> m = gap({{"minMs", 30000}, {"maxMs", 90000}});
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->send_gap, (SendGap{30000, 90000}));
  EXPECT_EQ(gap({{"minMs", 0}, {"maxMs", 0}})->send_gap, SendGap{});
  EXPECT_EQ(gap({{"minMs", 5}, {"maxMs", 5}})->send_gap, (SendGap{5, 5}));
  EXPECT_EQ(gap({{"minMs", 0}, {"maxMs", kMaxSendGapMs}})->send_gap, (SendGap{0, 86'400'000}));
  EXPECT_EQ(gap(nullptr)->send_gap, SendGap{}) << "null: no gap";

  for (json bad : {json{{"minMs", 2000}, {"maxMs", 1000}}, json{{"minMs", -1}, {"maxMs", 5}},
                   json{{"minMs", 0}, {"maxMs", kMaxSendGapMs + 1}},
                   json{{"minMs", kMaxSendGapMs + 1}, {"maxMs", kMaxSendGapMs + 1}},
                   json{{"minMs", 1.5}, {"maxMs", 2}}, json{{"minMs", 1}, {"maxMs", 2.0}},
                   json{{"minMs", 0}, {"maxMs", json::parse("18446744073709551615")}}}) {
    Result<Mailbox> r = gap(bad);
    EXPECT_EQ(CodeOf(r), "invalid_send_gap") << bad;
    EXPECT_EQ(FieldOf(r), "sendGap") << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  }
  EXPECT_EQ(MailboxRefusal("sendGap", {{"minMs", "1"}, {"maxMs", 2}}),
            "invalid_field sendGap.minMs");
  EXPECT_EQ(MailboxRefusal("sendGap", {{"minMs", 1}}), "missing_field sendGap.maxMs");
  EXPECT_EQ(MailboxRefusal("sendGap", {{"minMs", 1}, {"maxMs", 2}, {"jitter", 1}}),
            "unknown_field sendGap.jitter");
  EXPECT_EQ(MailboxRefusal("sendGap", 1000), "invalid_field sendGap");
}

TEST(MailboxLimitsParseTest, BounceProtection) {
  auto protection = [](json value) {
    json body = GoodMailbox();
    body["bounceProtection"] = std::move(value);
    return ParseNewMailbox(body);
  };
  Result<Mailbox> m = protection({{"maxPercent", 5}, {"overLast", 200}});
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(*m->bounce_protection, (BounceProtection{5, 200}));
  EXPECT_EQ(*protection({{"maxPercent", 1}, {"overLast", 1}})->bounce_protection,
            (BounceProtection{1, 1}));
  EXPECT_EQ(*protection({{"maxPercent", 100}, {"overLast", 10000}})->bounce_protection,
            (BounceProtection{100, 10000}));
  Result<Mailbox> off = protection(nullptr);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->bounce_protection) << "null turns it off";

  for (json percent : {json(0), json(101), json(-5), json(2.5)}) {
    Result<Mailbox> r = protection({{"maxPercent", percent}, {"overLast", 50}});
    EXPECT_EQ(CodeOf(r), "invalid_bounce_protection") << percent;
    EXPECT_EQ(FieldOf(r), "bounceProtection.maxPercent") << percent;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  }
  for (json over : {json(0), json(10001), json(50.5)}) {
    Result<Mailbox> r = protection({{"maxPercent", 10}, {"overLast", over}});
    EXPECT_EQ(CodeOf(r), "invalid_bounce_protection") << over;
    EXPECT_EQ(FieldOf(r), "bounceProtection.overLast") << over;
  }
  EXPECT_EQ(MailboxRefusal("bounceProtection", {{"maxPercent", "10"}, {"overLast", 50}}),
            "invalid_field bounceProtection.maxPercent");
  EXPECT_EQ(MailboxRefusal("bounceProtection", {{"maxPercent", 10}}),
            "missing_field bounceProtection.overLast");
  EXPECT_EQ(MailboxRefusal("bounceProtection", {{"maxPercent", 10}, {"overLast", 5}, {"x", 1}}),
            "unknown_field bounceProtection.x");
  EXPECT_EQ(MailboxRefusal("bounceProtection", true), "invalid_field bounceProtection");
}

TEST(MailboxLimitsParseTest, PatchReplacesOnlyWhatIsGiven) {
  Mailbox current = *ParseNewMailbox(GoodMailbox());
  current.timezone = "Europe/Berlin";
  current.send_gap = {1000, 2000};
  current.bounce_protection.reset();
  Result<Mailbox> same = ParseMailboxPatch({{"name", "Renamed"}}, current);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->timezone, "Europe/Berlin");
  EXPECT_EQ(same->send_gap, (SendGap{1000, 2000}));
  EXPECT_FALSE(same->bounce_protection);
  Result<Mailbox> changed =
      ParseMailboxPatch({{"timezone", "Asia/Tokyo"},
                         {"sendGap", nullptr},
                         {"bounceProtection", {{"maxPercent", 20}, {"overLast", 100}}}},
                        current);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(changed->timezone, "Asia/Tokyo");
  EXPECT_EQ(changed->send_gap, SendGap{});
  EXPECT_EQ(*changed->bounce_protection, (BounceProtection{20, 100}));
  EXPECT_EQ(CodeOf(ParseMailboxPatch({{"sendGap", {{"minMs", 9}, {"maxMs", 1}}}}, current)),
            "invalid_send_gap");
}

TEST(MailboxLimitsParseTest, ReadOnlyFieldsAreAcceptedAndIgnored) {
  Mailbox current = *ParseNewMailbox(GoodMailbox());
  current.id = "mbx_1";
  Mailbox shown = current;
  shown.status = MailboxStatus::kPaused;
  shown.paused_reason = PauseReason::kBounceRate;
  shown.paused_at = FromMillis(1000);
  shown.paused_bounced = 6;
  shown.paused_sends = 50;
  MailboxUsage usage = Usage(12, FromMillis(86'400'000), 50, 6);
  json answer = MailboxJson(shown, usage);
  answer["imapStatus"] = nullptr;  // what the routes add
  // What a client read, sent back whole: nothing the server keeps changes.
  Result<Mailbox> patched = ParseMailboxPatch(answer, current);
  ASSERT_TRUE(patched.ok()) << patched.error().code << " " << patched.error().message;
  EXPECT_EQ(patched->status, MailboxStatus::kActive);
  EXPECT_EQ(patched->paused_reason, PauseReason::kNone);
  EXPECT_FALSE(patched->paused_at);
  EXPECT_EQ(patched->paused_bounced, 0);
  EXPECT_EQ(MailboxJson(*patched, usage), MailboxJson(current, usage));

  json body = GoodMailbox();
  body["status"] = "paused";
  body["sentToday"] = 5;
  Result<Mailbox> created = ParseNewMailbox(body);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, MailboxStatus::kActive) << "pausing has its own route";
}

TEST(MailboxLimitsJsonTest, LimitsAndPause) {
  Mailbox m = *ParseNewMailbox(GoodMailbox());
  json j = MailboxJson(m, std::nullopt);
  EXPECT_EQ(j["timezone"], "UTC");
  EXPECT_EQ(j["sendGap"], json({{"minMs", 0}, {"maxMs", 0}}));
  EXPECT_EQ(j["bounceProtection"], json({{"maxPercent", 10}, {"overLast", 50}}));
  EXPECT_EQ(j["status"], "active");
  for (const char* key : {"pausedReason", "pausedAt", "bounceFigures"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key].is_null()) << key;
  }
  for (const char* key : {"sentToday", "limitResetsAt", "recentSends", "recentBounced"}) {
    EXPECT_FALSE(j.contains(key)) << key << " comes only with the usage";
  }

  m.bounce_protection.reset();
  m.send_gap = {1500, 4000};
  m.timezone = "UTC+05:30";
  m.daily_limit = 40;
  j = MailboxJson(m, Usage(7, FromMillis(1'796'256'000'000), 30, 2));
  EXPECT_TRUE(j["bounceProtection"].is_null());
  EXPECT_EQ(j["sendGap"], json({{"minMs", 1500}, {"maxMs", 4000}}));
  EXPECT_EQ(j["timezone"], "UTC+05:30");
  EXPECT_EQ(j["dailyLimit"], 40);
  EXPECT_EQ(j["sentToday"], 7);
  EXPECT_EQ(j["limitResetsAt"], "2026-12-03T00:00:00Z");
  EXPECT_EQ(j["recentSends"], 30);
  EXPECT_EQ(j["recentBounced"], 2);

  m.status = MailboxStatus::kPaused;
  m.paused_reason = PauseReason::kManual;
  m.paused_at = FromMillis(1'796'256'000'000);
  j = MailboxJson(m, std::nullopt);
  EXPECT_EQ(j["status"], "paused");
  EXPECT_EQ(j["pausedReason"], "manual");
  EXPECT_EQ(j["pausedAt"], "2026-12-03T00:00:00Z");
  EXPECT_TRUE(j["bounceFigures"].is_null()) << "only bounce protection's pause has figures";

  m.paused_reason = PauseReason::kBounceRate;
  m.paused_bounced = 6;
  m.paused_sends = 50;
  j = MailboxJson(m, std::nullopt);
  EXPECT_EQ(j["pausedReason"], "bounce_rate");
  EXPECT_EQ(j["bounceFigures"], json({{"bounced", 6}, {"sends", 50}}));

  // Resumed: what the last pause left in the row is not shown.
  m.status = MailboxStatus::kActive;
  j = MailboxJson(m, std::nullopt);
  EXPECT_TRUE(j["pausedReason"].is_null());
  EXPECT_TRUE(j["pausedAt"].is_null());
  EXPECT_TRUE(j["bounceFigures"].is_null());
}

// ---- sending windows and rotation: sequence fields ----

json GoodSchedule() {
  return {{"timezone", "Europe/Berlin"},
          {"days", {"mon", "tue", "wed", "thu", "fri"}},
          {"from", "09:00"},
          {"to", "17:30"},
          {"useContactTimezone", true}};
}

// "code field" of a schedule refused, or "ok".
std::string ScheduleRefusal(const std::string& key, json value) {
  json schedule = GoodSchedule();
  if (value.is_discarded()) {
    schedule.erase(key);
  } else {
    schedule[key] = std::move(value);
  }
  Result<std::optional<SendSchedule>> r = ParseSchedule(schedule);
  return CodeOf(r) + (r.ok() ? "" : " " + FieldOf(r));
}

TEST(ScheduleParseTest, AcceptsAWindow) {
  Result<std::optional<SendSchedule>> s = ParseSchedule(GoodSchedule());
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(*s);
  EXPECT_EQ(**s, (SendSchedule{"Europe/Berlin", 0x1F, 540, 1050, true}));

  json minimal = {{"days", {"sun", "mon", "sat"}}, {"from", "00:00"}, {"to", "24:00"}};
  Result<std::optional<SendSchedule>> m = ParseSchedule(minimal);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ((*m)->timezone, "UTC") << "the default zone";
  EXPECT_FALSE((*m)->use_contact_timezone);
  EXPECT_EQ((*m)->days, 0b1100001);
  EXPECT_EQ((*m)->from_minute, 0);
  EXPECT_EQ((*m)->to_minute, 1440);

  Result<std::optional<SendSchedule>> none = ParseSchedule(nullptr);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none) << "null: any time";
  EXPECT_EQ(ScheduleRefusal("timezone", "UTC-03:00"), "ok");
  EXPECT_EQ(ScheduleRefusal("from", "23:59"), "invalid_schedule schedule.to");
  EXPECT_EQ(ScheduleRefusal("to", "09:01"), "ok");
}

TEST(ScheduleParseTest, RefusesBadWindows) {
  json gone = json(json::value_t::discarded);
  EXPECT_EQ(ScheduleRefusal("days", json::array()), "invalid_schedule schedule.days");
  EXPECT_EQ(ScheduleRefusal("days", {"mon", "tue", "mon"}), "invalid_schedule schedule.days[2]");
  EXPECT_EQ(ScheduleRefusal("days", {"monday"}), "invalid_schedule schedule.days[0]");
  EXPECT_EQ(ScheduleRefusal("days", {"mon", ""}), "invalid_schedule schedule.days[1]");
  EXPECT_EQ(ScheduleRefusal("days", {"mon", 2}), "invalid_field schedule.days[1]");
  EXPECT_EQ(ScheduleRefusal("days", "mon"), "invalid_field schedule.days");
  EXPECT_EQ(ScheduleRefusal("days", gone), "missing_field schedule.days");
  for (std::string clock : {"9:00", "09:00:00", "25:00", "12:60", "24:01", "noon", "", "-1:00"}) {
    EXPECT_EQ(ScheduleRefusal("from", clock), "invalid_schedule schedule.from") << clock;
    EXPECT_EQ(ScheduleRefusal("to", clock), "invalid_schedule schedule.to") << clock;
  }
  EXPECT_EQ(ScheduleRefusal("from", 540), "invalid_field schedule.from");
  EXPECT_EQ(ScheduleRefusal("from", gone), "missing_field schedule.from");
  EXPECT_EQ(ScheduleRefusal("to", gone), "missing_field schedule.to");
  // A window opens before it closes, within one day.
  EXPECT_EQ(ScheduleRefusal("to", "09:00"), "invalid_schedule schedule.to");
  EXPECT_EQ(ScheduleRefusal("to", "08:00"), "invalid_schedule schedule.to");
  EXPECT_EQ(ScheduleRefusal("from", "24:00"), "invalid_schedule schedule.to");
  EXPECT_EQ(ScheduleRefusal("timezone", "Atlantis/Capital"), "invalid_timezone schedule.timezone");
  EXPECT_EQ(ScheduleRefusal("timezone", 2), "invalid_field schedule.timezone");
  EXPECT_EQ(ScheduleRefusal("useContactTimezone", "yes"),
            "invalid_field schedule.useContactTimezone");
  EXPECT_EQ(ScheduleRefusal("hours", 8), "unknown_field schedule.hours");
  Result<std::optional<SendSchedule>> r = ParseSchedule(json("weekdays"));
  EXPECT_EQ(CodeOf(r), "invalid_field");
  EXPECT_EQ(FieldOf(r), "schedule");
  Result<std::optional<SendSchedule>> empty_days =
      ParseSchedule({{"days", json::array()}, {"from", "09:00"}, {"to", "10:00"}});
  ASSERT_FALSE(empty_days.ok());
  EXPECT_EQ(empty_days.error().kind, ErrorKind::kInvalid);
}

TEST(ScheduleJsonTest, ShapeAndRoundTrip) {
  EXPECT_TRUE(ScheduleJson(std::nullopt).is_null());
  SendSchedule s{"America/New_York", 0b1010101, 8 * 60 + 30, 1440, false};
  json j = ScheduleJson(s);
  EXPECT_EQ(j, json({{"timezone", "America/New_York"},
                     {"days", {"mon", "wed", "fri", "sun"}},
                     {"from", "08:30"},
                     {"to", "24:00"},
                     {"useContactTimezone", false}}));
  Result<std::optional<SendSchedule>> back = ParseSchedule(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(**back, s);
  for (int day = 0; day < 7; ++day) {
    SendSchedule one{"UTC", static_cast<std::uint8_t>(1u << day), 0, 60, false};
    EXPECT_EQ(**ParseSchedule(ScheduleJson(one)), one) << day;
  }
}

TEST(RotationParseTest, IdsOfOtherMailboxes) {
  Result<std::vector<Id>> r = ParseRotation(json::array({"mbx_2", "mbx_3"}), "mbx_1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, (std::vector<Id>{"mbx_2", "mbx_3"}));
  EXPECT_TRUE(ParseRotation(json::array(), "mbx_1")->empty());
  EXPECT_TRUE(ParseRotation(nullptr, "mbx_1")->empty()) << "null: no rotation";
  json fifty = json::array();
  for (int i = 0; i < 50; ++i) fifty.push_back("mbx_r" + std::to_string(i));
  EXPECT_EQ(ParseRotation(fifty, "mbx_1")->size(), 50u);

  json too_many = fifty;
  too_many.push_back("mbx_r50");
  Result<std::vector<Id>> big = ParseRotation(too_many, "mbx_1");
  EXPECT_EQ(CodeOf(big), "invalid_rotation");
  EXPECT_EQ(big.error().kind, ErrorKind::kInvalid);
  Result<std::vector<Id>> twice = ParseRotation(json::array({"mbx_2", "mbx_2"}), "mbx_1");
  EXPECT_EQ(CodeOf(twice), "invalid_rotation");
  EXPECT_EQ(FieldOf(twice), "rotation[1]");
  EXPECT_EQ(twice.error().details["mailboxId"], "mbx_2");
  Result<std::vector<Id>> own = ParseRotation(json::array({"mbx_2", "mbx_1"}), "mbx_1");
  EXPECT_EQ(CodeOf(own), "invalid_rotation");
  EXPECT_EQ(own.error().details["mailboxId"], "mbx_1");
  EXPECT_EQ(CodeOf(ParseRotation(json::array({""}), "mbx_1")), "invalid_rotation");
  Result<std::vector<Id>> number = ParseRotation(json::array({"mbx_2", 3}), "mbx_1");
  EXPECT_EQ(CodeOf(number), "invalid_field");
  EXPECT_EQ(FieldOf(number), "rotation[1]");
  EXPECT_EQ(CodeOf(ParseRotation(json("mbx_2"), "mbx_1")), "invalid_field");
}

TEST(SequenceParseTest, ScheduleAndRotation) {
  json body = {{"name", "S"},
               {"steps", json::array()},
               {"schedule", GoodSchedule()},
               {"rotation", {"mbx_2"}}};
  Result<SequenceInput> in = ParseNewSequence(body, "mbx_1");
  ASSERT_TRUE(in.ok()) << in.error().message;
  ASSERT_TRUE(in->schedule);
  EXPECT_EQ(in->schedule->timezone, "Europe/Berlin");
  EXPECT_EQ(in->rotation, std::vector<Id>{"mbx_2"});
  Result<SequenceInput> plain = ParseNewSequence({{"name", "S"}, {"steps", json::array()}}, "m");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->schedule);
  EXPECT_TRUE(plain->rotation.empty());
  body["rotation"] = {"mbx_1"};
  EXPECT_EQ(CodeOf(ParseNewSequence(body, "mbx_1")), "invalid_rotation");
  body["rotation"] = nullptr;
  body["schedule"] = {{"days", {"mon"}}, {"from", "10:00"}, {"to", "10:00"}};
  Result<SequenceInput> bad = ParseNewSequence(body, "mbx_1");
  EXPECT_EQ(CodeOf(bad), "invalid_schedule");
  EXPECT_EQ(FieldOf(bad), "schedule.to");
  body["schedule"] = nullptr;
  body["stepStats"] = json::array();  // echoed from a single-sequence answer
  body["counts"] = json::object();
  EXPECT_TRUE(ParseNewSequence(body, "mbx_1").ok());

  Result<SequencePatch> clear =
      ParseSequencePatch({{"schedule", nullptr}, {"rotation", json::array()}}, "mbx_1");
  ASSERT_TRUE(clear.ok()) << clear.error().message;
  ASSERT_TRUE(clear->schedule) << "given, as null";
  EXPECT_FALSE(*clear->schedule);
  ASSERT_TRUE(clear->rotation);
  EXPECT_TRUE(clear->rotation->empty());
  EXPECT_FALSE(clear->name);
  EXPECT_FALSE(clear->steps);
  Result<SequencePatch> set =
      ParseSequencePatch({{"schedule", GoodSchedule()}, {"rotation", {"mbx_9"}}}, "mbx_1");
  ASSERT_TRUE(set.ok());
  ASSERT_TRUE(set->schedule && *set->schedule);
  EXPECT_EQ((*set->schedule)->to_minute, 17 * 60 + 30);
  EXPECT_EQ(*set->rotation, std::vector<Id>{"mbx_9"});
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"rotation", {"mbx_1"}}}, "mbx_1")), "invalid_rotation");
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"schedule", {{"days", {"xyz"}}}}}, "mbx_1")),
            "invalid_schedule");
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"schedule", 5}}, "mbx_1")), "invalid_field");
}

TEST(SequenceJsonTest, ScheduleAndRotation) {
  Sequence s;
  s.id = "seq_1";
  s.name = "Outreach";
  json plain = SequenceJson(s, SequenceCounts{});
  ASSERT_TRUE(plain.contains("schedule"));
  EXPECT_TRUE(plain["schedule"].is_null());
  EXPECT_EQ(plain["rotation"], json::array());
  s.schedule = SendSchedule{"Europe/Berlin", 0x1F, 540, 1020, true};
  s.rotation = {"mbx_2", "mbx_3"};
  json j = SequenceJson(s, SequenceCounts{});
  EXPECT_EQ(j["schedule"], ScheduleJson(s.schedule));
  EXPECT_EQ(j["schedule"]["days"], json({"mon", "tue", "wed", "thu", "fri"}));
  EXPECT_EQ(j["schedule"]["from"], "09:00");
  EXPECT_EQ(j["schedule"]["to"], "17:00");
  EXPECT_EQ(j["rotation"], json({"mbx_2", "mbx_3"}));
  // The answer is a valid request.
  Result<SequencePatch> back = ParseSequencePatch(j, "mbx_1");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(**back->schedule, *s.schedule);
  EXPECT_EQ(*back->rotation, s.rotation);
}

TEST(EnrollmentJsonTest, MailboxAndSendTimezone) {
  Sequence sequence;
  sequence.steps = {{"stp_1", StepType::kSendEmail, "Hi", "<p>", std::nullopt, 0}};
  Enrollment e;
  e.id = "enr_1";
  e.mailbox_id = "mbx_7";
  e.merge_fields = {{"timezone", "America/New_York"}};
  json j = EnrollmentJson(e, sequence);
  EXPECT_EQ(j["mailboxId"], "mbx_7");
  ASSERT_TRUE(j.contains("sendTimezone"));
  EXPECT_TRUE(j["sendTimezone"].is_null()) << "no schedule, no window";

  sequence.schedule = SendSchedule{"Europe/Berlin", 0x1F, 540, 1020, false};
  EXPECT_EQ(EnrollmentJson(e, sequence)["sendTimezone"], "Europe/Berlin")
      << "the contact's zone counts only with useContactTimezone";
  sequence.schedule->use_contact_timezone = true;
  EXPECT_EQ(EnrollmentJson(e, sequence)["sendTimezone"], "America/New_York");
  e.merge_fields["timezone"] = "UTC+05:30";
  EXPECT_EQ(EnrollmentJson(e, sequence)["sendTimezone"], "UTC+05:30");
  e.merge_fields["timezone"] = "Not/AZone";
  EXPECT_EQ(EnrollmentJson(e, sequence)["sendTimezone"], "Europe/Berlin");
  e.merge_fields.erase("timezone");
  EXPECT_EQ(EnrollmentJson(e, sequence)["sendTimezone"], "Europe/Berlin");
  EXPECT_EQ(EnrollmentDetailJson(e, sequence, {}, {})["sendTimezone"], "Europe/Berlin");
}

}  // namespace
}  // namespace mailmark
