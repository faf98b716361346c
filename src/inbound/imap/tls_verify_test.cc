// Certificate checks, and ImapClient refusing a TLS server the system does not trust (an
// `openssl s_server` with a self-signed certificate: the test Dovecot speaks plain IMAP).
#include "inbound/imap/tls_verify.h"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/run_command.h"
#include "harness/smtp_sink.h"
#include "harness/temp_dir.h"
#include "inbound/imap/imap_client.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kOpenssl = "/usr/bin/openssl";

std::optional<std::string> OpensslMissing() {
  if (::access(kOpenssl, X_OK) != 0) return std::string("openssl not found: install `openssl`");
  return std::nullopt;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A self-signed certificate for "localhost" (and 127.0.0.1) with its key, in `dir`.
void MakeSelfSigned(const std::filesystem::path& dir) {
  CommandResult made =
      RunToCompletion({kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                       "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                       "-keyout", (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CommandResult der = RunToCompletion({kOpenssl, "x509", "-in", (dir / "cert.pem").string(),
                                       "-outform", "DER", "-out", (dir / "cert.der").string()});
  ASSERT_EQ(der.exit_code, 0) << der.err;
}

TEST(TlsVerifyTest, NoCertificateOrAnUnreadableOneIsRefused) {
  auto none = VerifyServerCertificate({}, "mail.example.com");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "imap_tls_failed");
  for (const std::string& junk : {std::string(), std::string("not a certificate"),
                                  std::string(4096, '\0'), std::string("\x30\x82\xff\xff", 4)}) {
    auto bad = VerifyServerCertificate({junk}, "mail.example.com");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "imap_tls_failed");
  }
}

TEST(TlsVerifyTest, SelfSignedCertificateIsNotTrusted) {
  MM_SKIP_OR_FAIL_IF_MISSING(OpensslMissing());
  TempDir dir("mm-tls");
  ASSERT_NO_FATAL_FAILURE(MakeSelfSigned(dir.path()));
  std::string der = ReadFile(dir.path() / "cert.der");
  ASSERT_FALSE(der.empty());
  auto result = VerifyServerCertificate({der}, "localhost");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "imap_tls_failed");
  EXPECT_THAT(result.error().message, HasSubstr("issuer is unknown"));
}

TEST(TlsVerifyTest, ImapClientRefusesAnUntrustedTlsServer) {
  MM_SKIP_OR_FAIL_IF_MISSING(OpensslMissing());
  TempDir dir("mm-tls");
  ASSERT_NO_FATAL_FAILURE(MakeSelfSigned(dir.path()));
  int port = UnusedLoopbackPort();
  ChildProcess server;
  server.Start(
      {kOpenssl, "s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
       (dir.path() / "cert.pem").string(), "-key", (dir.path() / "key.pem").string()},
      dir.path() / "s_server.log");
  for (int i = 0; i < 3000 && !IsListeningOnLoopback(port) && server.Running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(IsListeningOnLoopback(port)) << ReadFile(dir.path() / "s_server.log");

  ImapSettings settings;
  settings.host = "localhost";
  settings.port = port;
  settings.tls = TlsMode::kTls;
  settings.username = "user";
  settings.password = "secret";
  ImapOptions options;
  options.timeout = std::chrono::seconds(10);
  auto client = ImapClient::Connect(settings, options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, "imap_tls_failed");
  EXPECT_THAT(client.error().message, HasSubstr("issuer is unknown"));
}

}  // namespace
}  // namespace mailmark::testing
