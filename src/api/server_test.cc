#include <regex>
#include <set>

#include "api/api_test_fixture.h"
#include "api/json_mapping.h"
#include "api/routes.h"
#include "mail/outbox_transport.h"

namespace mailmark {
namespace {

using nlohmann::json;

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += "%" + std::string(1, "0123456789ABCDEF"[c >> 4]) + "0123456789ABCDEF"[c & 15];
    }
  }
  return out;
}

// ---- basics ----

TEST_F(ApiTest, HealthIsPublicWithApiHeaders) {
  Answer a = Get("/api/health", "");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.json, json({{"status", "ok"}}));
  EXPECT_EQ(a.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(a.Header("Cache-Control"), "no-store");
}

TEST_F(ApiTest, UnknownRoutesAnd405) {
  Answer a = Get("/api/nope", alice_);
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.code(), "route_not_found");
  Answer b = Send("POST", "/api/nope", "", std::string(1000, 'x'));
  EXPECT_EQ(b.status, 404);
  EXPECT_EQ(b.code(), "route_not_found");
  Answer c = Send("PUT", "/api/mailboxes", alice_, "{}");
  EXPECT_EQ(c.status, 405);
  EXPECT_EQ(c.code(), "method_not_allowed");
  EXPECT_EQ(c.Header("Allow"), "POST, GET");
  Answer d = Send("DELETE", "/api/sequences/x/pause", alice_);
  EXPECT_EQ(d.status, 405);
  EXPECT_EQ(d.json["error"]["details"]["allowed"], json::array({"POST"}));
  EXPECT_EQ(Get("/elsewhere", "").status, 404);
}

TEST_F(ApiTest, OpenApiDescribesEveryRouteAndNothingElse) {
  Answer a = Get("/api/openapi.json", "");
  ASSERT_EQ(a.status, 200);
  const json& paths = a.json["paths"];
  EXPECT_EQ(a.json["openapi"].get<std::string>().substr(0, 2), "3.");
  ApiContext ctx{*store_, *clock_, nullptr, nullptr, options_};
  std::set<std::pair<std::string, std::string>> routes;
  for (const Route& r : AllRoutes(ctx)) {
    std::string path = std::regex_replace(r.path, std::regex("\\*\\}"), "}");
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(ch));
    routes.emplace(path, method);
    ASSERT_TRUE(paths.contains(path)) << path;
    ASSERT_TRUE(paths[path].contains(method)) << r.method << " " << path;
    const json& op = paths[path][method];
    EXPECT_TRUE(op.contains("responses"));
    EXPECT_TRUE(op.contains("summary"));
    EXPECT_EQ(op.contains("requestBody"), r.body != BodyKind::kNone) << r.method << " " << path;
    EXPECT_EQ(op.contains("security") && op["security"].empty(), r.access == Access::kPublic)
        << r.method << " " << path;
    // Every {parameter} of the path is declared.
    std::smatch m;
    std::string rest = path;
    while (std::regex_search(rest, m, std::regex("\\{([^}]+)\\}"))) {
      bool declared = false;
      for (const json& p : op.value("parameters", json::array())) {
        declared |= p["name"] == m[1].str() && p["in"] == "path";
      }
      EXPECT_TRUE(declared) << m[1] << " in " << path;
      rest = m.suffix();
    }
  }
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(routes.contains({path, method}))
          << "documented but not served: " << method << " " << path;
    }
  }
  // Every $ref resolves.
  std::string text = a.json.dump();
  std::regex ref("#/components/schemas/([A-Za-z]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator();
       ++it) {
    EXPECT_TRUE(a.json["components"]["schemas"].contains((*it)[1].str())) << (*it)[1];
  }
}

// ---- auth ----

TEST_F(ApiTest, EveryPrivateRouteNeedsACredential) {
  ApiContext ctx{*store_, *clock_, nullptr, nullptr, options_};
  for (const Route& r : AllRoutes(ctx)) {
    if (r.access == Access::kPublic) continue;
    std::string path = std::regex_replace(r.path, std::regex("\\{[^}]+\\}"), "x");
    std::optional<std::string> body;
    if (r.body != BodyKind::kNone) body = "{}";
    Answer none = Send(r.method, path, "", body);
    EXPECT_EQ(none.status, 401) << r.method << " " << path;
    EXPECT_EQ(none.code(), "unauthorized") << r.method << " " << path;
    EXPECT_EQ(none.Header("WWW-Authenticate").rfind("Bearer", 0), 0u);
    Answer bad = Send(r.method, path, "mm_not-a-real-token", body);
    EXPECT_EQ(bad.status, 401) << r.method << " " << path;
  }
  EXPECT_EQ(
      Send("GET", "/api/mailboxes", "", std::nullopt, "", {{"Authorization", "Basic YWxpY2U6cHc="}})
          .status,
      401);
  EXPECT_EQ(
      Send("GET", "/api/mailboxes", "", std::nullopt, "", {{"Authorization", "Bearer "}}).status,
      401);
  EXPECT_EQ(
      Send("GET", "/api/mailboxes", "", std::nullopt, "", {{"Authorization", "bearer " + alice_}})
          .status,
      200);
  EXPECT_EQ(Get("/api/mailboxes", std::string(5000, 'a')).status, 401);
}

TEST_F(ApiTest, SessionCookieLogin) {
  Result<std::string> hash = HashPassword("s3cret!");
  ASSERT_TRUE(hash.ok());
  Id carol_id;
  MakeUser("carol", &carol_id, *hash);
  std::string mailbox = CreateMailbox(alice_);

  Answer wrong = Post("/api/session", "", {{"username", "carol"}, {"password", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code(), "invalid_credentials");
  Answer ghost = Post("/api/session", "", {{"username", "ghost"}, {"password", "nope"}});
  EXPECT_EQ(ghost.status, 401);
  EXPECT_EQ(ghost.json["error"]["message"], wrong.json["error"]["message"]);
  Answer passwordless = Post("/api/session", "", {{"username", "alice"}, {"password", ""}});
  EXPECT_EQ(passwordless.status, 401);
  EXPECT_EQ(Post("/api/session", "", {{"username", "carol"}}).code(), "missing_field");

  Answer ok = Post("/api/session", "", {{"username", "carol"}, {"password", "s3cret!"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["name"], "carol");
  EXPECT_EQ(ok.json["id"], carol_id);
  std::string set_cookie = ok.Header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(set_cookie, m, std::regex("mm_session=([^;]+)")));
  httplib::Headers cookie = {{"Cookie", "theme=dark; mm_session=" + m[1].str()}};

  Answer me = Send("GET", "/api/session", "", std::nullopt, "", cookie);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json["name"], "carol");
  Answer boxes = Send("GET", "/api/mailboxes", "", std::nullopt, "", cookie);
  EXPECT_EQ(boxes.status, 200);
  EXPECT_TRUE(boxes.json["mailboxes"].empty()) << "alice's mailbox is not carol's";
  EXPECT_EQ(Send("GET", "/api/mailboxes/" + mailbox, "", std::nullopt, "", cookie).status, 404);
  // A cookie caller must send JSON as JSON (a cross-site form cannot).
  Answer form = Send("POST", "/api/mailboxes", "", R"({"name":"x","fromEmail":"a@b.co"})",
                     "text/plain", cookie);
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(form.code(), "unsupported_media_type");
  Answer created = Send("POST", "/api/mailboxes", "", R"({"name":"x","fromEmail":"a@b.co"})",
                        "application/json", cookie);
  EXPECT_EQ(created.status, 201);
  // A wrong bearer token is not rescued by a good cookie.
  httplib::Headers both = cookie;
  both.emplace("Authorization", "Bearer mm_wrong");
  EXPECT_EQ(Send("GET", "/api/session", "", std::nullopt, "", both).status, 401);

  Answer out = Send("DELETE", "/api/session", "", std::nullopt, "", cookie);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send("GET", "/api/session", "", std::nullopt, "", cookie).status, 401);

  // Sessions expire.
  Answer again = Post("/api/session", "", {{"username", "carol"}, {"password", "s3cret!"}});
  std::string set2 = again.Header("Set-Cookie");
  ASSERT_TRUE(std::regex_search(set2, m, std::regex("mm_session=([^;]+)")));
  httplib::Headers cookie2 = {{"Cookie", "mm_session=" + m[1].str()}};
  EXPECT_EQ(Send("GET", "/api/session", "", std::nullopt, "", cookie2).status, 200);
  clock_->Advance(std::chrono::days(31));
  EXPECT_EQ(Send("GET", "/api/session", "", std::nullopt, "", cookie2).status, 401);
}

// Every route, given ids that belong to alice, answers bob exactly as if they did not exist.
TEST_F(ApiTest, AnotherOwnersIdsAre404EverywhereExactlyLikeMissingOnes) {
  std::string mailbox = CreateMailbox(alice_);
  std::string sequence = CreateSequence(alice_, mailbox);
  Answer enrolled =
      Post("/api/sequences/" + sequence + "/enrollments", alice_, {{"contactEmail", "x@y.co"}});
  ASSERT_EQ(enrolled.status, 201);
  std::string enrollment = enrolled.json["id"];

  ApiContext ctx{*store_, *clock_, nullptr, nullptr, options_};
  int checked = 0;
  for (const Route& r : AllRoutes(ctx)) {
    if (r.access == Access::kPublic || r.path.find('{') == std::string::npos) continue;
    auto fill = [&](const std::string& id) {
      std::string p = std::regex_replace(r.path, std::regex("\\{messageId\\*\\}"), "<m@x>");
      return std::regex_replace(p, std::regex("\\{id\\}"), id);
    };
    std::string real_id = r.path.starts_with("/api/mailboxes")   ? mailbox
                          : r.path.starts_with("/api/sequences") ? sequence
                                                                 : enrollment;
    std::optional<std::string> body;
    std::string type = "application/json";
    if (r.body == BodyKind::kJson) body = R"({"name":"n","contactEmail":"q@y.co","contacts":[]})";
    if (r.body == BodyKind::kStream) {
      body = "email\nq@y.co\n";
      type = "text/csv";
    }
    Answer theirs = Send(r.method, fill(real_id), bob_, body, type);
    Answer missing = Send(r.method, fill(real_id + "0"), bob_, body, type);
    EXPECT_EQ(theirs.status, 404) << r.method << " " << r.path << " " << theirs.body;
    EXPECT_EQ(theirs.json, missing.json) << r.method << " " << r.path;
    ++checked;
  }
  EXPECT_GE(checked, 18);
  // Nothing of alice's changed.
  Answer seq = Get("/api/sequences/" + sequence, alice_);
  EXPECT_EQ(seq.json["status"], "active");
  EXPECT_EQ(seq.json["name"], "Outreach");
  EXPECT_EQ(seq.json["counts"]["active"], 1);
  EXPECT_EQ(Get("/api/enrollments/" + enrollment, alice_).json["status"], "active");
  EXPECT_EQ(Get("/api/mailboxes/" + mailbox, alice_).status, 200);
  EXPECT_TRUE(Get("/api/mailboxes", bob_).json["mailboxes"].empty());
}

// ---- mailboxes ----

TEST_F(ApiTest, MailboxLifecycle) {
  Answer created = Post("/api/mailboxes", alice_,
                        {{"name", "Sales"},
                         {"fromName", "Ann"},
                         {"fromEmail", "Ann@Example.com"},
                         {"transport",
                          {{"type", "smtp"},
                           {"host", "smtp.example.com"},
                           {"port", 587},
                           {"tls", "starttls"},
                           {"username", "ann"},
                           {"password", "pw1"}}},
                         {"dailyLimit", 200}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json["id"];
  EXPECT_EQ(created.json["fromEmail"], "ann@example.com");
  EXPECT_EQ(created.json["transport"]["hasPassword"], true);
  EXPECT_EQ(created.body.find("pw1"), std::string::npos);
  EXPECT_EQ(created.json["dailyLimit"], 200);
  EXPECT_EQ(created.json["createdAt"], "2027-01-15T08:00:00Z");

  Answer list = Get("/api/mailboxes", alice_);
  ASSERT_EQ(list.json["mailboxes"].size(), 1u);
  EXPECT_EQ(list.json["mailboxes"][0]["id"], id);
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json, created.json);

  clock_->Advance(std::chrono::seconds(5));
  Answer patched =
      Patch("/api/mailboxes/" + id, alice_,
            {{"name", "Sales EU"},
             {"transport", {{"type", "smtp"}, {"host", "smtp2"}, {"port", 465}, {"tls", "tls"}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json["name"], "Sales EU");
  EXPECT_EQ(patched.json["fromEmail"], "ann@example.com");
  EXPECT_EQ(patched.json["transport"]["host"], "smtp2");
  EXPECT_EQ(patched.json["transport"]["hasPassword"], true) << "omitted password is kept";
  EXPECT_EQ(patched.json["updatedAt"], "2027-01-15T08:00:05Z");
  std::optional<Mailbox> stored = store_->GetMailbox(id);
  ASSERT_TRUE(stored && stored->smtp);
  EXPECT_EQ(stored->smtp->password, "pw1");

  Answer bad = Patch("/api/mailboxes/" + id, alice_, {{"transport", {{"type", "smtp"}}}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Get("/api/mailboxes/" + id, alice_).json["transport"]["host"], "smtp2");

  EXPECT_EQ(Delete("/api/mailboxes/" + id, alice_).status, 204);
  Answer gone = Get("/api/mailboxes/" + id, alice_);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.code(), "mailbox_not_found");
}

TEST_F(ApiTest, MailboxValidation) {
  struct Case {
    json body;
    int status;
    std::string code;
    std::string field;
  };
  json base = {{"name", "S"}, {"fromEmail", "a@b.co"}};
  auto with = [&](const std::string& key, json value) {
    json b = base;
    b[key] = std::move(value);
    return b;
  };
  std::vector<Case> cases = {
      {{{"fromEmail", "a@b.co"}}, 422, "missing_field", "name"},
      {{{"name", "S"}}, 422, "missing_field", "fromEmail"},
      {with("fromEmail", "a@"), 422, "invalid_email", "fromEmail"},
      {with("name", 42), 400, "invalid_field", "name"},
      {with("transport", "smtp"), 400, "invalid_field", "transport"},
      {with("transport", {{"type", "smtp"}, {"host", "h"}, {"port", 0}}), 422, "invalid_port",
       "transport.port"},
      {with("transport", {{"type", "smtp"}, {"host", "h"}, {"port", "25"}}), 400, "invalid_field",
       "transport.port"},
      {with("transport", {{"type", "smtp"}, {"host", "h"}, {"port", 25}, {"tls", "ssl"}}), 422,
       "invalid_tls", "transport.tls"},
      {with("imap", {{"host", "h"}}), 422, "missing_field", "imap.port"},
      {with("dailyLimit", -1), 422, "invalid_daily_limit", "dailyLimit"},
      {with("colour", "red"), 400, "unknown_field", "colour"},
  };
  for (const Case& c : cases) {
    Answer a = Post("/api/mailboxes", alice_, c.body);
    EXPECT_EQ(a.status, c.status) << c.body;
    EXPECT_EQ(a.code(), c.code) << c.body;
    EXPECT_EQ(a.json["error"]["details"].value("field", ""), c.field) << c.body;
    EXPECT_FALSE(a.json["error"]["message"].get<std::string>().empty());
  }
  for (std::string raw : {"", "{", "[1,2]", "null", "\"x\"", "{\"name\":\"\xff\"}", "{} {}"}) {
    Answer a = Send("POST", "/api/mailboxes", alice_, raw);
    EXPECT_EQ(a.status, 400) << raw;
    EXPECT_TRUE(a.code() == "invalid_json" || a.code() == "invalid_body") << raw << a.body;
  }
  EXPECT_TRUE(Get("/api/mailboxes", alice_).json["mailboxes"].empty()) << "nothing was created";
}

TEST_F(ApiTest, MailboxInUseCannotBeDeleted) {
  std::string mailbox = CreateMailbox(alice_);
  std::string sequence = CreateSequence(alice_, mailbox);
  Answer e =
      Post("/api/sequences/" + sequence + "/enrollments", alice_, {{"contactEmail", "x@y.co"}});
  ASSERT_EQ(e.status, 201);
  Answer del = Delete("/api/mailboxes/" + mailbox, alice_);
  EXPECT_EQ(del.status, 409);
  EXPECT_EQ(del.code(), "mailbox_in_use");
  EXPECT_EQ(Post("/api/enrollments/" + e.json["id"].get<std::string>() + "/cancel", alice_).status,
            200);
  EXPECT_EQ(Delete("/api/mailboxes/" + mailbox, alice_).status, 204);
  EXPECT_EQ(Get("/api/sequences/" + sequence, alice_).status, 404);
}

// ---- sequences ----

TEST_F(ApiTest, SequenceCreateAndGet) {
  std::string mailbox = CreateMailbox(alice_);
  Answer a = Post("/api/mailboxes/" + mailbox + "/sequences", alice_,
                  {{"name", "Outreach"}, {"steps", ThreeSteps()}});
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json["mailboxId"], mailbox);
  EXPECT_EQ(a.json["status"], "active");
  ASSERT_EQ(a.json["steps"].size(), 3u);
  std::set<std::string> ids;
  for (const json& s : a.json["steps"]) ids.insert(s["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(a.json["steps"][1],
            json({{"id", a.json["steps"][1]["id"]}, {"type", "delay"}, {"delayMs", 259200000}}));
  EXPECT_EQ(
      a.json["counts"],
      json({{"active", 0}, {"completed", 0}, {"replied", 0}, {"cancelled", 0}, {"bounced", 0}}));
  // GET adds the per-step figures (routes_ui_test.cc) to what POST answered.
  json got = Get("/api/sequences/" + a.json["id"].get<std::string>(), alice_).json;
  EXPECT_EQ(got["stepStats"].size(), 2u);
  got.erase("stepStats");
  EXPECT_EQ(got, a.json);
  Answer list = Get("/api/mailboxes/" + mailbox + "/sequences", alice_);
  ASSERT_EQ(list.json["sequences"].size(), 1u);
  EXPECT_EQ(list.json["sequences"][0], a.json);
}

TEST_F(ApiTest, SequenceStepRulesAnswer422WithTheirCodes) {
  std::string mailbox = CreateMailbox(alice_);
  std::string path = "/api/mailboxes/" + mailbox + "/sequences";
  auto post = [&](json steps) { return Post(path, alice_, {{"name", "S"}, {"steps", steps}}); };
  Answer leading = post(json::array({{{"type", "delay"}, {"delayMs", 10}},
                                     {{"type", "send_email"}, {"subject", "s"}, {"html", "h"}}}));
  EXPECT_EQ(leading.status, 422);
  EXPECT_EQ(leading.code(), "sequence_must_start_with_email");
  EXPECT_EQ(leading.json["error"]["details"]["index"], 0);
  EXPECT_EQ(post(json::array()).code(), "steps_required");
  EXPECT_EQ(post(json::array({{{"type", "send_email"}, {"html", "h"}}})).code(),
            "subject_required");
  EXPECT_EQ(post(json::array({{{"type", "send_email"}, {"subject", "s"}}})).code(),
            "html_required");
  for (json delay : {json(1.5), json(-1), json(0), json(kMaxDelayMs + 1)}) {
    Answer a = post(json::array({{{"type", "send_email"}, {"subject", "s"}, {"html", "h"}},
                                 {{"type", "delay"}, {"delayMs", delay}}}));
    EXPECT_EQ(a.status, 422) << delay;
    EXPECT_EQ(a.code(), "invalid_delay") << delay;
    EXPECT_EQ(a.json["error"]["details"]["index"], 1);
  }
  Answer text = post(json::array({{{"type", "send_email"}, {"subject", "s"}, {"html", "h"}},
                                  {{"type", "delay"}, {"delayMs", "10"}}}));
  EXPECT_EQ(text.status, 400);
  EXPECT_EQ(text.code(), "invalid_field");
  EXPECT_EQ(text.json["error"]["details"]["field"], "steps[1].delayMs");
  Answer ok = post(json::array({{{"type", "send_email"}, {"subject", "s"}, {"html", "h"}},
                                {{"type", "delay"}, {"delayMs", 1}}}));
  EXPECT_EQ(ok.status, 201) << "a 1 ms delay is allowed (end-to-end tests)";
  EXPECT_EQ(Get("/api/mailboxes/" + mailbox + "/sequences", alice_).json["sequences"].size(), 1u);
}

TEST_F(ApiTest, SequencePatchEditsStepsInPlace) {
  std::string mailbox = CreateMailbox(alice_);
  std::string id = CreateSequence(alice_, mailbox);
  json seq = Get("/api/sequences/" + id, alice_).json;
  json steps = seq["steps"];
  std::string first = steps[0]["id"], delay = steps[1]["id"], last = steps[2]["id"];

  int wakes_before = wakes_;
  json edited = json::array(
      {{{"id", first}, {"type", "send_email"}, {"subject", "New subject"}, {"html", "<p>v2</p>"}},
       {{"type", "send_email"}, {"subject", ""}, {"html", "<p>new</p>"}},
       {{"id", last}, {"type", "send_email"}, {"html", "<p>Again</p>"}}});
  Answer a = Patch("/api/sequences/" + id, alice_, {{"name", "Renamed"}, {"steps", edited}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["name"], "Renamed");
  ASSERT_EQ(a.json["steps"].size(), 3u);
  EXPECT_EQ(a.json["steps"][0]["id"], first);
  EXPECT_EQ(a.json["steps"][0]["subject"], "New subject");
  EXPECT_NE(a.json["steps"][1]["id"], delay);
  EXPECT_EQ(a.json["steps"][2]["id"], last);
  EXPECT_GT(wakes_.load(), wakes_before);

  Answer rename = Patch("/api/sequences/" + id, alice_, {{"name", "Only the name"}});
  EXPECT_EQ(rename.status, 200);
  EXPECT_EQ(rename.json["steps"], a.json["steps"]);

  Answer unknown = Patch(
      "/api/sequences/" + id, alice_,
      {{"steps",
        json::array(
            {{{"id", "stp_other"}, {"type", "send_email"}, {"subject", "s"}, {"html", "h"}}})}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.code(), "unknown_step_id");
  Answer leading = Patch("/api/sequences/" + id, alice_,
                         {{"steps", json::array({{{"type", "delay"}, {"delayMs", 5}}})}});
  EXPECT_EQ(leading.code(), "sequence_must_start_with_email");
  EXPECT_EQ(Get("/api/sequences/" + id, alice_).json["steps"], a.json["steps"]);
}

TEST_F(ApiTest, SequenceActions) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  Answer paused = Post("/api/sequences/" + id + "/pause", alice_);
  EXPECT_EQ(paused.status, 200);
  EXPECT_EQ(paused.json["status"], "paused");
  int wakes_before = wakes_;
  Answer resumed = Post("/api/sequences/" + id + "/resume", alice_);
  EXPECT_EQ(resumed.json["status"], "active");
  EXPECT_GT(wakes_.load(), wakes_before);
  Answer e = Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "a@b.co"}});
  ASSERT_EQ(e.status, 201);
  Answer done = Post("/api/sequences/" + id + "/complete", alice_);
  EXPECT_EQ(done.json["status"], "completed");
  EXPECT_EQ(done.json["counts"]["cancelled"], 1);
  EXPECT_EQ(done.json["counts"]["active"], 0);
  Answer again = Post("/api/sequences/" + id + "/resume", alice_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "sequence_completed");
  EXPECT_EQ(Patch("/api/sequences/" + id, alice_, {{"name", "x"}}).status, 409);
  Answer enroll =
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "z@b.co"}});
  EXPECT_EQ(enroll.status, 409);
  EXPECT_EQ(enroll.code(), "sequence_completed");
}

// ---- enrollments ----

TEST_F(ApiTest, EnrollOne) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  json seq = Get("/api/sequences/" + id, alice_).json;
  int wakes_before = wakes_;
  Answer a = Post("/api/sequences/" + id + "/enrollments", alice_,
                  {{"contactEmail", "  Bob@Example.COM "},
                   {"mergeFields", {{"firstName", "Bob"}, {"seats", 12}, {"vip", true}}}});
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_GT(wakes_.load(), wakes_before);
  EXPECT_EQ(a.json["contactEmail"], "bob@example.com");
  EXPECT_EQ(a.json["sequenceId"], id);
  EXPECT_EQ(a.json["status"], "active");
  EXPECT_EQ(a.json["mergeFields"], json({{"firstName", "Bob"}, {"seats", "12"}, {"vip", "true"}}));
  EXPECT_EQ(a.json["currentStepId"], seq["steps"][0]["id"]);
  EXPECT_EQ(a.json["nextRunAt"], "2027-01-15T08:00:00Z");
  EXPECT_TRUE(a.json["messages"].empty());
  ASSERT_FALSE(a.json["history"].empty());
  EXPECT_EQ(a.json["history"][0]["status"], "active");
  std::string enrollment = a.json["id"];
  EXPECT_EQ(Get("/api/enrollments/" + enrollment, alice_).json, a.json);

  Answer dup =
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "bob@example.com"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.code(), "already_enrolled");
  EXPECT_EQ(dup.json["error"]["details"]["enrollmentId"], enrollment);

  for (json bad : {json{{"contactEmail", "nope"}}, json{{"contactEmail", ""}},
                   json{{"contactEmail", "a@b.co"}, {"mergeFields", {{"x", {{"y", 1}}}}}},
                   json{{"contactEmail", "a@b.co"}, {"mergeFields", {{"x", json::array()}}}}}) {
    Answer r = Post("/api/sequences/" + id + "/enrollments", alice_, bad);
    EXPECT_EQ(r.status, 422) << bad << r.body;
  }
  EXPECT_EQ(
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "nope"}}).code(),
      "invalid_email");
  EXPECT_EQ(Post("/api/sequences/" + id + "/enrollments", alice_,
                 {{"contactEmail", "a@b.co"}, {"mergeFields", {{"x", {{"y", 1}}}}}})
                .code(),
            "invalid_merge_fields");
  EXPECT_EQ(Counts(id)["active"], 1);
}

TEST_F(ApiTest, CancelAndReplied) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  std::string e1 =
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "one@b.co"}})
          .json["id"];
  std::string e2 =
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "two@b.co"}})
          .json["id"];
  Answer cancelled = Post("/api/enrollments/" + e1 + "/cancel", alice_);
  ASSERT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.json["status"], "cancelled");
  EXPECT_TRUE(cancelled.json["currentStepId"].is_null());
  EXPECT_TRUE(cancelled.json["nextRunAt"].is_null());
  EXPECT_EQ(cancelled.json["history"].back()["cause"], "cancelled_by_user");
  Answer twice = Post("/api/enrollments/" + e1 + "/cancel", alice_);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.code(), "enrollment_final");
  EXPECT_EQ(Post("/api/enrollments/" + e1 + "/replied", alice_).status, 409);

  Answer replied = Post("/api/enrollments/" + e2 + "/replied", alice_);
  EXPECT_EQ(replied.json["status"], "replied");
  EXPECT_EQ(replied.json["history"].back()["cause"], "marked_replied_by_user");
  EXPECT_EQ(Post("/api/enrollments/" + e2 + "/cancel", alice_).code(), "enrollment_final");

  // A completed/cancelled contact may come back; a replied one only with force.
  EXPECT_EQ(
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "one@b.co"}}).status,
      201);
  Answer refused =
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "two@b.co"}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.code(), "contact_replied");
  EXPECT_EQ(Post("/api/sequences/" + id + "/enrollments", alice_,
                 {{"contactEmail", "two@b.co"}, {"force", true}})
                .status,
            201);
  json counts = Counts(id);
  EXPECT_EQ(counts["active"], 2);
  EXPECT_EQ(counts["cancelled"], 1);
  EXPECT_EQ(counts["replied"], 1);
}

TEST_F(ApiTest, ListEnrollmentsPagesAndFilters) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  json contacts = json::array();
  for (int i = 0; i < 7; ++i)
    contacts.push_back({{"contactEmail", "c" + std::to_string(i) + "@x.co"}});
  ASSERT_EQ(Post("/api/sequences/" + id + "/enrollments/bulk", alice_, {{"contacts", contacts}})
                .json["enrolled"],
            7);
  std::string first =
      Get("/api/sequences/" + id + "/enrollments?limit=1", alice_).json["enrollments"][0]["id"];
  ASSERT_EQ(Post("/api/enrollments/" + first + "/cancel", alice_).status, 200);

  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string path = "/api/sequences/" + id + "/enrollments?limit=3";
    if (!cursor.empty()) path += "&cursor=" + UrlEncode(cursor);
    Answer a = Get(path, alice_);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_LE(a.json["enrollments"].size(), 3u);
    for (const json& e : a.json["enrollments"]) {
      seen.push_back(e["contactEmail"]);
      EXPECT_FALSE(e.contains("history"));
    }
    if (a.json["nextCursor"].is_null()) break;
    cursor = a.json["nextCursor"];
  }
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u);

  Answer active = Get("/api/sequences/" + id + "/enrollments?status=active&limit=1000", alice_);
  EXPECT_EQ(active.json["enrollments"].size(), 6u);
  EXPECT_TRUE(active.json["nextCursor"].is_null());
  EXPECT_EQ(Get("/api/sequences/" + id + "/enrollments?status=cancelled", alice_)
                .json["enrollments"]
                .size(),
            1u);
  EXPECT_EQ(Get("/api/sequences/" + id + "/enrollments?status=gone", alice_).code(),
            "invalid_status");
  for (std::string limit : {"0", "1001", "-1", "abc", "1.5", ""}) {
    Answer a = Get("/api/sequences/" + id + "/enrollments?limit=" + limit, alice_);
    EXPECT_EQ(a.status, 422) << limit;
    EXPECT_EQ(a.code(), "invalid_limit") << limit;
  }
  Answer bad_cursor = Get("/api/sequences/" + id + "/enrollments?cursor=forged", alice_);
  EXPECT_EQ(bad_cursor.status, 400);
  EXPECT_EQ(bad_cursor.code(), "invalid_cursor");
}

TEST_F(ApiTest, BulkEnrollReportsByIndex) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  ASSERT_EQ(
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "old@x.co"}}).status,
      201);
  json contacts = json::array({{{"contactEmail", "a@x.co"}, {"mergeFields", {{"n", 1}}}},
                               {{"contactEmail", "not an email"}},
                               {{"contactEmail", "OLD@x.co"}},
                               {{"contactEmail", "b@x.co"}},
                               {{"contactEmail", "A@x.co"}},
                               {{"mergeFields", {{"n", 1}}}},
                               "just a string",
                               {{"contactEmail", "c@x.co"}, {"mergeFields", {{"n", {1}}}}}});
  Answer a = Post("/api/sequences/" + id + "/enrollments/bulk", alice_, {{"contacts", contacts}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json["enrolled"], 2);
  EXPECT_EQ(a.json["enrollments"].size(), 2u);
  std::vector<std::pair<int, std::string>> errors;
  for (const json& e : a.json["errors"]) errors.emplace_back(e["index"], e["code"]);
  std::vector<std::pair<int, std::string>> expected = {
      {1, "invalid_email"}, {2, "already_enrolled"}, {4, "already_enrolled"},
      {5, "missing_field"}, {6, "invalid_field"},    {7, "invalid_merge_fields"}};
  EXPECT_EQ(errors, expected) << a.body;
  EXPECT_EQ(a.json["errors"][1]["contactEmail"], "old@x.co");
  EXPECT_EQ(Counts(id)["active"], 3);

  json many = json::array();
  for (int i = 0; i < 10001; ++i) many.push_back({{"contactEmail", "x@y.co"}});
  Answer big = Post("/api/sequences/" + id + "/enrollments/bulk", alice_, {{"contacts", many}});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.code(), "too_many_contacts");
  EXPECT_EQ(Post("/api/sequences/" + id + "/enrollments/bulk", alice_, {{"contacts", "x"}}).code(),
            "invalid_field");
  EXPECT_EQ(Post("/api/sequences/" + id + "/enrollments/bulk", alice_, json::object()).code(),
            "missing_field");
  EXPECT_EQ(Counts(id)["active"], 3);
}

TEST_F(ApiTest, MalformedRequestsChangeNothing) {
  std::string mailbox = CreateMailbox(alice_);
  std::string id = CreateSequence(alice_, mailbox);
  json before = Get("/api/sequences/" + id, alice_).json;
  for (std::string raw : {"{\"contactEmail\":", "{\"contactEmail\":\"a@b.co\",}", "\xff\xfe",
                          "{\"contacts\":[{\"contactEmail\":\"a@b.co\"}"}) {
    EXPECT_EQ(Send("POST", "/api/sequences/" + id + "/enrollments", alice_, raw).code(),
              "invalid_json");
    EXPECT_EQ(Send("POST", "/api/sequences/" + id + "/enrollments/bulk", alice_, raw).code(),
              "invalid_json");
    EXPECT_EQ(Send("PATCH", "/api/sequences/" + id, alice_, raw).code(), "invalid_json");
    EXPECT_EQ(Send("PATCH", "/api/mailboxes/" + mailbox, alice_, raw).code(), "invalid_json");
  }
  EXPECT_EQ(Get("/api/sequences/" + id, alice_).json, before);
}

TEST_F(ApiTest, OutboxListsAndShowsCapturedMessages) {
  std::string mailbox = CreateMailbox(alice_);
  Answer empty = Get("/api/mailboxes/" + mailbox + "/outbox", alice_);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json, json({{"messages", json::array()}, {"total", 0}}));

  OutboxTransport outbox(dir_ / "outbox" / mailbox);
  std::vector<OutgoingMessage> msgs;
  for (int i = 0; i < 3; ++i) {
    std::string mid = "<m" + std::to_string(i) + "@example.com>";
    msgs.push_back({mid, "ann@example.com", "to" + std::to_string(i) + "@x.co",
                    "Message-ID: " + mid + "\r\nFrom: ann@example.com\r\nTo: to" +
                        std::to_string(i) + "@x.co\r\nSubject: Hello " + std::to_string(i) +
                        "\r\n\r\nBody\r\n"});
  }
  std::vector<SendResult> sent = outbox.SendBatch(msgs);
  for (const SendResult& r : sent) ASSERT_EQ(r.status, SendStatus::kSent) << r.response;

  Answer list = Get("/api/mailboxes/" + mailbox + "/outbox?limit=2", alice_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 3);
  ASSERT_EQ(list.json["messages"].size(), 2u);
  const json& first = list.json["messages"][0];
  for (const char* key : {"messageId", "to", "subject", "sentAt", "size"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  EXPECT_EQ(Get("/api/mailboxes/" + mailbox + "/outbox?offset=2", alice_).json["messages"].size(),
            1u);
  EXPECT_EQ(Get("/api/mailboxes/" + mailbox + "/outbox?limit=0", alice_).code(), "invalid_limit");

  Answer raw =
      Get("/api/mailboxes/" + mailbox + "/outbox/" + UrlEncode("<m1@example.com>"), alice_);
  ASSERT_EQ(raw.status, 200) << raw.body;
  EXPECT_EQ(raw.Header("Content-Type"), "message/rfc822");
  EXPECT_NE(raw.body.find("Subject: Hello 1"), std::string::npos);
  Answer missing = Get("/api/mailboxes/" + mailbox + "/outbox/%3Cnone%40x%3E", alice_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code(), "message_not_found");
  EXPECT_EQ(Get("/api/mailboxes/" + mailbox + "/outbox/..%2F..%2Ftest.db", alice_).status, 404);
}

TEST_F(ApiTest, AnExceptionIsA500JsonAnswerAndTheServerCarriesOn) {
  std::string id = CreateSequence(alice_, CreateMailbox(alice_));
  throw_on_wake_ = true;
  Answer a = Post("/api/sequences/" + id + "/resume", alice_);
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.code(), "internal_error");
  EXPECT_EQ(a.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(a.body.find("exploded"), std::string::npos) << "internals stay in the log";
  throw_on_wake_ = false;
  EXPECT_EQ(Get("/api/sequences/" + id, alice_).status, 200);
}

// ---- limits ----

class SmallLimitsTest : public ApiTest {
 protected:
  SmallLimitsTest() {
    options_.max_json_bytes = 64 * 1024;
    options_.max_csv_bytes = 128 * 1024;
  }
};

TEST_F(SmallLimitsTest, OversizedJsonIs413AndTheServerCarriesOn) {
  std::string mailbox = CreateMailbox(alice_);
  std::string id = CreateSequence(alice_, mailbox);
  std::string big =
      R"({"contactEmail":"a@b.co","mergeFields":{"pad":")" + std::string(100 * 1024, 'x') + "\"}}";
  Answer a = Send("POST", "/api/sequences/" + id + "/enrollments", alice_, big);
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(a.code(), "payload_too_large");
  // Chunked, so no Content-Length to judge by: cut off while streaming.
  httplib::Client cli = Client();
  std::size_t sent = 0;
  auto r = cli.Post(
      "/api/sequences/" + id + "/enrollments", Auth(alice_),
      [&](std::size_t, httplib::DataSink& sink) {
        if (sent >= big.size()) {
          sink.done();
          return true;
        }
        std::size_t n = std::min<std::size_t>(8192, big.size() - sent);
        sink.write(big.data() + sent, n);
        sent += n;
        return true;
      },
      "application/json");
  Answer chunked = From(r);
  EXPECT_EQ(chunked.status, 413);
  EXPECT_EQ(chunked.code(), "payload_too_large");
  EXPECT_EQ(Counts(id)["active"], 0);
  EXPECT_EQ(
      Post("/api/sequences/" + id + "/enrollments", alice_, {{"contactEmail", "a@b.co"}}).status,
      201);
  // Unauthenticated big bodies get their 401, not a broken connection.
  EXPECT_EQ(Send("POST", "/api/mailboxes", "", big).status, 401);
}

}  // namespace
}  // namespace mailmark
