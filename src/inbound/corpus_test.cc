// Every file of tests/corpus/ through ParseInbound + Classify, against what it represents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "core/time.h"
#include "inbound/classifier.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;

std::string ReadCorpus(const std::string& name) {
  std::ifstream in(fs::path(MAILMARK_CORPUS_DIR) / name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Expected {
  std::string file;
  InboundKind kind;
  std::string subject;      // decoded, exactly
  std::string from;         // lower-cased address
  std::string in_reply_to;  // of the message itself
  // Delivery reports.
  std::string action;
  std::string status;
  bool permanent = false;
  std::string recipient;
  std::string original_id;
  std::string verp_tag;
  bool standard = false;
  // Automatic replies.
  std::string reason;
  std::string return_date;  // RFC 3339, "" for none
};

const char* kQ3 = "Quick question about your Q3 roadmap";

Expected Bounce(std::string file, std::string subject, std::string from, std::string in_reply_to,
                std::string action, std::string status, bool permanent, std::string recipient,
                std::string original_id, std::string verp_tag, bool standard) {
  Expected e;
  e.file = std::move(file);
  e.kind = InboundKind::kDeliveryReport;
  e.subject = std::move(subject);
  e.from = std::move(from);
  e.in_reply_to = std::move(in_reply_to);
  e.action = std::move(action);
  e.status = std::move(status);
  e.permanent = permanent;
  e.recipient = std::move(recipient);
  e.original_id = std::move(original_id);
  e.verp_tag = std::move(verp_tag);
  e.standard = standard;
  return e;
}

Expected Auto(std::string file, std::string subject, std::string from, std::string in_reply_to,
              std::string reason, std::string return_date) {
  Expected e;
  e.file = std::move(file);
  e.kind = InboundKind::kAutoReply;
  e.subject = std::move(subject);
  e.from = std::move(from);
  e.in_reply_to = std::move(in_reply_to);
  e.reason = std::move(reason);
  e.return_date = std::move(return_date);
  return e;
}

Expected Plain(std::string file, InboundKind kind, std::string subject, std::string from,
               std::string in_reply_to) {
  Expected e;
  e.file = std::move(file);
  e.kind = kind;
  e.subject = std::move(subject);
  e.from = std::move(from);
  e.in_reply_to = std::move(in_reply_to);
  return e;
}

std::vector<Expected> Table() {
  using K = InboundKind;
  std::string q3 = kQ3;
  return {
      // Bounces.
      Bounce("postfix-5.1.1.eml", "Undelivered Mail Returned to Sender",
             "mailer-daemon@example.test", "", "failed", "5.1.1", true, "nobody@example.test",
             "<3f9a0c1e5b7d4e2a9c8b6a5f4e3d2c1b@sender.test>", "msg_5f0c2a9d3e", true),
      Bounce("postfix-delayed-4.4.1.eml", "Delayed Mail (still being retried)",
             "mailer-daemon@mail.sender.test", "", "delayed", "4.4.1", false,
             "carol@slow-mx.example", "<7d1e9a44c0b2f5e8a6c3d1b0e9f8a7c6@sender.test>",
             "msg_delay44", true),
      Bounce("exim-5.1.1.eml", "Mail delivery failed: returning message to sender",
             "mailer-daemon@mx.exim-relay.example", "", "failed", "5.1.1", true,
             "jane.doe@exim-recipient.example", "<a1b2c3d4e5f60718293a4b5c6d7e8f90@sender.test>",
             "msg_exim511", false),
      Bounce("exim-delayed-4.7.1.eml", "Warning: message 1vKx3P-0004ZY-1x delayed 24 hours",
             "mailer-daemon@mx.exim-relay.example", "", "delayed", "4.7.1", false,
             "slow.user@greylist.example", "<b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2@sender.test>",
             "msg_eximdly", false),
      Bounce("sendmail-5.1.1.eml", "Returned mail: see transcript for details",
             "mailer-daemon@mail.sendmail-host.example", "", "failed", "5.1.1", true,
             "mark.twain@sendmail-host.example", "<c0ffee00c0ffee00c0ffee00c0ffee01@sender.test>",
             "msg_sm511", true),
      Bounce("exchange-online-5.1.10.eml", "Undeliverable: " + q3,
             "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@contoso.onmicrosoft.com",
             "<e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9@sender.test>", "failed", "5.1.10", true,
             "ghost.user@contoso.com", "<e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9@sender.test>", "", true),
      Bounce("exchange-2007-text-5.1.1.eml", "Undeliverable: " + q3,
             "postmaster@legacy-corp.example", "", "failed", "5.1.1", true,
             "bob.smith@legacy-corp.example", "<0a1b2c3d4e5f60718293a4b5c6d7e8f9@sender.test>",
             "msg_ex2007", false),
      Bounce("gmail-5.1.1.eml", "Delivery Status Notification (Failure)",
             "mailer-daemon@googlemail.com", "<f00dfeed0badc0de1234567890abcdef@sender.test>",
             "failed", "5.1.1", true, "nobody.xyz.9912@gmail.com",
             "<f00dfeed0badc0de1234567890abcdef@sender.test>", "", true),
      Bounce("yahoo-554.eml", "Failure Notice", "mailer-daemon@yahoo.com", "", "failed", "554",
             true, "no.such.person.2026@yahoo.com",
             "<9f8e7d6c5b4a39281706f5e4d3c2b1a0@sender.test>", "msg_yahoo554", false),
      Bounce("qmail-5.1.1.eml", "failure notice", "mailer-daemon@mail.qmail-host.example", "",
             "failed", "5.1.1", true, "ghost@qmail-recipient.example",
             "<11223344556677889900aabbccddeeff@sender.test>", "msg_qmail511", false),
      // Automatic replies.
      Auto("autoreply-gmail-vacation.eml", "Away until December 7", "dana.white@gmail.com",
           "<aa11bb22cc33dd44ee55ff6677889900@sender.test>", "auto-submitted: auto-replied",
           "2026-12-07T00:00:00Z"),
      Auto("autoreply-outlook.eml", "Automatic reply: " + q3, "ella.brown@fabrikam.example",
           "<bb22cc33dd44ee55ff66778899aa0011@sender.test>", "auto-submitted: auto-generated",
           "2026-12-03T00:00:00Z"),
      Auto("autoreply-subject-only-de.eml", "Abwesenheitsnotiz: " + q3,
           "k.schmidt@beispiel-gmbh.example", "", "subject: abwesenheitsnotiz",
           "2026-12-07T00:00:00Z"),
      Auto("autoreply-fr-latin1.eml", "Réponse automatique : " + q3,
           "elodie.martin@exemple-sarl.example", "<cc33dd44ee55ff66778899aa00112233@sender.test>",
           "x-autoreply", "2026-12-07T00:00:00Z"),
      Auto("autoreply-es-precedence.eml", "Respuesta automática: " + q3,
           "lucia.garcia@empresa.example", "", "precedence: auto_reply", "2026-12-07T00:00:00Z"),
      Auto("read-receipt-outlook.eml", "Read: " + q3, "ella.brown@fabrikam.example", "",
           "read receipt", ""),
      // Replies and the rest.
      Plain("reply-in-reply-to.eml", K::kReply, "Re: " + q3, "alice@acme.example",
            "<3f9a0c1e5b7d4e2a9c8b6a5f4e3d2c1b@sender.test>"),
      Plain("reply-references-only.eml", K::kReply, "RE: Follow-up: pricing for Globex",
            "bob@globex.example", ""),
      Plain("reply-no-threading.eml", K::kReply, "AW: " + q3, "carol@initech.example", ""),
      Plain("reply-html-only.eml", K::kReply, "Re: " + q3, "dave@umbrella.example",
            "<dd44ee55ff66778899aa001122334455@sender.test>"),
      Plain("reply-bug133-subject.eml", K::kReply, "Re: Überblick über den Q3-Fahrplan",
            "juergen.mueller@firma.example", "<ee55ff66778899aa0011223344556677@sender.test>"),
      Plain("reply-from-colleague.eml", K::kReply, "Re: " + q3, "erin@acme.example",
            "<3f9a0c1e5b7d4e2a9c8b6a5f4e3d2c1b@sender.test>"),
      Plain("human-mentions-delivery-failure.eml", K::kReply,
            "Re: Mail delivery failed: returning message to sender?", "frank@hooli.example",
            "<ff66778899aa00112233445566778899@sender.test>"),
      Plain("forward-fwd.eml", K::kOther, "Fwd: " + q3, "gina@acme.example", ""),
      Plain("new-inquiry.eml", K::kOther, "Pricing for 50 seats?", "harry@newco.example", ""),
  };
}

class CorpusTest : public ::testing::TestWithParam<Expected> {};

TEST_P(CorpusTest, ClassifiesAndExtracts) {
  const Expected& want = GetParam();
  std::string raw = ReadCorpus(want.file);
  ASSERT_FALSE(raw.empty()) << want.file;
  Result<ParsedInbound> in = ParseInbound(raw);
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->subject, want.subject);
  EXPECT_EQ(in->from_address, want.from);
  EXPECT_EQ(in->in_reply_to, want.in_reply_to);
  EXPECT_FALSE(in->message_id.empty() && want.file != "qmail-5.1.1.eml") << "Message-ID";
  EXPECT_TRUE(in->date.has_value());

  InboundClass result = Classify(*in, raw);
  EXPECT_EQ(InboundKindName(result.kind), std::string(InboundKindName(want.kind)));
  EXPECT_EQ(result.report.has_value(), want.kind == InboundKind::kDeliveryReport);
  EXPECT_EQ(result.auto_reply.has_value(), want.kind == InboundKind::kAutoReply);
  if (result.report) {
    const DeliveryReport& report = *result.report;
    EXPECT_EQ(report.action, want.action);
    EXPECT_EQ(report.status, want.status);
    EXPECT_EQ(report.permanent, want.permanent);
    EXPECT_EQ(report.final_recipient, want.recipient);
    EXPECT_EQ(report.original_message_id, want.original_id);
    EXPECT_EQ(report.verp_tag, want.verp_tag);
    EXPECT_EQ(report.standard, want.standard);
    EXPECT_FALSE(report.diagnostic.empty());
    EXPECT_THAT(report.diagnostic, ::testing::Not(::testing::HasSubstr("\n")));
  }
  if (result.auto_reply) {
    EXPECT_EQ(result.auto_reply->reason, want.reason);
    EXPECT_EQ(result.auto_reply->return_date ? FormatRfc3339(*result.auto_reply->return_date) : "",
              want.return_date);
  }
}

std::string FileName(const ::testing::TestParamInfo<Expected>& info) {
  std::string name;
  for (char c : info.param.file.substr(0, info.param.file.find(".eml"))) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTest, ::testing::ValuesIn(Table()), FileName);

TEST(CorpusFiles, EveryFileIsInTheTableAndUsesCrlf) {
  std::set<std::string> listed;
  for (const Expected& row : Table()) listed.insert(row.file);
  std::set<std::string> found;
  for (const auto& entry : fs::directory_iterator(MAILMARK_CORPUS_DIR)) {
    if (entry.path().extension() != ".eml") continue;
    std::string name = entry.path().filename().string();
    found.insert(name);
    std::string raw = ReadCorpus(name);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\n') {
        ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << name << ": bare LF at byte " << i;
      }
    }
  }
  EXPECT_EQ(found, listed);
}

TEST(CorpusFiles, BodiesAreReadable) {
  auto text = [](const std::string& file) {
    std::string raw = ReadCorpus(file);
    return ParseInbound(raw)->text;
  };
  // html only: through HtmlToText, entities decoded.
  EXPECT_THAT(text("reply-html-only.eml"), ::testing::StartsWith("Not interested, thanks.\n"));
  EXPECT_THAT(text("reply-html-only.eml"), ::testing::HasSubstr("Please remove me & my team."));
  // quoted-printable with the "On ... wrote:" line and ">" quotes kept as text.
  EXPECT_THAT(text("reply-in-reply-to.eml"),
              ::testing::HasSubstr("On Fri, Nov 27, 2026 at 3:39\u202fPM Sales Team "
                                   "<sales@sender.test> wrote:\n\n> Hi there,"));
  // The attachment after the body is not the body.
  EXPECT_THAT(text("reply-references-only.eml"), ::testing::Not(::testing::HasSubstr("SSO")));
  // Base64 UTF-8 and ISO-8859-1 quoted-printable bodies arrive as UTF-8.
  EXPECT_EQ(text("reply-bug133-subject.eml"),
            "Gerne, lassen Sie uns nächste Woche sprechen.\n\nJürgen\n");
  EXPECT_THAT(text("autoreply-fr-latin1.eml"), ::testing::HasSubstr("de retour le 7 décembre."));
  std::string raw = ReadCorpus("reply-bug133-subject.eml");
  EXPECT_EQ(ParseInbound(raw)->from_name, "Jürgen Müller");
  raw = ReadCorpus("reply-references-only.eml");
  EXPECT_EQ(ParseInbound(raw)->references,
            (std::vector<std::string>{"<1111aaaa2222bbbb3333cccc4444dddd@sender.test>",
                                      "<5555eeee6666ffff7777aaaa8888bbbb@sender.test>"}));
}

}  // namespace
}  // namespace mailmark
