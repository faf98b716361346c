// kill -9 in the middle of a run, then a restart: every remaining step arrives exactly once.
#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using json = nlohmann::json;

class Crash : public ServerFixture {};

TEST_F(Crash, KillNineMidRunThenRestartDeliversEveryStepExactlyOnce) {
  constexpr int kContacts = 300;
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(token(), mailbox,
                            {SendStep("One {{n}}", "<p>1</p>"), DelayStep(150),
                             SendStep("", "<p>2</p>"), DelayStep(150), SendStep("", "<p>3</p>")});
  std::string csv = "email,n\n";
  for (int i = 0; i < kContacts; ++i)
    csv += "c" + std::to_string(i) + "@acme.test," + std::to_string(i) + "\n";
  HttpAnswer imported =
      server().PostRaw("/api/sequences/" + seq["id"].get<std::string>() + "/enrollments/import",
                       token(), csv, "text/csv");
  ASSERT_EQ(imported.status, 200) << imported.body;
  ASSERT_EQ(imported.json["enrolled"], kContacts);

  // Crash while the run is well under way but not finished.
  ASSERT_TRUE(WaitForOutbox(mailbox, kContacts / 2));
  server().Kill();
  std::size_t at_crash = OutboxCount(mailbox);
  ASSERT_LT(at_crash, static_cast<std::size_t>(3 * kContacts))
      << "the crash came too late to prove anything";

  server().Start();
  ASSERT_TRUE(WaitForOutbox(mailbox, 3 * kContacts, 120)) << OutboxCount(mailbox);
  ASSERT_TRUE(Eventually(
      [&] { return Sequence(token(), seq["id"])["counts"]["completed"] == kContacts; }, 60));
  auto ids = OutboxMessageIds(mailbox);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(3 * kContacts)) << "no step was sent twice";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size())
      << "no Message-ID twice";

  // And per contact: three messages, one per step.
  HttpAnswer page = server().Get(
      "/api/sequences/" + seq["id"].get<std::string>() + "/enrollments?limit=1000", token());
  ASSERT_EQ(page.status, 200);
  ASSERT_EQ(page.json["enrollments"].size(), static_cast<std::size_t>(kContacts));
  for (int i = 0; i < kContacts; i += 37) {
    json e = Enrollment(token(), page.json["enrollments"][i]["id"]);
    ASSERT_EQ(e["messages"].size(), 3u) << e.dump();
    std::set<std::string> steps;
    for (const auto& m : e["messages"]) steps.insert(m["stepId"]);
    EXPECT_EQ(steps.size(), 3u);
  }
}

}  // namespace
}  // namespace mailmark::testing
