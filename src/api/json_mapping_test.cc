#include "api/json_mapping.h"

#include <gtest/gtest.h>

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
  json j = MailboxJson(m);
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
  EXPECT_EQ(CodeOf(ParseNewSequence({{"name", "x"}})), "missing_field");
  EXPECT_EQ(CodeOf(ParseNewSequence({{"steps", json::array()}})), "missing_field");
  EXPECT_EQ(CodeOf(ParseNewSequence({{"name", "x"}, {"steps", "no"}})), "invalid_field");
  Result<SequencePatch> empty = ParseSequencePatch(json::object());
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->name);
  EXPECT_FALSE(empty->steps);
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"name", ""}})), "missing_field");
  EXPECT_EQ(CodeOf(ParseSequencePatch({{"nmae", "typo"}})), "unknown_field");
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

TEST(EnrollmentJsonTest, CurrentStepOnlyWhileActive) {
  std::vector<Step> steps = {{"stp_1", StepType::kSendEmail, "Hi", "<p>", std::nullopt, 0},
                             {"stp_2", StepType::kDelay, "", "", std::nullopt, 1000},
                             {"stp_3", StepType::kSendEmail, "", "<p>", std::nullopt, 0}};
  Enrollment e;
  e.id = "enr_1";
  e.contact_email = "a@b.co";
  e.next_run_at = FromMillis(0);
  e.merge_fields = {{"k", "v"}};
  json active = EnrollmentJson(e, steps);
  EXPECT_EQ(active["currentStepId"], "stp_1");
  EXPECT_EQ(active["nextRunAt"], "1970-01-01T00:00:00Z");
  EXPECT_EQ(active["mergeFields"]["k"], "v");
  EXPECT_FALSE(active.contains("statusReason"));
  ASSERT_TRUE(active.contains("pausedUntil"));
  EXPECT_TRUE(active["pausedUntil"].is_null());
  e.paused_until = FromMillis(1'796'256'000'000);
  EXPECT_EQ(EnrollmentJson(e, steps)["pausedUntil"], "2026-12-03T00:00:00Z");
  e.last_step_id = "stp_1";
  // The next email it runs, once the delay after stp_1 has passed.
  EXPECT_EQ(EnrollmentJson(e, steps)["currentStepId"], "stp_3");
  e.status = EnrollmentStatus::kBounced;
  e.status_reason = "550 no such user";
  json done = EnrollmentJson(e, steps);
  EXPECT_TRUE(done["currentStepId"].is_null());
  EXPECT_TRUE(done["nextRunAt"].is_null());
  EXPECT_TRUE(done["pausedUntil"].is_null());
  EXPECT_EQ(done["statusReason"], "550 no such user");
  EXPECT_EQ(done["status"], "bounced");
  json detail = EnrollmentDetailJson(e, steps, {}, {{FromMillis(5), "active", "enrolled"}});
  EXPECT_TRUE(detail["messages"].is_array());
  EXPECT_EQ(detail["history"][0]["cause"], "enrolled");
}

}  // namespace
}  // namespace mailmark
