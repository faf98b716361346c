// The API additions the web UI reads: a sequence's per-step figures, the enrollment search,
// and a captured outbox message as JSON.
#include "api/api_test_fixture.h"
#include "mail/message_builder.h"
#include "mail/outbox_transport.h"

namespace mailmark {
namespace {

using nlohmann::json;

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += "%" + std::string(1, "0123456789ABCDEF"[c >> 4]) + "0123456789ABCDEF"[c & 15];
    }
  }
  return out;
}

class UiRoutesTest : public ApiTest {
 protected:
  // Sends `step` to every enrollment due now, as the scheduler would, through the store.
  void SendDue(const Id& step) {
    Timestamp now = clock_->Now();
    for (const ClaimedEnrollment& c : store_->ClaimDue(now, "test", now + Duration{60'000}, 100)) {
      SendStart start{c.enrollment.id, step, "<" + RandomHex(8) + "@example.com>", "Hi", {}};
      auto begun = store_->BeginSends("test", {start}, now);
      ASSERT_TRUE(begun.size() == 1 && begun[0]);
      StepOutcome o;
      o.enrollment_id = c.enrollment.id;
      o.ran_step_id = step;
      o.message = begun[0]->id;
      o.message_state = MessageState::kSent;
      store_->RecordOutcomes("test", {o}, now);
    }
  }

  std::vector<std::string> Emails(const std::string& sequence, const std::string& query) {
    Answer a = Get("/api/sequences/" + sequence + "/enrollments?" + query, alice_);
    EXPECT_EQ(a.status, 200) << query << " " << a.body;
    std::vector<std::string> out;
    for (const json& e : a.json["enrollments"]) out.push_back(e["contactEmail"]);
    return out;
  }
};

// ---- stepStats ----

TEST_F(UiRoutesTest, SingleSequenceAnswersCarryPerStepFigures) {
  std::string mailbox = CreateMailbox(alice_);
  Answer created = Post("/api/mailboxes/" + mailbox + "/sequences", alice_,
                        {{"name", "Outreach"}, {"steps", ThreeSteps()}});
  ASSERT_EQ(created.status, 201);
  std::string id = created.json["id"];
  std::string s1 = created.json["steps"][0]["id"], s2 = created.json["steps"][2]["id"];
  EXPECT_FALSE(created.json.contains("stepStats")) << "a new sequence answers the list form";
  json zeros = json::array({{{"stepId", s1}, {"sent", 0}, {"replied", 0}, {"bounced", 0}},
                            {{"stepId", s2}, {"sent", 0}, {"replied", 0}, {"bounced", 0}}});
  EXPECT_EQ(Get("/api/sequences/" + id, alice_).json["stepStats"], zeros);

  std::string carol;
  for (std::string email : {"bob@x.co", "carol@x.co", "dave@x.co"}) {
    Answer e = Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", email}});
    ASSERT_EQ(e.status, 201);
    if (email == "carol@x.co") carol = e.json["id"];
  }
  SendDue(s1);
  ASSERT_EQ(Post("/api/enrollments/" + carol + "/replied", alice_).status, 200);

  json expected = json::array({{{"stepId", s1}, {"sent", 3}, {"replied", 1}, {"bounced", 0}},
                               {{"stepId", s2}, {"sent", 0}, {"replied", 0}, {"bounced", 0}}});
  Answer got = Get("/api/sequences/" + id, alice_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json["stepStats"], expected);
  EXPECT_EQ(got.json["counts"]["replied"], 1);
  for (const char* action : {"pause", "resume"}) {
    Answer a = Post("/api/sequences/" + id + "/" + action, alice_);
    ASSERT_EQ(a.status, 200) << action;
    EXPECT_EQ(a.json["stepStats"], expected) << action;
  }
  Answer renamed = Patch("/api/sequences/" + id, alice_, {{"name", "Renamed"}});
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(renamed.json["stepStats"], expected);
  Answer done = Post("/api/sequences/" + id + "/complete", alice_);
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.json["stepStats"], expected);
  // The list keeps its lighter form.
  Answer list = Get("/api/mailboxes/" + mailbox + "/sequences", alice_);
  ASSERT_EQ(list.json["sequences"].size(), 1u);
  EXPECT_FALSE(list.json["sequences"][0].contains("stepStats"));
}

// ---- enrollment search ----

TEST_F(UiRoutesTest, EnrollmentSearchByAPieceOfTheAddress) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  json contacts = json::array();
  for (const char* email :
       {"a_b@x.co", "axb@x.co", "a%b@x.co", "Carol@Example.com", "dave@y.co", "erin@example.org"})
    contacts.push_back({{"contactEmail", email}});
  ASSERT_EQ(Post("/api/sequences/" + id + "/enrollments/bulk", alice_, {{"contacts", contacts}})
                .json["enrolled"],
            6);
  using V = std::vector<std::string>;
  EXPECT_EQ(Emails(id, "email=_"), V({"a_b@x.co"}));
  EXPECT_EQ(Emails(id, "email=%25"), V({"a%b@x.co"}));
  EXPECT_EQ(Emails(id, "email=A" + UrlEncode("%") + "B"), V({"a%b@x.co"}));
  EXPECT_EQ(Emails(id, "email=EXAMPLE"), V({"carol@example.com", "erin@example.org"}));
  EXPECT_EQ(Emails(id, "email=nobody"), V());
  EXPECT_EQ(Emails(id, "email=").size(), 6u) << "empty is no filter";

  // With status=, and page by page.
  std::string erin =
      Get("/api/sequences/" + id + "/enrollments?email=erin", alice_).json["enrollments"][0]["id"];
  ASSERT_EQ(Post("/api/enrollments/" + erin + "/cancel", alice_).status, 200);
  EXPECT_EQ(Emails(id, "email=example&status=active"), V({"carol@example.com"}));
  EXPECT_EQ(Emails(id, "status=cancelled&email=EXAMPLE"), V({"erin@example.org"}));
  V paged;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string q = "email=x.co&limit=1";
    if (!cursor.empty()) q += "&cursor=" + UrlEncode(cursor);
    Answer a = Get("/api/sequences/" + id + "/enrollments?" + q, alice_);
    ASSERT_EQ(a.status, 200);
    ASSERT_LE(a.json["enrollments"].size(), 1u);
    for (const json& e : a.json["enrollments"]) paged.push_back(e["contactEmail"]);
    if (a.json["nextCursor"].is_null()) break;
    cursor = a.json["nextCursor"];
  }
  EXPECT_EQ(paged, V({"a_b@x.co", "axb@x.co", "a%b@x.co"}));
}

TEST_F(UiRoutesTest, EnrollmentSearchRefusesWhatNoAddressCouldMatch) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  std::string path = "/api/sequences/" + id + "/enrollments?email=";
  EXPECT_EQ(Get(path + std::string(320, 'a'), alice_).status, 200);
  // 320 characters, more bytes: still fine.
  std::string e_acute = "%C3%A9";
  std::string long_utf8;
  for (int i = 0; i < 320; ++i) long_utf8 += e_acute;
  EXPECT_EQ(Get(path + long_utf8, alice_).status, 200);
  for (const std::string& bad : {std::string(321, 'a'), long_utf8 + "a", std::string("%FF%FE")}) {
    Answer a = Get(path + bad, alice_);
    EXPECT_EQ(a.status, 400) << bad;
    EXPECT_EQ(a.code(), "invalid_field") << bad;
    EXPECT_EQ(a.json["error"]["details"]["field"], "email") << bad;
  }
  EXPECT_EQ(Get("/api/sequences/" + id + "/enrollments?email=a&status=nope", alice_).code(),
            "invalid_status");
  EXPECT_EQ(Get("/api/sequences/seq_none/enrollments?email=a", alice_).code(),
            "sequence_not_found");
}

// ---- outbox message as JSON ----

TEST_F(UiRoutesTest, OutboxMessageAsJson) {
  std::string mailbox = CreateMailbox(alice_);
  MessageInput in;
  in.from_name = "Ann Ötzi";
  in.from_email = "ann@example.com";
  in.to_email = "bob@x.co";
  in.subject = "Grüße, Bob";
  in.html = "<p>Hello</p>";
  in.message_id = "<m1@example.com>";
  in.date = FromMillis(1'795'000'000'000);
  OutboxTransport outbox(dir_ / "outbox" / mailbox);
  std::vector<OutgoingMessage> batch = {
      {in.message_id, in.from_email, in.to_email, BuildMessage(in)}};
  auto sent = outbox.SendBatch(batch);
  ASSERT_EQ(sent.at(0).status, SendStatus::kSent) << sent.at(0).response;

  std::string path = "/api/mailboxes/" + mailbox + "/outbox/" + UrlEncode(in.message_id);
  Answer a = Get(path + "?format=json", alice_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(a.Header("Cache-Control"), "no-store");
  EXPECT_EQ(a.json["messageId"], "<m1@example.com>");
  EXPECT_EQ(a.json["from"], "Ann Ötzi <ann@example.com>");
  EXPECT_EQ(a.json["to"], "bob@x.co");
  EXPECT_EQ(a.json["subject"], "Grüße, Bob");
  EXPECT_EQ(a.json["date"], FormatRfc3339(in.date));
  EXPECT_EQ(a.json["text"], "Hello");
  EXPECT_NE(a.json["html"].get<std::string>().find("<p>Hello</p>"), std::string::npos);
  ASSERT_TRUE(a.json["headers"].is_array());
  EXPECT_EQ(a.json["headers"][0].size(), 2u);
  EXPECT_TRUE(a.json["headers"][0].contains("name"));
  EXPECT_TRUE(a.json["headers"][0].contains("value"));

  Answer raw = Get(path, alice_);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.Header("Content-Type"), "message/rfc822");
  EXPECT_EQ(Get(path + "?format=raw", alice_).body, raw.body);
  for (const char* format : {"xml", "", "JSON"}) {
    Answer bad = Get(path + "?format=" + format, alice_);
    EXPECT_EQ(bad.status, 400) << format;
    EXPECT_EQ(bad.code(), "invalid_field") << format;
    EXPECT_EQ(bad.json["error"]["details"]["field"], "format") << format;
  }
  EXPECT_EQ(Get("/api/mailboxes/" + mailbox + "/outbox/%3Cnone%40x%3E?format=json", alice_).code(),
            "message_not_found");
  EXPECT_EQ(Get(path + "?format=json", bob_).code(), "mailbox_not_found");
}

}  // namespace
}  // namespace mailmark
