// Sending like a person, through the API: a mailbox's limits, usage and pause, a sequence's
// window and rotation, and what an enrollment says about both.
#include <set>

#include "api/api_test_fixture.h"

namespace mailmark {
namespace {

using nlohmann::json;

// kStart is Friday 2027-01-15 08:00 UTC.
constexpr const char* kStartText = "2027-01-15T08:00:00Z";

json WorkingHours() {
  return {{"timezone", "Europe/Berlin"},
          {"days", {"mon", "tue", "wed", "thu", "fri"}},
          {"from", "09:00"},
          {"to", "17:30"},
          {"useContactTimezone", true}};
}

class LimitsRoutesTest : public ApiTest {
 protected:
  Answer NewSequence(const std::string& mailbox, json extra) {
    json body = {{"name", "Outreach"}, {"steps", ThreeSteps()}};
    body.update(extra);
    return Post("/api/mailboxes/" + mailbox + "/sequences", alice_, body);
  }
  // A sequence's answer without the figures only single answers carry.
  json Shown(const std::string& sequence) {
    json j = Get("/api/sequences/" + sequence, alice_).json;
    j.erase("stepStats");
    return j;
  }
};

// ---- mailboxes ----

TEST_F(LimitsRoutesTest, MailboxShowsItsLimitsAndUsage) {
  std::string id = CreateMailbox(alice_);
  Answer a = Get("/api/mailboxes/" + id, alice_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["timezone"], "UTC");
  EXPECT_EQ(a.json["sendGap"], json({{"minMs", 0}, {"maxMs", 0}}));
  EXPECT_EQ(a.json["bounceProtection"], json({{"maxPercent", 10}, {"overLast", 50}}));
  EXPECT_EQ(a.json["status"], "active");
  EXPECT_TRUE(a.json["pausedReason"].is_null());
  EXPECT_TRUE(a.json["pausedAt"].is_null());
  EXPECT_TRUE(a.json["bounceFigures"].is_null());
  EXPECT_EQ(a.json["sentToday"], 0);
  EXPECT_EQ(a.json["limitResetsAt"], "2027-01-16T00:00:00Z");
  EXPECT_EQ(a.json["recentSends"], 0);
  EXPECT_EQ(a.json["recentBounced"], 0);
  EXPECT_EQ(Get("/api/mailboxes", alice_).json["mailboxes"][0], a.json);

  clock_->Advance(std::chrono::seconds(1));
  Answer patched = Patch("/api/mailboxes/" + id, alice_,
                         {{"timezone", "Europe/Berlin"},
                          {"sendGap", {{"minMs", 1000}, {"maxMs", 5000}}},
                          {"bounceProtection", nullptr},
                          {"dailyLimit", 100}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json["timezone"], "Europe/Berlin");
  EXPECT_EQ(patched.json["sendGap"], json({{"minMs", 1000}, {"maxMs", 5000}}));
  EXPECT_TRUE(patched.json["bounceProtection"].is_null());
  EXPECT_EQ(patched.json["dailyLimit"], 100);
  // Berlin is UTC+1 in January: its next midnight is 23:00 UTC.
  EXPECT_EQ(patched.json["limitResetsAt"], "2027-01-15T23:00:00Z");
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json, patched.json);

  // What a client read, read-only fields and all, can be sent back as it is.
  clock_->Advance(std::chrono::seconds(1));
  Answer echoed = Patch("/api/mailboxes/" + id, alice_, patched.json);
  ASSERT_EQ(echoed.status, 200) << echoed.body;
  json expected = patched.json;
  expected["updatedAt"] = echoed.json["updatedAt"];
  EXPECT_EQ(echoed.json, expected);

  Answer on = Patch("/api/mailboxes/" + id, alice_,
                    {{"bounceProtection", {{"maxPercent", 5}, {"overLast", 200}}},
                     {"sendGap", nullptr},
                     {"timezone", "UTC-03:00"}});
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(on.json["bounceProtection"], json({{"maxPercent", 5}, {"overLast", 200}}));
  EXPECT_EQ(on.json["sendGap"], json({{"minMs", 0}, {"maxMs", 0}}));
  EXPECT_EQ(on.json["timezone"], "UTC-03:00");
  EXPECT_EQ(on.json["limitResetsAt"], "2027-01-16T03:00:00Z");
}

TEST_F(LimitsRoutesTest, BadLimitsAre422AndChangeNothing) {
  struct Case {
    json body;
    int status;
    std::string code;
    std::string field;
  };
  std::vector<Case> cases = {
      {{{"timezone", "Mars/Olympus_Mons"}}, 422, "invalid_timezone", "timezone"},
      {{{"timezone", "UTC+15:00"}}, 422, "invalid_timezone", "timezone"},
      {{{"sendGap", {{"minMs", 5000}, {"maxMs", 1000}}}}, 422, "invalid_send_gap", "sendGap"},
      {{{"sendGap", {{"minMs", 0}, {"maxMs", 86'400'001}}}}, 422, "invalid_send_gap", "sendGap"},
      {{{"sendGap", {{"minMs", "1"}, {"maxMs", 2}}}}, 400, "invalid_field", "sendGap.minMs"},
      {{{"bounceProtection", {{"maxPercent", 0}, {"overLast", 50}}}},
       422,
       "invalid_bounce_protection",
       "bounceProtection.maxPercent"},
      {{{"bounceProtection", {{"maxPercent", 10}, {"overLast", 10001}}}},
       422,
       "invalid_bounce_protection",
       "bounceProtection.overLast"},
  };
  for (const Case& c : cases) {
    json body = {{"name", "S"}, {"fromEmail", "a@b.co"}};
    body.update(c.body);
    Answer a = Post("/api/mailboxes", alice_, body);
    EXPECT_EQ(a.status, c.status) << c.body;
    EXPECT_EQ(a.code(), c.code) << c.body;
    EXPECT_EQ(a.json["error"]["details"].value("field", ""), c.field) << c.body;
  }
  EXPECT_TRUE(Get("/api/mailboxes", alice_).json["mailboxes"].empty()) << "nothing was created";

  std::string id = CreateMailbox(alice_);
  json before = Get("/api/mailboxes/" + id, alice_).json;
  for (const Case& c : cases) {
    json body = c.body;
    body["name"] = "Renamed";  // refused with the rest
    Answer a = Patch("/api/mailboxes/" + id, alice_, body);
    EXPECT_EQ(a.status, c.status) << c.body;
    EXPECT_EQ(a.code(), c.code) << c.body;
  }
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json, before);
}

TEST_F(LimitsRoutesTest, PauseAndResumeAMailbox) {
  std::string id = CreateMailbox(alice_);
  Answer paused = Post("/api/mailboxes/" + id + "/pause", alice_);
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json["id"], id);
  EXPECT_EQ(paused.json["status"], "paused");
  EXPECT_EQ(paused.json["pausedReason"], "manual");
  EXPECT_EQ(paused.json["pausedAt"], kStartText);
  EXPECT_TRUE(paused.json["bounceFigures"].is_null());
  EXPECT_EQ(paused.json["sentToday"], 0);
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json["status"], "paused");

  Answer again = Post("/api/mailboxes/" + id + "/pause", alice_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "mailbox_paused");

  // Another owner's mailbox is not there, for pausing or resuming.
  for (const char* action : {"/pause", "/resume"}) {
    Answer theirs = Post("/api/mailboxes/" + id + action, bob_);
    Answer missing = Post("/api/mailboxes/" + id + "0" + action, bob_);
    EXPECT_EQ(theirs.status, 404) << action;
    EXPECT_EQ(theirs.code(), "mailbox_not_found") << action;
    EXPECT_EQ(theirs.json, missing.json) << action;
  }
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json["status"], "paused");

  clock_->Advance(std::chrono::minutes(1));
  int wakes_before = wakes_;
  Answer resumed = Post("/api/mailboxes/" + id + "/resume", alice_);
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(resumed.json["status"], "active");
  EXPECT_TRUE(resumed.json["pausedReason"].is_null());
  EXPECT_TRUE(resumed.json["pausedAt"].is_null());
  EXPECT_GT(wakes_.load(), wakes_before) << "held steps go out at once";

  Answer not_paused = Post("/api/mailboxes/" + id + "/resume", alice_);
  EXPECT_EQ(not_paused.status, 409);
  EXPECT_EQ(not_paused.code(), "mailbox_not_paused");
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json["status"], "active");

  // Bob cannot pause it either.
  EXPECT_EQ(Post("/api/mailboxes/" + id + "/pause", bob_).status, 404);
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json["status"], "active");
}

// ---- sequences ----

TEST_F(LimitsRoutesTest, ScheduleAndRotationRoundTrip) {
  std::string one = CreateMailbox(alice_, "One"), two = CreateMailbox(alice_, "Two");
  Answer created = NewSequence(one, {{"schedule", WorkingHours()}, {"rotation", {two}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["schedule"], WorkingHours());
  EXPECT_EQ(created.json["rotation"], json::array({two}));
  std::string id = created.json["id"];
  EXPECT_EQ(Shown(id), created.json);
  EXPECT_EQ(Get("/api/mailboxes/" + one + "/sequences", alice_).json["sequences"][0], created.json);

  Answer renamed = Patch("/api/sequences/" + id, alice_, {{"name", "Renamed"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json["schedule"], WorkingHours()) << "left out, it stays";
  EXPECT_EQ(renamed.json["rotation"], json::array({two}));

  int wakes_before = wakes_;
  Answer cleared = Patch("/api/sequences/" + id, alice_, {{"schedule", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json["schedule"].is_null());
  EXPECT_EQ(cleared.json["rotation"], json::array({two}));
  EXPECT_EQ(cleared.json["name"], "Renamed");
  EXPECT_GT(wakes_.load(), wakes_before) << "held steps may be due now";
  EXPECT_TRUE(Shown(id)["schedule"].is_null());

  Answer weekend =
      Patch("/api/sequences/" + id, alice_,
            {{"schedule", {{"days", {"sat", "sun"}}, {"from", "10:00"}, {"to", "24:00"}}},
             {"rotation", json::array()}});
  ASSERT_EQ(weekend.status, 200) << weekend.body;
  EXPECT_EQ(weekend.json["schedule"], json({{"timezone", "UTC"},
                                            {"days", {"sat", "sun"}},
                                            {"from", "10:00"},
                                            {"to", "24:00"},
                                            {"useContactTimezone", false}}));
  EXPECT_EQ(weekend.json["rotation"], json::array());

  // The answer, sent back whole, is a valid edit that changes nothing.
  json back = Get("/api/sequences/" + id, alice_).json;
  Answer echoed = Patch("/api/sequences/" + id, alice_, back);
  ASSERT_EQ(echoed.status, 200) << echoed.body;
  EXPECT_EQ(echoed.json["schedule"], back["schedule"]);
  EXPECT_EQ(echoed.json["steps"], back["steps"]);
}

TEST_F(LimitsRoutesTest, BadSchedulesAndRotationsAre422AndChangeNothing) {
  std::string one = CreateMailbox(alice_, "One"), two = CreateMailbox(alice_, "Two");
  std::string bobs = CreateMailbox(bob_, "Bob's");
  Answer created = NewSequence(one, {{"schedule", WorkingHours()}, {"rotation", {two}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json["id"];
  json before = Shown(id);

  auto schedule_with = [](const std::string& key, json value) {
    json s = WorkingHours();
    s[key] = std::move(value);
    return s;
  };
  struct Case {
    json patch;
    std::string code;
    std::string field;  // "" when the details name a mailbox instead
  };
  std::vector<Case> cases = {
      {{{"schedule", schedule_with("days", json::array())}}, "invalid_schedule", "schedule.days"},
      {{{"schedule", schedule_with("days", {"mon", "funday"})}},
       "invalid_schedule",
       "schedule.days[1]"},
      {{{"schedule", schedule_with("days", {"mon", "mon"})}},
       "invalid_schedule",
       "schedule.days[1]"},
      {{{"schedule", schedule_with("from", "9am")}}, "invalid_schedule", "schedule.from"},
      {{{"schedule", schedule_with("to", "08:00")}}, "invalid_schedule", "schedule.to"},
      {{{"schedule", schedule_with("timezone", "Nowhere/Atall")}},
       "invalid_timezone",
       "schedule.timezone"},
      {{{"rotation", {one}}}, "invalid_rotation", "rotation[0]"},
      {{{"rotation", {two, two}}}, "invalid_rotation", "rotation[1]"},
      // The store's own checks: a mailbox that does not exist, or is not alice's.
      {{{"rotation", {bobs}}}, "invalid_rotation", ""},
      {{{"rotation", {two, "mbx_nonexistent"}}}, "invalid_rotation", ""},
  };
  for (const Case& c : cases) {
    json patch = c.patch;
    patch["name"] = "Renamed";  // refused with the rest
    Answer a = Patch("/api/sequences/" + id, alice_, patch);
    EXPECT_EQ(a.status, 422) << c.patch << " " << a.body;
    EXPECT_EQ(a.code(), c.code) << c.patch;
    if (!c.field.empty()) {
      EXPECT_EQ(a.json["error"]["details"].value("field", ""), c.field) << c.patch;
    } else {
      EXPECT_TRUE(a.json["error"]["details"].contains("mailboxId")) << a.body;
    }
    EXPECT_EQ(Shown(id), before) << c.patch;
  }
  Answer bob_in = Patch("/api/sequences/" + id, alice_, {{"rotation", {bobs}}});
  EXPECT_EQ(bob_in.json["error"]["details"].value("mailboxId", ""), bobs);

  // Creating one is refused the same way, and creates nothing.
  for (const Case& c : cases) {
    Answer a = NewSequence(one, c.patch);
    EXPECT_EQ(a.status, 422) << c.patch << " " << a.body;
    EXPECT_EQ(a.code(), c.code) << c.patch;
  }
  Answer sequences = Get("/api/mailboxes/" + one + "/sequences", alice_);
  EXPECT_EQ(sequences.json["sequences"].size(), 1u);
  Answer typed = NewSequence(one, {{"schedule", "weekdays"}});
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(typed.code(), "invalid_field");
}

// ---- enrollments ----

TEST_F(LimitsRoutesTest, EnrollmentsShowTheirMailboxAndZone) {
  std::string one = CreateMailbox(alice_, "One");
  std::string plain = CreateSequence(alice_, one);
  Answer e = Post("/api/sequences/" + plain + "/enrollments", alice_,
                  {{"contactEmail", "a@b.co"}, {"mergeFields", {{"timezone", "Asia/Tokyo"}}}});
  ASSERT_EQ(e.status, 201) << e.body;
  EXPECT_EQ(e.json["mailboxId"], one);
  ASSERT_TRUE(e.json.contains("sendTimezone"));
  EXPECT_TRUE(e.json["sendTimezone"].is_null()) << "no schedule";
  EXPECT_EQ(e.json["nextRunAt"], kStartText);

  Answer created = NewSequence(one, {{"schedule", WorkingHours()}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string windowed = created.json["id"];
  std::string path = "/api/sequences/" + windowed + "/enrollments";
  Answer ny =
      Post(path, alice_,
           {{"contactEmail", "ny@b.co"}, {"mergeFields", {{"timezone", "America/New_York"}}}});
  ASSERT_EQ(ny.status, 201) << ny.body;
  EXPECT_EQ(ny.json["sendTimezone"], "America/New_York");
  EXPECT_EQ(ny.json["mailboxId"], one);
  // Friday 08:00 UTC is 03:00 in New York: the window opens at 09:00 there, 14:00 UTC.
  EXPECT_EQ(ny.json["nextRunAt"], "2027-01-15T14:00:00Z");
  Answer berlin = Post(path, alice_, {{"contactEmail", "de@b.co"}});
  ASSERT_EQ(berlin.status, 201) << berlin.body;
  EXPECT_EQ(berlin.json["sendTimezone"], "Europe/Berlin") << "the schedule's zone";
  EXPECT_EQ(berlin.json["nextRunAt"], kStartText) << "09:00 in Berlin: open";

  std::string ny_id = ny.json["id"];
  EXPECT_EQ(Get("/api/enrollments/" + ny_id, alice_).json["sendTimezone"], "America/New_York");
  Answer list = Get(path, alice_);
  ASSERT_EQ(list.json["enrollments"].size(), 2u);
  for (const json& item : list.json["enrollments"]) {
    EXPECT_EQ(item["mailboxId"], one);
    EXPECT_EQ(item["sendTimezone"],
              item["contactEmail"] == "ny@b.co" ? "America/New_York" : "Europe/Berlin");
  }

  // With contact zones, a zone that does not parse is refused, one contact at a time.
  Answer bad = Post(path, alice_,
                    {{"contactEmail", "x@b.co"}, {"mergeFields", {{"timezone", "Mars/Base"}}}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.code(), "invalid_timezone");
  Answer bulk = Post(path + "/bulk", alice_,
                     {{"contacts", json::array({{{"contactEmail", "y@b.co"}},
                                                {{"contactEmail", "z@b.co"},
                                                 {"mergeFields", {{"timezone", "Mars/Base"}}}}})}});
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.json["enrolled"], 1);
  ASSERT_EQ(bulk.json["errors"].size(), 1u);
  EXPECT_EQ(bulk.json["errors"][0]["index"], 1);
  EXPECT_EQ(bulk.json["errors"][0]["code"], "invalid_timezone");
}

TEST_F(LimitsRoutesTest, RotationSpreadsEnrollmentsOverItsMailboxes) {
  std::string one = CreateMailbox(alice_, "One"), two = CreateMailbox(alice_, "Two");
  Answer created = NewSequence(one, {{"rotation", {two}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/api/sequences/" + created.json["id"].get<std::string>() + "/enrollments";
  std::set<std::string> used;
  for (const char* email : {"a@b.co", "b@b.co", "c@b.co", "d@b.co"}) {
    Answer e = Post(path, alice_, {{"contactEmail", email}});
    ASSERT_EQ(e.status, 201) << e.body;
    used.insert(e.json["mailboxId"].get<std::string>());
  }
  EXPECT_EQ(used, (std::set<std::string>{one, two}));
}

}  // namespace
}  // namespace mailmark
