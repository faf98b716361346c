// The process itself: first start, CLI, a second server on the same folder, SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class Lifecycle : public ServerFixture {};

TEST_F(Lifecycle, FirstStartPrintsAdminCredentialsOnceAndTheTokenWorks) {
  EXPECT_THAT(server().Output(), HasSubstr("password:"));
  EXPECT_EQ(server().Get("/api/mailboxes", token()).status, 200);
  server().Stop();
  EXPECT_EQ(server().ExitCode(), 0) << server().Output();
  std::string before = server().Output();
  server().Start();
  std::string after = server().Output().substr(before.size());
  EXPECT_THAT(after, ::testing::Not(HasSubstr("API token:"))) << "credentials are printed once";
  EXPECT_EQ(server().Get("/api/mailboxes", token()).status, 200) << "the token survives a restart";
}

TEST_F(Lifecycle, TokenCreatePrintsTheTokenAloneAndUserCreateRefusesDuplicates) {
  int code = -1;
  server().RunCommand({"user", "create", "--name", "zoe", "--password", "s3cret"}, &code);
  EXPECT_EQ(code, 0);
  server().RunCommand({"user", "create", "--name", "zoe"}, &code);
  EXPECT_NE(code, 0);
  std::string out = server().RunCommand({"token", "create", "--user", "zoe"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_THAT(out, MatchesRegex("mm_[A-Za-z0-9_-]+\n"));
  server().RunCommand({"token", "create", "--user", "nobody"}, &code);
  EXPECT_NE(code, 0);
  out = server().RunCommand({"--help"}, &code);
  EXPECT_THAT(out, HasSubstr("serve"));
}

TEST_F(Lifecycle, ASecondServerOnTheSameDataFolderRefusesToStart) {
  MailmarkProcess second(server().data_dir());
  EXPECT_THROW(second.Start(), std::runtime_error);
  EXPECT_THAT(second.Output(), HasSubstr("already using"));
  EXPECT_EQ(server().Get("/api/health", "").status, 200);
}

TEST_F(Lifecycle, SigtermStopsGracefully) {
  std::string mailbox = CreateMailbox(token());
  server().Stop();
  EXPECT_EQ(server().ExitCode(), 0) << server().Output();
  EXPECT_THAT(server().Output(), HasSubstr("stopped"));
}

TEST_F(Lifecycle, OpenApiDescribesTheRoutes) {
  HttpAnswer a = server().Get("/api/openapi.json", token());
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.json["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* path :
       {"/api/mailboxes", "/api/sequences/{id}", "/api/sequences/{id}/enrollments/import",
        "/api/enrollments/{id}/cancel"})
    EXPECT_TRUE(a.json["paths"].contains(path)) << path;
}

}  // namespace
}  // namespace mailmark::testing
