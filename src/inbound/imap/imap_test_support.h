// Shared by the IMAP tests: one private Postfix + Dovecot per test binary, mail delivered to
// it through Postfix (SmtpTransport) or written straight into a maildir, and small waits.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/model.h"
#include "harness/mail_server.h"
#include "mail/message_builder.h"
#include "mail/smtp/smtp_transport.h"

namespace mailmark::testing {

// Maildir files use LF; IMAP serves CRLF.
inline std::string ToCrlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// Polls `condition` every 10 ms for up to `seconds`. Only a ceiling, never a timing claim.
inline bool WaitUntil(const std::function<bool()>& condition, double seconds = 30) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

class ImapServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (PrivateMailServer::Missing(true)) return;  // each test skips (or fails in CI)
    MailServerOptions options;
    options.imap = true;
    options.users = {"bounces"};
    for (int i = 1; i <= 16; ++i) options.users.push_back("user" + std::to_string(i));
    try {
      server_ = std::make_unique<PrivateMailServer>(options);
      server_->Start();
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }

  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    MM_SKIP_OR_FAIL_IF_MISSING(PrivateMailServer::Missing(true));
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_NE(server_, nullptr);
  }

  static PrivateMailServer& server() { return *server_; }

  static ImapSettings Settings(const std::string& user) {
    ImapSettings s;
    s.host = "127.0.0.1";
    s.port = server().imap_port();
    s.tls = TlsMode::kNone;
    s.username = PrivateMailServer::Address(user);
    s.password = server().password();
    return s;
  }

  // Sends one message to user@example.test through Postfix; returns it as sent.
  static std::string Send(const std::string& user, const std::string& subject) {
    static std::atomic<int> counter{0};
    MessageInput in;
    in.from_name = "Contact";
    in.from_email = "contact@sender.test";
    in.to_email = PrivateMailServer::Address(user);
    in.subject = subject;
    in.html = "<p>Body of " + subject + "</p>";
    in.message_id = "<imap-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                    "@sender.test>";
    in.date = FromMillis(1'795'000'000'000);
    OutgoingMessage message{in.message_id, "contact@sender.test", in.to_email, BuildMessage(in)};
    SmtpSettings smtp;
    smtp.host = "127.0.0.1";
    smtp.port = server().smtp_port();
    smtp.tls = TlsMode::kNone;
    SmtpOptions options;
    options.connections = 1;
    options.helo_name = "client.test";
    SmtpTransport transport(smtp, options);
    SendResult result = transport.SendBatch({&message, 1}).at(0);
    EXPECT_EQ(result.status, SendStatus::kSent) << result.response;
    return message.raw;
  }

  // Sends and waits until the maildir holds `expected_total` messages.
  static void SendAndWait(const std::string& user, const std::string& subject,
                          std::size_t expected_total) {
    Send(user, subject);
    ASSERT_TRUE(server().WaitForMessages(user, expected_total)) << server().log();
  }

  static std::filesystem::path Maildir(const std::string& user) {
    return server().dir() / "mail" / PrivateMailServer::kDomain / user / "Maildir";
  }

  // Writes `raw` into the user's maildir as a delivery agent would (tmp/, then new/).
  static void DeliverToMaildir(const std::string& user, const std::string& raw) {
    static std::atomic<int> counter{0};
    std::string name = std::to_string(::time(nullptr)) + ".M" + std::to_string(counter++) + "P" +
                       std::to_string(::getpid()) + ".imap-test";
    auto tmp = Maildir(user) / "tmp" / name;
    {
      std::ofstream out(tmp, std::ios::binary);
      out << raw;
      ASSERT_TRUE(out.flush());
    }
    ASSERT_EQ(::chown(tmp.c_str(), 5000, 5000), 0);
    std::filesystem::rename(tmp, Maildir(user) / "new" / name);
  }

  // Every message file's maildir flags ("" for one still in new/), e.g. "S" once seen.
  static std::vector<std::string> MaildirFlags(const std::string& user) {
    std::vector<std::string> flags;
    for (const char* sub : {"new", "cur"}) {
      for (const auto& entry : std::filesystem::directory_iterator(Maildir(user) / sub)) {
        std::string name = entry.path().filename().string();
        std::size_t info = name.rfind(":2,");
        flags.push_back(info == std::string::npos ? "" : name.substr(info + 3));
      }
    }
    return flags;
  }

  static inline std::unique_ptr<PrivateMailServer> server_;
  static inline std::string start_error_;
};

}  // namespace mailmark::testing
