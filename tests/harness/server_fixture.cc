#include "harness/server_fixture.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>

#include <gmock/gmock.h>

#include "harness/message_quality.h"

namespace mailmark::testing {

namespace fs = std::filesystem;

void ServerFixture::SetUp() {
  dir_ = std::make_unique<TempDir>("mm-e2e");
  server_ = std::make_unique<MailmarkProcess>(dir_->path() / "data", ServerEnv());
  server_->Start();
  token_ = server_->admin_token();
  ASSERT_FALSE(token_.empty()) << "the first start must print an admin token:\n"
                               << server_->Output();
}

void ServerFixture::TearDown() {
  if (server_) server_->Stop();
  if (server_) ExpectOutboxMessagesAreValid();
}

// Every test's outbox goes through the strict checks (GMime and Python's email package):
// up to kSample messages per test, spread evenly, so a big run stays quick.
void ServerFixture::ExpectOutboxMessagesAreValid() {
  constexpr std::size_t kSample = 12;
  if (auto missing = MessageQualityToolsMissing()) {
    if (std::getenv("CI")) ADD_FAILURE() << "CI needs the message checks: " << *missing;
    return;
  }
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& box : fs::directory_iterator(server_->data_dir() / "outbox", ec))
    for (const char* sub : {"new", "cur"})
      for (const auto& entry : fs::directory_iterator(box.path() / sub, ec))
        files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::size_t step = std::max<std::size_t>(1, files.size() / kSample);
  for (std::size_t i = 0; i < files.size(); i += step) {
    std::ifstream in(files[i], std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(MessageQualityProblems(raw), ::testing::IsEmpty()) << files[i];
  }
}

std::string ServerFixture::CreateMailbox(const std::string& token, const std::string& name) {
  HttpAnswer a = server_->Post("/api/mailboxes", token,
                               {{"name", name},
                                {"fromName", "Sam Sender"},
                                {"fromEmail", "sam@sender.test"},
                                {"transport", {{"type", "outbox"}}}});
  EXPECT_EQ(a.status, 201) << a.body;
  return a.json.is_object() ? a.json.value("id", "") : "";
}

nlohmann::json ServerFixture::CreateSequence(const std::string& token,
                                             const std::string& mailbox_id,
                                             const nlohmann::json& steps, const std::string& name) {
  HttpAnswer a = server_->Post("/api/mailboxes/" + mailbox_id + "/sequences", token,
                               {{"name", name}, {"steps", steps}});
  EXPECT_EQ(a.status, 201) << a.body;
  return a.json;
}

HttpAnswer ServerFixture::Enroll(const std::string& token, const std::string& sequence_id,
                                 const std::string& email, const nlohmann::json& merge_fields) {
  return server_->Post("/api/sequences/" + sequence_id + "/enrollments", token,
                       {{"contactEmail", email}, {"mergeFields", merge_fields}});
}

nlohmann::json ServerFixture::Enrollment(const std::string& token, const std::string& id) {
  HttpAnswer a = server_->Get("/api/enrollments/" + id, token);
  EXPECT_EQ(a.status, 200) << a.body;
  return a.json;
}

nlohmann::json ServerFixture::Sequence(const std::string& token, const std::string& id) {
  HttpAnswer a = server_->Get("/api/sequences/" + id, token);
  EXPECT_EQ(a.status, 200) << a.body;
  return a.json;
}

std::multiset<std::string> ServerFixture::OutboxMessageIds(const std::string& mailbox_id) const {
  std::multiset<std::string> ids;
  static const std::regex kMessageId("^Message-ID: *(<[^>]+>)",
                                     std::regex::icase | std::regex::multiline);
  for (const char* sub : {"new", "cur"}) {
    fs::path dir = server_->data_dir() / "outbox" / mailbox_id / sub;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::ifstream in(entry.path());
      std::string line;
      while (std::getline(in, line) && line != "\r" && !line.empty()) {
        std::smatch m;
        if (std::regex_search(line, m, kMessageId)) {
          ids.insert(m[1]);
          break;
        }
      }
    }
  }
  return ids;
}

std::size_t ServerFixture::OutboxCount(const std::string& mailbox_id) const {
  return OutboxMessageIds(mailbox_id).size();
}

bool ServerFixture::WaitForOutbox(const std::string& mailbox_id, std::size_t count,
                                  double seconds) {
  return Eventually([&] { return OutboxCount(mailbox_id) >= count; }, seconds);
}

std::string ServerFixture::CreateUserToken(const std::string& name) {
  int code = 0;
  server_->RunCommand({"user", "create", "--name", name}, &code);
  EXPECT_EQ(code, 0);
  std::string out = server_->RunCommand({"token", "create", "--user", name}, &code);
  EXPECT_EQ(code, 0) << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

nlohmann::json SendStep(const std::string& subject, const std::string& html) {
  return {{"type", "send_email"}, {"subject", subject}, {"html", html}};
}

nlohmann::json DelayStep(std::int64_t ms) { return {{"type", "delay"}, {"delayMs", ms}}; }

}  // namespace mailmark::testing
