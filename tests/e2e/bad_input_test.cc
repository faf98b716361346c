// Bad input gets a clear JSON error, changes nothing, and never takes the server down.
#include <gtest/gtest.h>

#include "harness/server_fixture.h"

namespace mailmark::testing {
namespace {

using json = nlohmann::json;

class BadInput : public ServerFixture {
 protected:
  void ExpectError(const HttpAnswer& a, int status, const std::string& code) {
    EXPECT_EQ(a.status, status) << a.body;
    ASSERT_TRUE(a.json.is_object()) << a.body;
    EXPECT_EQ(a.json["error"]["code"], code) << a.body;
    EXPECT_TRUE(a.json["error"]["message"].is_string());
  }
};

TEST_F(BadInput, MalformedJsonAndWrongTypesAreRefused) {
  std::string mailbox = CreateMailbox(token());
  std::string seqs = "/api/mailboxes/" + mailbox + "/sequences";
  for (const char* body :
       {"{", "[]", "null", "{\"name\":", "\xff\xfe", "{\"name\": \"x\", \"steps\": 5}"}) {
    HttpAnswer a = server().PostRaw(seqs, token(), body, "application/json");
    EXPECT_GE(a.status, 400) << body;
    EXPECT_LT(a.status, 500) << body;
    EXPECT_TRUE(a.json.is_object() && a.json.contains("error")) << body << " → " << a.body;
  }
  ExpectError(server().PostRaw(seqs, token(), "{", "application/json"), 400, "invalid_json");
  HttpAnswer bad_delay = server().Post(
      seqs, token(),
      {{"name", "x"},
       {"steps", {SendStep("a", "<p>b</p>"), {{"type", "delay"}, {"delayMs", "soon"}}}}});
  EXPECT_TRUE(bad_delay.status == 400 || bad_delay.status == 422) << bad_delay.body;
  HttpAnswer fractional = server().Post(
      seqs, token(),
      {{"name", "x"},
       {"steps", {SendStep("a", "<p>b</p>"), {{"type", "delay"}, {"delayMs", 1.5}}}}});
  EXPECT_TRUE(fractional.status == 400 || fractional.status == 422) << fractional.body;
  HttpAnswer no_html = server().Post(
      seqs, token(), {{"name", "x"}, {"steps", {{{"type", "send_email"}, {"subject", "s"}}}}});
  EXPECT_EQ(no_html.status, 422) << no_html.body;
  HttpAnswer unknown_type =
      server().Post(seqs, token(), {{"name", "x"}, {"steps", {{{"type", "sms"}}}}});
  EXPECT_TRUE(unknown_type.status == 400 || unknown_type.status == 422) << unknown_type.body;
  EXPECT_EQ(server().Get(seqs, token()).json["sequences"].size(), 0u) << "nothing was created";

  HttpAnswer bad_email = server().Post("/api/mailboxes", token(),
                                       {{"name", "m"}, {"fromName", "x"}, {"fromEmail", "nope"}});
  EXPECT_EQ(bad_email.status, 422) << bad_email.body;
  EXPECT_EQ(server().Get("/api/mailboxes", token()).json["mailboxes"].size(), 1u);
  EXPECT_EQ(server().Get("/api/health", "").status, 200);
}

TEST_F(BadInput, BadEnrollmentsAreRefusedAndChangeNothing) {
  std::string mailbox = CreateMailbox(token());
  json seq =
      CreateSequence(token(), mailbox,
                     {SendStep("a", "<p>b</p>"), DelayStep(3'600'000), SendStep("", "<p>c</p>")});
  std::string base = "/api/sequences/" + seq["id"].get<std::string>();
  ExpectError(Enroll(token(), seq["id"], "not an email"), 422, "invalid_email");
  EXPECT_EQ(
      server().Post(base + "/enrollments", token(), {{"mergeFields", {{"a", "b"}}}}).status / 100,
      4);
  EXPECT_EQ(server()
                .Post(base + "/enrollments", token(),
                      {{"contactEmail", "x@acme.test"}, {"mergeFields", {{"nested", {{"a", 1}}}}}})
                .status,
            422);
  EXPECT_EQ(server().Post(base + "/enrollments", token(), {{"contactEmail", 42}}).status / 100, 4);
  EXPECT_EQ(Sequence(token(), seq["id"])["counts"]["active"], 0);

  HttpAnswer bulk = server().Post(base + "/enrollments/bulk", token(),
                                  {{"contacts",
                                    {{{"contactEmail", "ok@acme.test"}},
                                     {{"contactEmail", "bad"}},
                                     {{"contactEmail", "OK@acme.test"}}}}});
  ASSERT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(bulk.json["enrolled"], 1);
  ASSERT_EQ(bulk.json["errors"].size(), 2u);
  EXPECT_EQ(bulk.json["errors"][0]["index"], 1);
  EXPECT_EQ(bulk.json["errors"][1]["index"], 2);
  EXPECT_EQ(Sequence(token(), seq["id"])["counts"]["active"], 1);
}

TEST_F(BadInput, MalformedCsvIsRefusedAndEnrollsNothing) {
  std::string mailbox = CreateMailbox(token());
  json seq = CreateSequence(token(), mailbox, json::array({SendStep("a", "<p>b</p>")}));
  std::string path = "/api/sequences/" + seq["id"].get<std::string>() + "/enrollments/import";
  HttpAnswer no_email = server().PostRaw(path, token(), "name,company\nann,acme\n", "text/csv");
  EXPECT_EQ(no_email.status, 422) << no_email.body;
  EXPECT_EQ(no_email.json["error"]["code"], "csv_no_email_column");
  HttpAnswer bad_quote =
      server().PostRaw(path, token(), "email,name\n\"ann@acme.test,Ann\n", "text/csv");
  EXPECT_EQ(bad_quote.status, 400) << bad_quote.body;
  HttpAnswer wrong_type =
      server().PostRaw(path, token(), "email\nann@acme.test\n", "application/json");
  EXPECT_GE(wrong_type.status, 400);
  EXPECT_LT(wrong_type.status, 500);
  EXPECT_EQ(Sequence(token(), seq["id"])["counts"]["active"], 0);
  EXPECT_EQ(Sequence(token(), seq["id"])["counts"]["completed"], 0);
}

TEST_F(BadInput, OversizedBodiesAre413AndUnknownRoutesAre404) {
  std::string huge(9 << 20, 'x');
  HttpAnswer a = server().PostRaw("/api/mailboxes", token(), "{\"name\":\"" + huge + "\"}",
                                  "application/json");
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(server().Get("/api/mailboxes", token()).json["mailboxes"].size(), 0u);
  HttpAnswer unknown = server().Get("/api/nothing-here", token());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(unknown.json.is_object());
  EXPECT_EQ(server().Get("/api/enrollments/enr_missing", token()).status, 404);
  EXPECT_EQ(server().Get("/api/sequences/x/enrollments?status=bogus", token()).status / 100, 4);
  EXPECT_EQ(server().Get("/api/health", "").status, 200);
}

}  // namespace
}  // namespace mailmark::testing
