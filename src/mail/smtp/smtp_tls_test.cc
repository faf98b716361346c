// SmtpTransport over TLS (STARTTLS and implicit) against aiosmtpd presenting a fresh
// self-signed certificate for 127.0.0.1: delivery, AUTH under TLS, and certificate checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "harness/aiosmtpd_sink.h"
#include "harness/smtp_sink.h"
#include "mail/smtp/smtp_transport.h"

namespace mailmark {
namespace {

using ::testing::HasSubstr;
using testing::InspectingSink;
using testing::InspectingSinkOptions;
using testing::SinkTls;

#define REQUIRE_AIOSMTPD() MM_SKIP_OR_FAIL_IF_MISSING(InspectingSink::Missing())

SmtpSettings Settings(int port, TlsMode tls, bool verify, std::string host = "127.0.0.1") {
  SmtpSettings s;
  s.host = std::move(host);
  s.port = port;
  s.tls = tls;
  s.tls_verify = verify;
  return s;
}

SmtpOptions OneConnection() {
  SmtpOptions o;
  o.connections = 1;
  o.helo_name = "client.test";
  o.connect_timeout = std::chrono::seconds(10);
  o.command_timeout = std::chrono::seconds(10);
  return o;
}

std::vector<OutgoingMessage> Messages(int count) {
  std::vector<OutgoingMessage> out;
  for (int i = 0; i < count; ++i) {
    std::string id = "<t" + std::to_string(i) + "@x.test>";
    std::string rcpt = "user" + std::to_string(i) + "@y.test";
    out.push_back({id, "sales@x.test", rcpt,
                   "From: <sales@x.test>\r\nTo: <" + rcpt + ">\r\nSubject: over TLS\r\n" +
                       "Message-ID: " + id + "\r\n\r\n.dot line\r\nsecret " + std::to_string(i) +
                       "\r\n"});
  }
  return out;
}

// Points OpenSSL's default CA file at `file` for the test's duration.
class TrustedCaFile {
 public:
  explicit TrustedCaFile(const std::string& file) {
    if (const char* old = std::getenv("SSL_CERT_FILE")) old_ = old;
    ::setenv("SSL_CERT_FILE", file.c_str(), 1);
  }
  ~TrustedCaFile() {
    if (old_) {
      ::setenv("SSL_CERT_FILE", old_->c_str(), 1);
    } else {
      ::unsetenv("SSL_CERT_FILE");
    }
  }

 private:
  std::optional<std::string> old_;
};

void ExpectDeliveredOverTls(const InspectingSink& sink, const std::vector<OutgoingMessage>& sent) {
  auto received = sink.Messages();
  ASSERT_EQ(received.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_TRUE(received[i].tls) << i;
    EXPECT_EQ(received[i].data, sent[i].raw) << i;
    EXPECT_EQ(received[i].rcpt_tos, std::vector<std::string>{sent[i].recipient});
  }
  EXPECT_EQ(sink.Connections(), 1u) << "one TLS session for the whole batch";
}

TEST(SmtpTls, StartTlsDeliversEveryMessageOverTls) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.tls = SinkTls::kStartTls});
  SmtpTransport transport(Settings(sink.port(), TlsMode::kStartTls, false), OneConnection());
  auto batch = Messages(3);
  for (const auto& r : transport.SendBatch(batch)) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  ExpectDeliveredOverTls(sink, batch);
}

TEST(SmtpTls, ImplicitTlsDeliversEveryMessageOverTls) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.tls = SinkTls::kImplicit});
  SmtpTransport transport(Settings(sink.port(), TlsMode::kTls, false), OneConnection());
  auto batch = Messages(3);
  for (const auto& r : transport.SendBatch(batch)) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  ExpectDeliveredOverTls(sink, batch);
}

TEST(SmtpTls, AuthenticatesAfterStartTlsWhenTheServerOffersAuthOnlyThen) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{
      .username = "alice", .password = "pw with spaces", .tls = SinkTls::kStartTls});
  SmtpSettings settings = Settings(sink.port(), TlsMode::kStartTls, false);
  settings.username = "alice";
  settings.password = "pw with spaces";
  SmtpTransport transport(settings, OneConnection());
  auto batch = Messages(2);
  for (const auto& r : transport.SendBatch(batch)) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  ExpectDeliveredOverTls(sink, batch);
}

TEST(SmtpTls, AnUntrustedCertificateIsRefusedByDefault) {
  REQUIRE_AIOSMTPD();
  for (SinkTls mode : {SinkTls::kStartTls, SinkTls::kImplicit}) {
    InspectingSink sink(InspectingSinkOptions{.tls = mode});
    TlsMode tls = mode == SinkTls::kStartTls ? TlsMode::kStartTls : TlsMode::kTls;
    SmtpTransport transport(Settings(sink.port(), tls, true), OneConnection());
    for (const auto& r : transport.SendBatch(Messages(2))) {
      EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << r.response;
      EXPECT_THAT(r.response, HasSubstr("certificate verify failed"));
    }
    EXPECT_EQ(sink.MessageCount(), 0u);
  }
}

TEST(SmtpTls, ATrustedCertificateNamingTheServerIsAccepted) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.tls = SinkTls::kStartTls});
  TrustedCaFile trust(sink.cert_file().string());
  SmtpTransport transport(Settings(sink.port(), TlsMode::kStartTls, true), OneConnection());
  auto batch = Messages(2);
  for (const auto& r : transport.SendBatch(batch)) {
    EXPECT_EQ(r.status, SendStatus::kSent) << r.response;
  }
  ExpectDeliveredOverTls(sink, batch);
}

TEST(SmtpTls, ATrustedCertificateForAnotherNameIsRefused) {
  REQUIRE_AIOSMTPD();
  InspectingSink sink(InspectingSinkOptions{.tls = SinkTls::kImplicit});
  TrustedCaFile trust(sink.cert_file().string());
  // The certificate names IP 127.0.0.1, not "localhost", though both reach the same server.
  SmtpTransport transport(Settings(sink.port(), TlsMode::kTls, true, "localhost"), OneConnection());
  for (const auto& r : transport.SendBatch(Messages(1))) {
    EXPECT_EQ(r.status, SendStatus::kTemporaryFailure) << r.response;
    EXPECT_THAT(r.response, HasSubstr("certificate verify failed"));
  }
  EXPECT_EQ(sink.MessageCount(), 0u);
}

}  // namespace
}  // namespace mailmark
