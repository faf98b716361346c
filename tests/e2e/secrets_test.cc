// Secrets at rest, through the real binary: owner-only files, sealed passwords, the key file
// every command finds, and a server that refuses a database sealed under another key.
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

constexpr const char* kSmtpPassword = "e2e-smtp-password-7f3a";
constexpr const char* kImapPassword = "e2e-imap-password-91c2";

class Secrets : public ServerFixture {
 protected:
  std::map<std::string, std::string> ServerEnv() const override {
    return {{"MAILMARK_ALLOW_PRIVATE_HOSTS", "true"}};
  }
  fs::path Data() const { return server_->data_dir(); }
  // What the last RunCommand wrote to stderr (the harness keeps it beside the server's log).
  std::string CommandErrors() const {
    return Slurp(Data().parent_path() / (Data().filename().string() + ".log.cmd.err"));
  }
  std::string SealedMailbox() {
    HttpAnswer a = server().Post("/api/mailboxes", token(),
                                 {{"name", "Relay"},
                                  {"fromName", "Sam Sender"},
                                  {"fromEmail", "sam@sender.test"},
                                  {"transport",
                                   {{"type", "smtp"},
                                    {"host", "127.0.0.1"},
                                    {"port", 2525},
                                    {"tls", "starttls"},
                                    {"username", "sam"},
                                    {"password", kSmtpPassword}}},
                                  {"imap",
                                   {{"host", "127.0.0.1"},
                                    {"port", 1993},
                                    {"tls", "tls"},
                                    {"username", "sam"},
                                    {"password", kImapPassword}}}});
    EXPECT_EQ(a.status, 201) << a.body;
    EXPECT_THAT(a.body, Not(HasSubstr(kSmtpPassword)));
    return a.json.value("id", "");
  }
};

TEST_F(Secrets, TheDataFolderIsTheOwnersAndTheAdminPasswordIsNeverPrinted) {
  std::string credentials = Slurp(Data() / "admin-password.txt");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(credentials, m, std::regex("password:  (\\S+)")));
  std::string password = m[1];
  EXPECT_THAT(server().Output(), Not(HasSubstr(password)));
  EXPECT_THAT(server().Output(), Not(HasSubstr(token())));
  EXPECT_THAT(server().Output(), HasSubstr((Data() / "admin-password.txt").string()));

  std::string mailbox = CreateMailbox(token());
  nlohmann::json steps = nlohmann::json::array();
  steps.push_back(SendStep("Hello", "<p>Hi</p>"));
  auto sequence = CreateSequence(token(), mailbox, steps);
  ASSERT_EQ(Enroll(token(), sequence.value("id", ""), "pat@example.com").status, 201);
  ASSERT_TRUE(WaitForOutbox(mailbox, 1));

  EXPECT_EQ(Mode(Data()), 0700u);
  for (const char* name : {"mailmark.db", "mailmark.db-wal", "secret.key", "admin-password.txt"})
    EXPECT_EQ(Mode(Data() / name), 0600u) << name;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(Data() / "outbox" / mailbox / "new")) {
    EXPECT_EQ(Mode(entry.path()), 0600u) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(Secrets, MailboxPasswordsAreNowhereInTheDatabaseFiles) {
  std::string mailbox = SealedMailbox();
  HttpAnswer got = server().Get("/api/mailboxes/" + mailbox, token());
  EXPECT_EQ(got.status, 200);
  EXPECT_THAT(got.body, Not(HasSubstr(kSmtpPassword)));
  server().Stop();
  for (const char* name : {"mailmark.db", "mailmark.db-wal"}) {
    std::string bytes = Slurp(Data() / name);
    EXPECT_THAT(bytes, Not(HasSubstr(kSmtpPassword))) << name;
    EXPECT_THAT(bytes, Not(HasSubstr(kImapPassword))) << name;
  }
  server().Start();
  EXPECT_EQ(server().Get("/api/mailboxes/" + mailbox, token()).status, 200);
}

TEST_F(Secrets, ADatabaseSealedUnderAnotherKeyIsRefusedByEveryCommand) {
  SealedMailbox();
  server().Stop();
  fs::path key_file = Data() / "secret.key";
  std::string key = Slurp(key_file);

  {
    std::ofstream out(key_file, std::ios::trunc);
    out << std::string(64, 'a') << "\n";
  }
  std::size_t before = server().Output().size();
  EXPECT_THROW(server().Start(), std::runtime_error);
  EXPECT_NE(server().ExitCode(), 0);
  std::string refusal = server().Output().substr(before);
  EXPECT_THAT(refusal, HasSubstr("another key than the one in " + key_file.string()));
  for (std::vector<std::string> command :
       {std::vector<std::string>{"migrate"},
        std::vector<std::string>{"user", "create", "--name", "eve"},
        std::vector<std::string>{"token", "create", "--user", "admin"}}) {
    int code = 0;
    std::string out = server().RunCommand(command, &code);
    EXPECT_NE(code, 0) << command[0];
    EXPECT_THAT(out, Not(HasSubstr("mm_"))) << command[0];
    EXPECT_THAT(CommandErrors(), HasSubstr(key_file.string())) << command[0];
  }

  // Without its key file the database is refused too, and no new key takes its place.
  fs::remove(key_file);
  int code = 0;
  server().RunCommand({"migrate"}, &code);
  EXPECT_NE(code, 0);
  EXPECT_THAT(CommandErrors(), HasSubstr("secret key file " + key_file.string() + " is missing"));
  EXPECT_FALSE(fs::exists(key_file));

  {
    std::ofstream out(key_file, std::ios::trunc);
    out << key;
  }
  fs::permissions(key_file, fs::perms(0600));
  server().Start();
  EXPECT_EQ(server().Get("/api/mailboxes", token()).status, 200);
}

TEST_F(Secrets, AKeyFileNamedByTheEnvironmentServesEveryCommand) {
  // The fixture's server made its key in the data folder; a second folder with the key
  // elsewhere shows that `user create`, `token create` and `serve` all look there.
  TempDir other("mm-e2e-key");
  fs::path key_file = other.path() / "keys" / "mailmark.key";
  MailmarkProcess second(other.path() / "data", {{"MAILMARK_SECRET_KEY_FILE", key_file.string()}});
  int code = -1;
  second.RunCommand({"user", "create", "--name", "zoe"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(Mode(key_file), 0600u);
  EXPECT_FALSE(fs::exists(other.path() / "data" / "secret.key"));
  std::string token = second.RunCommand({"token", "create", "--user", "zoe"}, &code);
  EXPECT_EQ(code, 0);
  second.Start();
  token.erase(token.find_last_not_of('\n') + 1);
  EXPECT_EQ(second.Get("/api/mailboxes", token).status, 200);
  second.Stop();
  EXPECT_FALSE(fs::exists(other.path() / "data" / "secret.key"));
}

}  // namespace
}  // namespace mailmark::testing
