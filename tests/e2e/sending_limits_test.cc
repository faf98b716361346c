// Sending like a person, on the real server: a daily limit holds the rest for tomorrow, a
// window that opens later sends nothing now, a contact's own zone can open it, a rotation
// spreads contacts over two mailboxes, and a relay that rejects everyone pauses its mailbox.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness/server_fixture.h"
#include "harness/smtp_sink.h"

namespace mailmark::testing {
namespace {

using json = nlohmann::json;
using std::chrono::system_clock;

// "UTC+HH:MM" for an offset in minutes.
std::string FixedZone(int minutes) {
  const char sign = minutes < 0 ? '-' : '+';
  const int m = std::abs(minutes);
  char out[16];
  std::snprintf(out, sizeof out, "UTC%c%02d:%02d", sign, m / 60, m % 60);
  return out;
}

// The fixed-offset zone in which it is now `local_minute` past local midnight (to the minute).
std::string ZoneWhereItIsNow(int local_minute) {
  const auto now = system_clock::now();
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const int utc_minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(now - day).count());
  int offset = ((local_minute - utc_minute) % 1440 + 1440) % 1440;
  if (offset > 720) offset -= 1440;
  return FixedZone(offset);
}

std::int64_t ParseMillis(const std::string& rfc3339) {
  std::tm tm{};
  int ms = 0;
  std::sscanf(rfc3339.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
  if (auto dot = rfc3339.find('.'); dot != std::string::npos) ms = std::atoi(&rfc3339[dot + 1]);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             system_clock::now().time_since_epoch())
      .count();
}

class SendingLimits : public ServerFixture {
 protected:
  json PatchMailbox(const std::string& id, const json& body) {
    HttpAnswer a = server().Patch("/api/mailboxes/" + id, token(), body);
    EXPECT_EQ(a.status, 200) << a.body;
    return a.json;
  }
  json Mailbox(const std::string& id) { return server().Get("/api/mailboxes/" + id, token()).json; }
  json OneStep() { return json::array({SendStep("Hello {{firstName}}", "<p>Hi</p>")}); }

  void EnrollMany(const std::string& sequence_id, int n, const std::string& prefix) {
    json contacts = json::array();
    for (int i = 0; i < n; ++i)
      contacts.push_back({{"contactEmail", prefix + std::to_string(i) + "@example.com"}});
    HttpAnswer a = server().Post("/api/sequences/" + sequence_id + "/enrollments/bulk", token(),
                                 {{"contacts", contacts}});
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(a.json["enrolled"], n) << a.body;
  }
  json Enrollments(const std::string& sequence_id, const std::string& status = "") {
    std::string path = "/api/sequences/" + sequence_id + "/enrollments?limit=1000";
    if (!status.empty()) path += "&status=" + status;
    return server().Get(path, token()).json["enrollments"];
  }
};

TEST_F(SendingLimits, ALimitOfThreeSendsThreeAndHoldsFiveForTheNextDay) {
  std::string mailbox = CreateMailbox(token());
  json patched = PatchMailbox(mailbox, {{"dailyLimit", 3}, {"timezone", "UTC"}});
  ASSERT_EQ(patched["dailyLimit"], 3);
  json seq = CreateSequence(token(), mailbox, OneStep());
  EnrollMany(seq["id"], 8, "held");

  ASSERT_TRUE(WaitForOutbox(mailbox, 3));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(OutboxCount(mailbox), 3u);  // and no more

  json m = Mailbox(mailbox);
  EXPECT_EQ(m["sentToday"], 3);
  const std::string resets = m["limitResetsAt"];
  const std::int64_t midnight =
      (NowMillis() / 86'400'000 + 1) * 86'400'000;  // the next UTC midnight
  EXPECT_EQ(ParseMillis(resets), midnight) << resets;
  json held = Enrollments(seq["id"], "active");
  ASSERT_EQ(held.size(), 5u);
  for (const json& e : held) EXPECT_EQ(e["nextRunAt"], resets) << e.dump();
  EXPECT_EQ(Enrollments(seq["id"], "completed").size(), 3u);
}

TEST_F(SendingLimits, AWindowThatOpensInTwoHoursSendsNothingNowAndShowsTheOpening) {
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(token(), mailbox, OneStep());
  // It is 07:00 in this zone: a 09:00–17:00 window opens in two hours.
  const std::string zone = ZoneWhereItIsNow(7 * 60);
  json schedule = {{"timezone", zone},
                   {"days", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}},
                   {"from", "09:00"},
                   {"to", "17:00"},
                   {"useContactTimezone", true}};
  HttpAnswer p = server().Patch("/api/sequences/" + seq["id"].get<std::string>(), token(),
                                {{"schedule", schedule}});
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json["schedule"]["timezone"], zone);

  const std::int64_t enrolled_at = NowMillis();
  HttpAnswer later = Enroll(token(), seq["id"], "later@example.com");
  ASSERT_EQ(later.status, 201) << later.body;
  const std::int64_t opens = ParseMillis(later.json["nextRunAt"]);
  EXPECT_GT(opens, enrolled_at + 2 * 3'600'000 - 2 * 60'000);
  EXPECT_LE(opens, enrolled_at + 2 * 3'600'000);

  // A contact for whom it is noon in its own zone is inside the window: sent at once.
  HttpAnswer now =
      Enroll(token(), seq["id"], "noon@example.com", {{"timezone", ZoneWhereItIsNow(12 * 60)}});
  ASSERT_EQ(now.status, 201) << now.body;
  ASSERT_TRUE(WaitForOutbox(mailbox, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(OutboxCount(mailbox), 1u);
  EXPECT_EQ(Enrollment(token(), now.json["id"])["status"], "completed");
  json waiting = Enrollment(token(), later.json["id"]);
  EXPECT_EQ(waiting["status"], "active");
  EXPECT_EQ(waiting["nextRunAt"], later.json["nextRunAt"]);
  EXPECT_TRUE(waiting["messages"].empty());

  // A contact zone that is not a time zone is refused, and nothing is enrolled.
  HttpAnswer bad = Enroll(token(), seq["id"], "bad@example.com", {{"timezone", "Mars/Base"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json["error"]["code"], "invalid_timezone");
}

TEST_F(SendingLimits, ARotationOfTwoMailboxesWithALimitOfTwoSendsTwoFromEach) {
  std::string a = CreateMailbox(token(), "A");
  std::string b = CreateMailbox(token(), "B");
  PatchMailbox(a, {{"dailyLimit", 2}});
  PatchMailbox(b, {{"dailyLimit", 2}});
  json seq = CreateSequence(token(), a, OneStep());
  HttpAnswer p = server().Patch("/api/sequences/" + seq["id"].get<std::string>(), token(),
                                {{"rotation", {b}}});
  ASSERT_EQ(p.status, 200) << p.body;
  EnrollMany(seq["id"], 6, "rot");

  ASSERT_TRUE(WaitForOutbox(a, 2));
  ASSERT_TRUE(WaitForOutbox(b, 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(OutboxCount(a), 2u);
  EXPECT_EQ(OutboxCount(b), 2u);
  int from_a = 0, from_b = 0;
  for (const json& e : Enrollments(seq["id"])) {
    if (e["mailboxId"] == a) ++from_a;
    if (e["mailboxId"] == b) ++from_b;
  }
  EXPECT_EQ(from_a, 3);
  EXPECT_EQ(from_b, 3);
  EXPECT_EQ(Enrollments(seq["id"], "active").size(), 2u);
  EXPECT_EQ(Mailbox(a)["sentToday"], 2);
  EXPECT_EQ(Mailbox(b)["sentToday"], 2);
}

TEST_F(SendingLimits, AMailboxWhoseRelayRejectsEveryRecipientPausesItselfAtTheThreshold) {
  MM_SKIP_OR_FAIL_IF_MISSING(SmtpSink::Missing());
  SmtpSink sink(SmtpSinkOptions{.hard_reject = {"RCPT"}});
  HttpAnswer created = server().Post(
      "/api/mailboxes", token(),
      {{"name", "Relay"},
       {"fromName", "Sender"},
       {"fromEmail", "sender@sender.test"},
       {"transport",
        {{"type", "smtp"}, {"host", "127.0.0.1"}, {"port", sink.port()}, {"tls", "none"}}},
       {"bounceProtection", {{"maxPercent", 50}, {"overLast", 4}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string mailbox = created.json["id"];
  json seq = CreateSequence(token(), mailbox, OneStep());
  EnrollMany(seq["id"], 20, "dead");

  ASSERT_TRUE(Eventually([&] { return Mailbox(mailbox)["status"] == "paused"; }));
  json m = Mailbox(mailbox);
  EXPECT_EQ(m["pausedReason"], "bounce_rate");
  EXPECT_EQ(m["bounceFigures"]["sends"], 4);
  EXPECT_EQ(m["bounceFigures"]["bounced"], 4);
  // Judged at the fourth send; at most two more went out before the batch stopped.
  auto bounced = [&] { return Enrollments(seq["id"], "bounced").size(); };
  const std::size_t at_pause = bounced();
  EXPECT_GE(at_pause, 4u);
  EXPECT_LE(at_pause, 6u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(bounced(), at_pause);  // and nothing more
  EXPECT_EQ(Enrollments(seq["id"], "active").size(), 20u - at_pause);

  // Resumed by hand, it sends again, judged afresh.
  HttpAnswer resumed =
      server().Post("/api/mailboxes/" + mailbox + "/resume", token(), json::object());
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(resumed.json["status"], "active");
  ASSERT_TRUE(Eventually([&] { return Mailbox(mailbox)["status"] == "paused"; }));
  EXPECT_LE(bounced(), at_pause + 6);
}

}  // namespace
}  // namespace mailmark::testing
