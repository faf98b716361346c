// Owners see only their own objects: another owner's id answers 404, exactly like a missing id.
#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using json = nlohmann::json;

class Access : public ServerFixture {};

TEST_F(Access, EveryRouteNeedsAToken) {
  EXPECT_EQ(server().Get("/api/health", "").status, 200);
  HttpAnswer a = server().Get("/api/mailboxes", "");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.json["error"]["code"], "unauthorized");
  EXPECT_EQ(server().Get("/api/mailboxes", "mm_not_a_real_token").status, 401);
  EXPECT_EQ(server().Post("/api/mailboxes", "", {{"name", "x"}}).status, 401);
}

TEST_F(Access, AnotherOwnersIdsAnswer404OnEveryRouteAndChangeNothing) {
  std::string mailbox = CreateMailbox(token());
  json seq =
      CreateSequence(token(), mailbox,
                     {SendStep("One", "<p>1</p>"), DelayStep(3'600'000), SendStep("", "<p>2</p>")});
  std::string s = seq["id"];
  HttpAnswer e = Enroll(token(), s, "alice@acme.test");
  ASSERT_EQ(e.status, 201);
  std::string enr = e.json["id"];
  ASSERT_TRUE(WaitForOutbox(mailbox, 1));
  std::string message_id = Enrollment(token(), enr)["messages"][0]["messageId"];

  std::string mallory = CreateUserToken("mallory");
  ASSERT_FALSE(mallory.empty());
  EXPECT_EQ(server().Get("/api/mailboxes", mallory).json["mailboxes"].size(), 0u);

  struct Call {
    std::string method, path;
    json body;
  };
  std::vector<Call> calls = {
      {"GET", "/api/mailboxes/" + mailbox, nullptr},
      {"PATCH", "/api/mailboxes/" + mailbox, {{"name", "stolen"}}},
      {"DELETE", "/api/mailboxes/" + mailbox, nullptr},
      {"GET", "/api/mailboxes/" + mailbox + "/sequences", nullptr},
      {"POST",
       "/api/mailboxes/" + mailbox + "/sequences",
       {{"name", "x"}, {"steps", json::array({SendStep("a", "<p>b</p>")})}}},
      {"GET", "/api/mailboxes/" + mailbox + "/outbox", nullptr},
      {"GET", "/api/mailboxes/" + mailbox + "/outbox/" + message_id, nullptr},
      {"GET", "/api/sequences/" + s, nullptr},
      {"PATCH", "/api/sequences/" + s, {{"name", "stolen"}}},
      {"POST", "/api/sequences/" + s + "/pause", json::object()},
      {"POST", "/api/sequences/" + s + "/resume", json::object()},
      {"POST", "/api/sequences/" + s + "/complete", json::object()},
      {"POST", "/api/sequences/" + s + "/enrollments", {{"contactEmail", "m@evil.test"}}},
      {"POST",
       "/api/sequences/" + s + "/enrollments/bulk",
       {{"contacts", json::array({{{"contactEmail", "m@evil.test"}}})}}},
      {"GET", "/api/sequences/" + s + "/enrollments", nullptr},
      {"GET", "/api/enrollments/" + enr, nullptr},
      {"POST", "/api/enrollments/" + enr + "/cancel", json::object()},
      {"POST", "/api/enrollments/" + enr + "/replied", json::object()},
  };
  for (const Call& c : calls) {
    HttpAnswer theirs;
    if (c.method == "GET")
      theirs = server().Get(c.path, mallory);
    else if (c.method == "POST")
      theirs = server().Post(c.path, mallory, c.body);
    else if (c.method == "PATCH")
      theirs = server().Patch(c.path, mallory, c.body);
    else
      theirs = server().Delete(c.path, mallory);
    EXPECT_EQ(theirs.status, 404) << c.method << " " << c.path << ": " << theirs.body;
    ASSERT_TRUE(theirs.json.is_object()) << c.path;
    std::string code = theirs.json["error"]["code"];
    EXPECT_TRUE(code.find("not_found") != std::string::npos) << c.path << " " << code;
  }
  HttpAnswer csv = server().PostRaw("/api/sequences/" + s + "/enrollments/import", mallory,
                                    "email\nm@evil.test\n", "text/csv");
  EXPECT_EQ(csv.status, 404) << csv.body;

  // The same answer as for an id that does not exist at all.
  HttpAnswer missing = server().Get("/api/sequences/seq_doesnotexist", token());
  HttpAnswer foreign = server().Get("/api/sequences/" + s, mallory);
  EXPECT_EQ(missing.status, foreign.status);
  EXPECT_EQ(missing.json["error"]["code"], foreign.json["error"]["code"]);

  // Nothing changed.
  json after = Sequence(token(), s);
  EXPECT_EQ(after["name"], "Outreach");
  EXPECT_EQ(after["status"], "active");
  EXPECT_EQ(after["counts"]["active"], 1);
  EXPECT_EQ(Enrollment(token(), enr)["status"], "active");
  EXPECT_EQ(server().Get("/api/mailboxes/" + mailbox, token()).json["name"], "Sales");
}

}  // namespace
}  // namespace mailmark::testing
