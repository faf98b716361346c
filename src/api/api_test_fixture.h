// An in-process ApiServer on a free port, over a real SqliteStore in a temp folder and a
// ManualClock, with helpers to call it as a client would.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "api/credentials.h"
#include "api/server.h"
#include "core/ids.h"
#include "engine/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace mailmark {

struct Answer {
  int status = 0;
  nlohmann::json json;  // parsed when the body is JSON
  std::string body;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string code() const {
    return json.contains("error") ? json["error"]["code"].get<std::string>() : "";
  }
};

class ApiTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'800'000'000'000;

  // Tests may change options_ in their constructor, before SetUp starts the server.
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("mm_api_test_" + RandomHex(8));
    std::filesystem::create_directories(dir_);
    SqliteStoreOptions store_options;
    store_options.full_sync = false;
    auto store = OpenSqliteStore(dir_ / "test.db", store_options);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    clock_ = std::make_unique<ManualClock>(FromMillis(kStart));
    ApiContext ctx{*store_, *clock_,
                   [this] {
                     ++wakes_;
                     if (throw_on_wake_) throw std::runtime_error("scheduler exploded");
                   },
                   [this](const Id& id) { return dir_ / "outbox" / id; }, options_};
    server_ = std::make_unique<ApiServer>(std::move(ctx));
    ASSERT_TRUE(server_->Bind("127.0.0.1", 0).ok());
    ASSERT_GT(server_->port(), 0);
    thread_ = std::thread([this] { server_->Run(); });
    alice_ = MakeUser("alice", &alice_id_);
    bob_ = MakeUser("bob", &bob_id_);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A user with an API token; returns the token.
  std::string MakeUser(const std::string& name, Id* id = nullptr,
                       const std::string& password_hash = "") {
    auto user = store_->CreateUser(name, password_hash, clock_->Now());
    EXPECT_TRUE(user.ok());
    std::string token = NewToken();
    EXPECT_TRUE(
        store_->AddCredential(user->id, HashToken(token), "api", std::nullopt, clock_->Now()).ok());
    if (id) *id = user->id;
    return token;
  }

  httplib::Client Client() {
    httplib::Client cli("127.0.0.1", server_->port());
    cli.set_read_timeout(120, 0);
    cli.set_write_timeout(120, 0);
    return cli;
  }

  static Answer From(const httplib::Result& r) {
    Answer a;
    if (!r) {
      ADD_FAILURE() << "request failed: " << httplib::to_string(r.error());
      return a;
    }
    a.status = r->status;
    a.body = r->body;
    a.headers = r->headers;
    if (r->get_header_value("Content-Type").rfind("application/json", 0) == 0) {
      a.json = nlohmann::json::parse(r->body, nullptr, false);
    }
    return a;
  }

  static httplib::Headers Auth(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
  }

  Answer Send(const std::string& method, const std::string& path, const std::string& token,
              const std::optional<std::string>& body = std::nullopt,
              const std::string& content_type = "application/json", httplib::Headers extra = {}) {
    httplib::Client cli = Client();
    httplib::Headers h = Auth(token);
    h.insert(extra.begin(), extra.end());
    std::string b = body.value_or("");
    if (method == "GET") return From(cli.Get(path, h));
    if (method == "POST") return From(cli.Post(path, h, b, content_type));
    if (method == "PATCH") return From(cli.Patch(path, h, b, content_type));
    if (method == "PUT") return From(cli.Put(path, h, b, content_type));
    if (method == "DELETE") {
      return body ? From(cli.Delete(path, h, b, content_type)) : From(cli.Delete(path, h));
    }
    ADD_FAILURE() << method;
    return {};
  }

  Answer Get(const std::string& path, const std::string& token) { return Send("GET", path, token); }
  Answer Post(const std::string& path, const std::string& token,
              const nlohmann::json& body = nlohmann::json::object()) {
    return Send("POST", path, token, body.dump());
  }
  Answer Patch(const std::string& path, const std::string& token, const nlohmann::json& body) {
    return Send("PATCH", path, token, body.dump());
  }
  Answer Delete(const std::string& path, const std::string& token) {
    return Send("DELETE", path, token);
  }

  // Fixtures through the API itself.
  std::string CreateMailbox(const std::string& token, const std::string& name = "Sales") {
    Answer a = Post("/api/mailboxes", token,
                    {{"name", name}, {"fromName", "Ann"}, {"fromEmail", "ann@example.com"}});
    EXPECT_EQ(a.status, 201) << a.body;
    return a.json.value("id", "");
  }
  static nlohmann::json ThreeSteps() {
    return nlohmann::json::array(
        {{{"type", "send_email"}, {"subject", "Hi {{firstName}}"}, {"html", "<p>Hello</p>"}},
         {{"type", "delay"}, {"delayMs", 259200000}},
         {{"type", "send_email"}, {"subject", ""}, {"html", "<p>Again</p>"}}});
  }
  std::string CreateSequence(const std::string& token, const std::string& mailbox_id,
                             nlohmann::json steps = ThreeSteps()) {
    Answer a = Post("/api/mailboxes/" + mailbox_id + "/sequences", token,
                    {{"name", "Outreach"}, {"steps", std::move(steps)}});
    EXPECT_EQ(a.status, 201) << a.body;
    return a.json.value("id", "");
  }
  nlohmann::json Counts(const std::string& sequence_id) {
    return Get("/api/sequences/" + sequence_id, alice_).json["counts"];
  }

  ApiOptions options_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  std::atomic<int> wakes_{0};
  std::atomic<bool> throw_on_wake_{false};  // to reach the server's exception handler
  std::string alice_, bob_;
  Id alice_id_, bob_id_;
};

}  // namespace mailmark
