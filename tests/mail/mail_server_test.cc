// The project's SmtpTransport against a private Postfix (+ Dovecot) instance: real delivery
// into maildirs, refusal at RCPT, real RFC 3464 bounce DSNs to a VERP address, and IMAP.
// One instance serves the whole suite: starting and stopping Postfix takes seconds.
#include "harness/mail_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/mailmark_process.h"
#include "harness/message_quality.h"
#include "mail/gmime_runtime.h"
#include "mail/gobject_ptr.h"
#include "mail/message_builder.h"
#include "mail/smtp/smtp_transport.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

class PrivateMailServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (PrivateMailServer::Missing(false)) return;  // each test skips (or fails in CI)
    MailServerOptions options;
    options.imap = !PrivateMailServer::Missing(true);
    try {
      server_ = std::make_unique<PrivateMailServer>(options);
      auto start = std::chrono::steady_clock::now();
      server_->Start();
      std::cerr << "[ mail server ] started in " << MillisSince(start) << " ms\n";
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }

  static void TearDownTestSuite() {
    if (!server_) return;
    auto start = std::chrono::steady_clock::now();
    server_->Stop();
    std::cerr << "[ mail server ] stopped in " << MillisSince(start) << " ms\n";
    server_.reset();
  }

  void SetUp() override {
    MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(false));
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_NE(server_, nullptr);
  }

  static PrivateMailServer& server() { return *server_; }

  static SendResult Send(int port, const OutgoingMessage& message) {
    SmtpSettings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    settings.tls = TlsMode::kNone;
    SmtpOptions options;
    options.connections = 1;
    options.helo_name = "client.test";
    SmtpTransport transport(settings, options);
    std::vector<SendResult> results = transport.SendBatch({&message, 1});
    return results.at(0);
  }

  // A built message to `recipient`, its envelope sender `envelope_from`.
  static OutgoingMessage Message(const std::string& id_local, const std::string& recipient,
                                 const std::string& envelope_from,
                                 const std::string& from_name = "Sales Team",
                                 const std::string& subject = "Hello from the test") {
    MessageInput in;
    in.from_name = from_name;
    in.from_email = "sales@sender.test";
    in.to_email = recipient;
    in.subject = subject;
    in.html = "<p>Hello <b>there</b></p>";
    in.message_id = "<" + id_local + "@sender.test>";
    in.date = FromMillis(1'795'000'000'000);
    return OutgoingMessage{in.message_id, envelope_from, recipient, BuildMessage(in)};
  }

  // The first message in the user's maildir that holds `needle`, waiting for it to arrive.
  static std::optional<std::string> WaitForMessageWith(const std::string& user,
                                                       const std::string& needle) {
    std::optional<std::string> found;
    Eventually(
        [&] {
          for (auto& m : server().MaildirMessages(user)) {
            if (m.find(needle) != std::string::npos) {
              found = std::move(m);
              return true;
            }
          }
          return false;
        },
        30);
    return found;
  }

  static std::unique_ptr<PrivateMailServer> server_;
  static std::string start_error_;
};

std::unique_ptr<PrivateMailServer> PrivateMailServerTest::server_;
std::string PrivateMailServerTest::start_error_;

// Maildir files use the local newline; the wire form has CRLF.
std::string CrlfLineEnds(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST_F(PrivateMailServerTest, DeliversToTheRecipientsMaildir) {
  OutgoingMessage message = Message("deliver.1", "alice@example.test", "bounces+d1@example.test");
  SendResult result = Send(server().smtp_port(), message);
  ASSERT_EQ(result.status, SendStatus::kSent) << result.response;
  EXPECT_THAT(result.response, StartsWith("250"));

  std::optional<std::string> delivered = WaitForMessageWith("alice", message.message_id);
  ASSERT_TRUE(delivered) << server().log();
  EXPECT_THAT(*delivered, StartsWith("Return-Path: <bounces+d1@example.test>\n"));
  EXPECT_THAT(*delivered, HasSubstr("\nDelivered-To: alice@example.test\n"));
  // The message itself arrives unchanged after the headers Postfix puts in front.
  std::string wire = CrlfLineEnds(*delivered);
  EXPECT_NE(wire.find(message.raw), std::string::npos);
  EXPECT_THAT(server().MaildirMessages("bob"), IsEmpty());
}

TEST_F(PrivateMailServerTest, PlusAddressLandsInTheBaseMailbox) {
  OutgoingMessage message = Message("plus.1", "bob+promo@example.test", "bounces+p1@example.test");
  ASSERT_EQ(Send(server().smtp_port(), message).status, SendStatus::kSent);
  std::optional<std::string> delivered = WaitForMessageWith("bob", message.message_id);
  ASSERT_TRUE(delivered) << server().log();
  EXPECT_THAT(*delivered, HasSubstr("\nDelivered-To: bob+promo@example.test\n"));
}

TEST_F(PrivateMailServerTest, DeliveredUnicodeMessagePassesTheChecksAndRoundTrips) {
  MM_SKIP_OR_FAIL_IF_MISSING(MessageQualityToolsMissing());
  OutgoingMessage message = Message("unicode.1", "alice@example.test", "bounces+u1@example.test",
                                    "Jörg Müller 🚀", "🚀 Launch: ご案内 für Jörg");
  ASSERT_EQ(Send(server().smtp_port(), message).status, SendStatus::kSent);
  std::optional<std::string> delivered = WaitForMessageWith("alice", message.message_id);
  ASSERT_TRUE(delivered) << server().log();
  std::string wire = CrlfLineEnds(*delivered);
  EXPECT_THAT(MessageQualityProblems(wire), IsEmpty());
  DecodedMessage sent = DecodeWithGMime(message.raw);
  EXPECT_EQ(sent.from_name, "Jörg Müller 🚀");
  EXPECT_EQ(sent.subject, "🚀 Launch: ご案内 für Jörg");
  EXPECT_EQ(DecodeWithGMime(wire), sent);
  EXPECT_EQ(DecodeWithPython(wire), sent);
}

TEST_F(PrivateMailServerTest, StrictPortRefusesAnUnknownUserAtRcpt) {
  OutgoingMessage message = Message("strict.1", "nobody@example.test", "bounces+s1@example.test");
  SendResult result = Send(server().strict_smtp_port(), message);
  EXPECT_EQ(result.status, SendStatus::kPermanentFailure);
  EXPECT_THAT(result.response, HasSubstr("550 5.1.1"));
  EXPECT_THAT(result.response, HasSubstr("nobody@example.test"));
  EXPECT_TRUE(Eventually(
      [&] { return server().log().find("NOQUEUE: reject: RCPT") != std::string::npos; }, 30));
  // Known users are still welcome there.
  OutgoingMessage known = Message("strict.2", "alice@example.test", "bounces+s2@example.test");
  EXPECT_EQ(Send(server().strict_smtp_port(), known).status, SendStatus::kSent);
  EXPECT_TRUE(WaitForMessageWith("alice", known.message_id));
}

// The parts of a delivery status notification, read with GMime.
struct Dsn {
  std::string content_type;  // of the whole message
  std::string report_type;   // its report-type parameter
  std::string to;            // the DSN's To header: the envelope sender it answers
  std::vector<std::string> part_types;
  std::string delivery_status;  // the message/delivery-status part's text
  std::string original_message_id;
};

Dsn ReadDsn(const std::string& raw) {
  EnsureGMimeInitialized();
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  Dsn dsn;
  if (!message) return dsn;
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  GMimeContentType* type = g_mime_object_get_content_type(body);
  GCharPtr mime_type(g_mime_content_type_get_mime_type(type));
  dsn.content_type = mime_type.get();
  const char* report_type = g_mime_content_type_get_parameter(type, "report-type");
  dsn.report_type = report_type ? report_type : "";
  const char* to = g_mime_object_get_header(GMIME_OBJECT(message.get()), "To");
  dsn.to = to ? to : "";
  if (!GMIME_IS_MULTIPART(body)) return dsn;
  GMimeMultipart* multipart = GMIME_MULTIPART(body);
  for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
    GMimeObject* part = g_mime_multipart_get_part(multipart, i);
    GMimeContentType* part_type = g_mime_object_get_content_type(part);
    GCharPtr part_mime_type(g_mime_content_type_get_mime_type(part_type));
    dsn.part_types.push_back(part_mime_type.get());
    if (g_mime_content_type_is_type(part_type, "message", "delivery-status")) {
      GCharPtr text(g_mime_object_to_string(part, nullptr));
      dsn.delivery_status = text.get();
    }
    if (GMIME_IS_MESSAGE_PART(part)) {
      GMimeMessage* original = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
      const char* id = original ? g_mime_message_get_message_id(original) : nullptr;
      dsn.original_message_id = id ? "<" + std::string(id) + ">" : "";
    }
  }
  return dsn;
}

TEST_F(PrivateMailServerTest, MainPortAcceptsThenBouncesAnUnknownUserWithADsn) {
  OutgoingMessage message = Message("bounce.1", "nobody@example.test", "bounces+tag7@example.test");
  SendResult result = Send(server().smtp_port(), message);
  ASSERT_EQ(result.status, SendStatus::kSent) << result.response;

  std::optional<std::string> raw = WaitForMessageWith("bounces", message.message_id);
  ASSERT_TRUE(raw) << server().log();
  EXPECT_THAT(*raw, StartsWith("Return-Path: <>\n"));
  EXPECT_THAT(*raw, HasSubstr("\nAuto-Submitted: auto-replied\n"));
  // The VERP tag survives: the DSN is addressed to the envelope sender, extension and all.
  EXPECT_THAT(*raw, HasSubstr("\nDelivered-To: bounces+tag7@example.test\n"));

  Dsn dsn = ReadDsn(*raw);
  EXPECT_EQ(dsn.content_type, "multipart/report");
  EXPECT_EQ(dsn.report_type, "delivery-status");
  EXPECT_THAT(dsn.to, HasSubstr("bounces+tag7@example.test"));
  EXPECT_EQ(dsn.part_types,
            (std::vector<std::string>{"text/plain", "message/delivery-status", "message/rfc822"}));
  EXPECT_THAT(dsn.delivery_status, HasSubstr("Final-Recipient: rfc822; nobody@example.test"));
  EXPECT_THAT(dsn.delivery_status, HasSubstr("Action: failed"));
  EXPECT_THAT(dsn.delivery_status, HasSubstr("Status: 5.1.1"));
  EXPECT_THAT(dsn.delivery_status, HasSubstr("Diagnostic-Code:"));
  EXPECT_EQ(dsn.original_message_id, message.message_id);
}

TEST_F(PrivateMailServerTest, NothingLeavesTheMachine) {
  // Another domain: accepted from the loopback network, then bounced by the error transport.
  OutgoingMessage message =
      Message("outside.1", "someone@elsewhere.example", "bounces+o1@example.test");
  ASSERT_EQ(Send(server().smtp_port(), message).status, SendStatus::kSent);
  std::optional<std::string> raw = WaitForMessageWith("bounces", message.message_id);
  ASSERT_TRUE(raw) << server().log();
  Dsn dsn = ReadDsn(*raw);
  EXPECT_THAT(dsn.delivery_status, HasSubstr("Final-Recipient: rfc822; someone@elsewhere.example"));
  EXPECT_THAT(dsn.delivery_status, HasSubstr("Status: 5.7.1"));
  EXPECT_EQ(dsn.original_message_id, message.message_id);
}

// ---- IMAP -----------------------------------------------------------------------------------

// A bare IMAP exchange over a socket: enough to log in, select and fetch.
class ImapSession {
 public:
  explicit ImapSession(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{30, 0};  // a hung server fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      greeting_ = ReadLine().value_or("");
    }
  }
  ~ImapSession() {
    if (fd_ >= 0) ::close(fd_);
  }
  ImapSession(const ImapSession&) = delete;
  ImapSession& operator=(const ImapSession&) = delete;

  const std::string& greeting() const { return greeting_; }

  // Sends "tN command" and returns every line up to and including the tagged reply.
  std::vector<std::string> Command(const std::string& command) {
    std::string tag = "t" + std::to_string(++tag_count_);
    std::string line = tag + " " + command + "\r\n";
    if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
      return {};
    }
    std::vector<std::string> lines;
    while (std::optional<std::string> reply = ReadLine()) {
      lines.push_back(*reply);
      if (reply->rfind(tag + " ", 0) == 0) break;
    }
    return lines;  // without the tagged reply when the server closed or timed out
  }

 private:
  std::optional<std::string> ReadLine() {
    for (;;) {
      std::size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        return line;
      }
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  int fd_ = -1;
  int tag_count_ = 0;
  std::string buffer_;
  std::string greeting_;
};

// The tagged reply that ends an exchange ("" when there was none).
std::string Final(const std::vector<std::string>& lines) {
  return lines.empty() ? std::string() : lines.back();
}

::testing::Matcher<std::vector<std::string>> HasLine(const std::string& needle) {
  return ::testing::Contains(HasSubstr(needle));
}

TEST_F(PrivateMailServerTest, ImapLogsInAndSeesTheDeliveredMessage) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
  ASSERT_NE(server().imap_port(), 0);
  OutgoingMessage message = Message("imap.1", "alice@example.test", "bounces+i1@example.test");
  ASSERT_EQ(Send(server().smtp_port(), message).status, SendStatus::kSent);
  ASSERT_TRUE(WaitForMessageWith("alice", message.message_id)) << server().log();

  ImapSession imap(server().imap_port());
  ASSERT_THAT(imap.greeting(), StartsWith("* OK")) << server().dovecot_log();
  EXPECT_THAT(Final(imap.Command("LOGIN alice@example.test " + server().password())),
              StartsWith("t1 OK"))
      << server().dovecot_log();
  std::vector<std::string> select = imap.Command("SELECT INBOX");
  ASSERT_FALSE(select.empty());
  EXPECT_THAT(Final(select), StartsWith("t2 OK [READ-WRITE]"));
  EXPECT_THAT(select, HasLine(" EXISTS"));
  // PEEK: reading the header must not mark the message seen.
  std::vector<std::string> fetch =
      imap.Command("UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
  EXPECT_THAT(Final(fetch), StartsWith("t3 OK"));
  EXPECT_THAT(fetch, HasLine("Message-ID: " + message.message_id));
  std::vector<std::string> flags = imap.Command("UID FETCH 1:* (FLAGS)");
  EXPECT_THAT(Final(flags), StartsWith("t4 OK"));
  EXPECT_THAT(flags, Not(HasLine("\\Seen")));
  EXPECT_THAT(Final(imap.Command("LOGOUT")), StartsWith("t5 OK"));
}

TEST_F(PrivateMailServerTest, ImapKnowsEveryConfiguredUser) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
  for (const std::string user : {"alice", "bob", "bounces"}) {
    ImapSession imap(server().imap_port());
    std::string login = "LOGIN " + PrivateMailServer::Address(user) + " " + server().password();
    EXPECT_THAT(Final(imap.Command(login)), StartsWith("t1 OK")) << user << "\n"
                                                                 << server().dovecot_log();
    EXPECT_THAT(Final(imap.Command("SELECT INBOX")), StartsWith("t2 OK")) << user;
  }
}

// Declared after the other IMAP tests, and only one failure: Dovecot penalises a client IP after
// a failed login by holding back its next LOGIN for seconds.
TEST_F(PrivateMailServerTest, ImapRefusesAWrongPassword) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
  ImapSession wrong_password(server().imap_port());
  EXPECT_THAT(Final(wrong_password.Command("LOGIN alice@example.test wrong-password")),
              StartsWith("t1 NO"));
}

TEST(PrivateMailServer, StopsAndStartsAgainWithNothingLeftListening) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
  MailServerOptions options;
  options.users = {"carol"};
  options.imap = true;
  PrivateMailServer server(options);
  server.Start();
  EXPECT_TRUE(IsListeningOnLoopback(server.smtp_port()));
  EXPECT_TRUE(IsListeningOnLoopback(server.strict_smtp_port()));
  EXPECT_TRUE(IsListeningOnLoopback(server.imap_port()));
  server.Stop();
  EXPECT_FALSE(IsListeningOnLoopback(server.smtp_port()));
  EXPECT_FALSE(IsListeningOnLoopback(server.strict_smtp_port()));
  EXPECT_FALSE(IsListeningOnLoopback(server.imap_port()));
  server.Start();  // the same folder again: queue and maildirs survive
  OutgoingMessage message{"<again.1@sender.test>", "bounces@example.test", "carol@example.test",
                          "From: a@sender.test\r\nTo: carol@example.test\r\nSubject: again\r\n"
                          "Message-ID: <again.1@sender.test>\r\n\r\nHi\r\n"};
  SmtpSettings settings;
  settings.host = "127.0.0.1";
  settings.port = server.smtp_port();
  settings.tls = TlsMode::kNone;
  SmtpTransport transport(settings);
  EXPECT_EQ(transport.SendBatch({&message, 1}).at(0).status, SendStatus::kSent);
  EXPECT_TRUE(server.WaitForMessages("carol", 1));
}

TEST(PrivateMailServer, MovesToFreshPortsWhenOneIsTaken) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(false));
  PrivateMailServer server;
  // Someone else listens on the port picked for Postfix before it can bind it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server.smtp_port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  int taken = server.smtp_port();
  EXPECT_NO_THROW(server.Start()) << server.log();
  EXPECT_NE(server.smtp_port(), taken);
  EXPECT_TRUE(IsListeningOnLoopback(server.smtp_port()));
  EXPECT_THAT(server.log(), HasSubstr("Address already in use"));
  ::close(fd);
}

TEST(PrivateMailServer, ReportsWhyPostfixDidNotStart) {
  MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(false));
  PrivateMailServer server;
  std::ofstream(server.dir() / "etc" / "master.cf", std::ios::app) << "not a service line\n";
  try {
    server.Start();
    ADD_FAILURE() << "started with a broken master.cf";
  } catch (const std::runtime_error& e) {
    // `postfix start` says little; the log says why, and the message carries it.
    EXPECT_THAT(e.what(), HasSubstr("postfix log"));
    EXPECT_THAT(e.what(), HasSubstr("master.cf"));
  }
  EXPECT_FALSE(IsListeningOnLoopback(server.smtp_port()));
}

}  // namespace
}  // namespace mailmark::testing
