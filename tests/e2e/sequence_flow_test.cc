// The product doc's behaviour, end to end: the real server, real HTTP, the real outbox.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

std::int64_t Millis(const std::string& rfc3339) {
  std::tm tm{};
  int ms = 0;
  char tail[8] = {};
  std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, tail);
  if (tail[0] == '.') ms = std::atoi(tail + 1);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

class SequenceFlow : public ServerFixture {
 protected:
  bool WaitForStatus(const std::string& enrollment_id, const std::string& status) {
    return Eventually([&] { return Enrollment(token(), enrollment_id)["status"] == status; });
  }
};

TEST_F(SequenceFlow, ProductDocExampleSendsThreeEmailsInOrderWithTheDelaysHonoured) {
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(token(), mailbox,
                            {SendStep("Hey {{firstName}}, quick question",
                                      "<p>Hi {{firstName}},</p><p>I noticed {{company}} recently "
                                      "expanded into {{market}}.</p>"),
                             DelayStep(300), SendStep("", "<p>Just following up.</p>"),
                             DelayStep(500), SendStep("", "<p>Last note from me.</p>")});
  std::vector<std::string> ids;
  for (const char* name : {"alice", "bob", "carol"}) {
    HttpAnswer a =
        Enroll(token(), seq["id"], std::string(name) + "@acme.test",
               {{"firstName", name}, {"company", "Acme Corp"}, {"market", "Southeast Asia"}});
    ASSERT_EQ(a.status, 201) << a.body;
    ids.push_back(a.json["id"]);
  }
  for (const auto& id : ids)
    ASSERT_TRUE(WaitForStatus(id, "completed")) << Enrollment(token(), id).dump();

  for (const auto& id : ids) {
    json e = Enrollment(token(), id);
    ASSERT_EQ(e["messages"].size(), 3u) << e.dump();
    const json& m = e["messages"];
    EXPECT_EQ(m[0]["stepId"], seq["steps"][0]["id"]);
    EXPECT_EQ(m[1]["stepId"], seq["steps"][2]["id"]);
    EXPECT_EQ(m[2]["stepId"], seq["steps"][4]["id"]);
    EXPECT_EQ(m[0]["subject"],
              "Hey " + e["mergeFields"]["firstName"].get<std::string>() + ", quick question");
    EXPECT_EQ(m[1]["subject"], "Re: " + m[0]["subject"].get<std::string>());
    EXPECT_GE(Millis(m[1]["sentAt"]) - Millis(m[0]["sentAt"]), 300) << e.dump();
    EXPECT_GE(Millis(m[2]["sentAt"]) - Millis(m[1]["sentAt"]), 500) << e.dump();
    for (const auto& msg : m) EXPECT_EQ(msg["status"], "sent");
  }
  auto outbox = OutboxMessageIds(mailbox);
  EXPECT_EQ(outbox.size(), 9u);
  EXPECT_EQ(std::set<std::string>(outbox.begin(), outbox.end()).size(), 9u);

  HttpAnswer listed = server().Get("/api/mailboxes/" + mailbox + "/outbox", token());
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["messages"].size(), 9u);
  json counts = Sequence(token(), seq["id"])["counts"];
  EXPECT_EQ(counts["completed"], 3);
  EXPECT_EQ(counts["active"], 0);
}

TEST_F(SequenceFlow, ASecondActiveEnrollmentIsAConflictAndFinishedContactsMayReturn) {
  std::string mailbox = CreateMailbox(token());
  json slow =
      CreateSequence(token(), mailbox,
                     {SendStep("One", "<p>1</p>"), DelayStep(3'600'000), SendStep("", "<p>2</p>")});
  HttpAnswer first = Enroll(token(), slow["id"], "Alice@ACME.test");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json["contactEmail"], "alice@acme.test");
  HttpAnswer second = Enroll(token(), slow["id"], "  alice@acme.TEST ");
  ASSERT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(second.json["error"]["code"], "already_enrolled");
  EXPECT_EQ(second.json["error"]["details"]["enrollmentId"], first.json["id"]);

  HttpAnswer cancel =
      server().Post("/api/enrollments/" + first.json["id"].get<std::string>() + "/cancel", token(),
                    json::object());
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.json["status"], "cancelled");
  HttpAnswer again = Enroll(token(), slow["id"], "alice@acme.test");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_NE(again.json["id"], first.json["id"]);
  EXPECT_EQ(Enrollment(token(), first.json["id"])["status"], "cancelled") << "history is kept";

  json quick = CreateSequence(token(), mailbox, json::array({SendStep("Only", "<p>only</p>")}));
  HttpAnswer done = Enroll(token(), quick["id"], "bob@acme.test");
  ASSERT_EQ(done.status, 201);
  ASSERT_TRUE(WaitForStatus(done.json["id"], "completed"));
  HttpAnswer back = Enroll(token(), quick["id"], "bob@acme.test");
  EXPECT_EQ(back.status, 201) << back.body;

  HttpAnswer replied =
      server().Post("/api/enrollments/" + again.json["id"].get<std::string>() + "/replied", token(),
                    json::object());
  ASSERT_EQ(replied.status, 200) << replied.body;
  HttpAnswer refused = Enroll(token(), slow["id"], "alice@acme.test");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json["error"]["code"], "contact_replied");
  HttpAnswer forced =
      server().Post("/api/sequences/" + slow["id"].get<std::string>() + "/enrollments", token(),
                    {{"contactEmail", "alice@acme.test"}, {"force", true}});
  EXPECT_EQ(forced.status, 201) << forced.body;
}

TEST_F(SequenceFlow, ASequenceStartingWithADelayIsRefusedAndNothingIsCreated) {
  std::string mailbox = CreateMailbox(token());
  HttpAnswer a =
      server().Post("/api/mailboxes/" + mailbox + "/sequences", token(),
                    {{"name", "Bad"}, {"steps", {DelayStep(1000), SendStep("Hi", "<p>x</p>")}}});
  EXPECT_EQ(a.status, 422) << a.body;
  EXPECT_EQ(a.json["error"]["code"], "sequence_must_start_with_email");
  EXPECT_THAT(a.json["error"]["message"].get<std::string>(), HasSubstr("send_email"));
  EXPECT_EQ(
      server().Get("/api/mailboxes/" + mailbox + "/sequences", token()).json["sequences"].size(),
      0u);
}

TEST_F(SequenceFlow, PauseHoldsDueStepsAndResumeContinuesWithoutRepeats) {
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(
      token(), mailbox, {SendStep("One", "<p>1</p>"), DelayStep(600), SendStep("", "<p>2</p>")});
  std::string path = "/api/sequences/" + seq["id"].get<std::string>();
  HttpAnswer e = Enroll(token(), seq["id"], "alice@acme.test");
  ASSERT_EQ(e.status, 201);
  ASSERT_TRUE(WaitForOutbox(mailbox, 1));
  HttpAnswer paused = server().Post(path + "/pause", token(), json::object());
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json["status"], "paused");
  // The second step falls due during the pause and must wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(OutboxCount(mailbox), 1u);
  HttpAnswer late = Enroll(token(), seq["id"], "late@acme.test");
  ASSERT_EQ(late.status, 201) << "enrolling into a paused sequence is accepted";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(OutboxCount(mailbox), 1u) << "its first step waits for the resume too";

  HttpAnswer resumed = server().Post(path + "/resume", token(), json::object());
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  ASSERT_TRUE(WaitForOutbox(mailbox, 3));
  ASSERT_TRUE(WaitForStatus(e.json["id"], "completed"));
  ASSERT_TRUE(WaitForStatus(late.json["id"], "completed"));
  EXPECT_EQ(OutboxCount(mailbox), 4u) << "alice: 2 emails, late: 2 emails, nothing repeated";
  json alice = Enrollment(token(), e.json["id"]);
  ASSERT_EQ(alice["messages"].size(), 2u);
  EXPECT_NE(alice["messages"][0]["stepId"], alice["messages"][1]["stepId"]);
}

TEST_F(SequenceFlow, CompleteCancelsEveryActiveEnrollmentAndRefusesResumeAndEnrollment) {
  std::string mailbox = CreateMailbox(token());
  json seq =
      CreateSequence(token(), mailbox,
                     {SendStep("One", "<p>1</p>"), DelayStep(3'600'000), SendStep("", "<p>2</p>")});
  std::string path = "/api/sequences/" + seq["id"].get<std::string>();
  HttpAnswer a = Enroll(token(), seq["id"], "a@acme.test");
  HttpAnswer b = Enroll(token(), seq["id"], "b@acme.test");
  ASSERT_TRUE(WaitForOutbox(mailbox, 2));
  HttpAnswer done = server().Post(path + "/complete", token(), json::object());
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json["status"], "completed");
  EXPECT_EQ(Enrollment(token(), a.json["id"])["status"], "cancelled");
  EXPECT_EQ(Enrollment(token(), b.json["id"])["status"], "cancelled");
  EXPECT_EQ(done.json["counts"]["cancelled"], 2);

  HttpAnswer resume = server().Post(path + "/resume", token(), json::object());
  EXPECT_EQ(resume.status, 409);
  EXPECT_EQ(resume.json["error"]["code"], "sequence_completed");
  HttpAnswer enroll = Enroll(token(), seq["id"], "c@acme.test");
  EXPECT_EQ(enroll.status, 409);
  EXPECT_EQ(enroll.json["error"]["code"], "sequence_completed");
  EXPECT_EQ(server().Post(path + "/pause", token(), json::object()).status, 409);
  EXPECT_EQ(server().Patch(path, token(), {{"name", "x"}}).status, 409);
  EXPECT_EQ(Sequence(token(), seq["id"])["status"], "completed");
}

TEST_F(SequenceFlow, EditingAStepWhileActiveChangesOnlyLaterSends) {
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(
      token(), mailbox,
      {SendStep("First", "<p>first</p>"), DelayStep(1500), SendStep("Second", "<p>second</p>")});
  HttpAnswer e = Enroll(token(), seq["id"], "alice@acme.test");
  ASSERT_TRUE(WaitForOutbox(mailbox, 1));
  json steps = seq["steps"];
  steps[0]["subject"] = "First (edited)";
  steps[2]["subject"] = "Second (edited)";
  steps[2]["html"] = "<p>second, edited</p>";
  HttpAnswer patched =
      server().Patch("/api/sequences/" + seq["id"].get<std::string>(), token(), {{"steps", steps}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json["steps"][2]["id"], seq["steps"][2]["id"]) << "an edited step keeps its id";
  ASSERT_TRUE(WaitForStatus(e.json["id"], "completed"));
  json m = Enrollment(token(), e.json["id"])["messages"];
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["subject"], "First");
  EXPECT_EQ(m[1]["subject"], "Second (edited)");
  HttpAnswer raw = server().Get(
      "/api/mailboxes/" + mailbox + "/outbox/" + m[0]["messageId"].get<std::string>(), token());
  ASSERT_EQ(raw.status, 200) << raw.body;
  EXPECT_THAT(raw.body, HasSubstr("Subject: First\r\n"));
}

TEST_F(SequenceFlow, CsvImportEnrollsGoodRowsWithTheirMergeFieldsAndReportsBadOnes) {
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(
      token(), mailbox,
      json::array({SendStep("Hi {{firstName}}", "<p>{{company}} | {{city|somewhere}}</p>")}));
  std::string csv =
      "\xEF\xBB\xBF"
      "Email,firstName,company,city\r\n"
      "ann@acme.test,Ann,\"Acme, Inc.\",Lyon\r\n"
      "not-an-email,Bob,Bobco,\r\n"
      "cat@acme.test,Cat,\"Multi\r\nLine\",\r\n"
      ",Nobody,None,\r\n"
      "ANN@acme.test,Ann again,Acme,\r\n";
  HttpAnswer a =
      server().PostRaw("/api/sequences/" + seq["id"].get<std::string>() + "/enrollments/import",
                       token(), csv, "text/csv");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["enrolled"], 2);
  ASSERT_EQ(a.json["errors"].size(), 3u) << a.body;
  EXPECT_EQ(a.json["errors"][0]["line"], 3);
  EXPECT_EQ(a.json["errors"][0]["code"], "invalid_email");
  EXPECT_EQ(a.json["errors"][1]["line"], 6);
  EXPECT_EQ(a.json["errors"][2]["line"], 7);
  EXPECT_EQ(a.json["errors"][2]["code"], "already_enrolled");
  ASSERT_TRUE(WaitForOutbox(mailbox, 2));
  HttpAnswer list =
      server().Get("/api/sequences/" + seq["id"].get<std::string>() + "/enrollments", token());
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["enrollments"].size(), 2u);
  EXPECT_EQ(list.json["enrollments"][0]["mergeFields"]["company"], "Acme, Inc.");
  EXPECT_EQ(list.json["enrollments"][1]["mergeFields"]["company"], "Multi\r\nLine");
}

}  // namespace
}  // namespace mailmark::testing
