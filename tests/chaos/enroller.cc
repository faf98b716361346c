#include "chaos/enroller.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <set>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace mailmark::testing {
namespace {

using json = nlohmann::json;

std::string Padded(std::size_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%05zu", value);
  return buf;
}

struct Answer {
  int status = 0;  // 0: no answer (the server died or is not up yet)
  json body;
};

Answer Call(int port, const std::string& token, const std::string& method, const std::string& path,
            const std::string& body = "") {
  if (port == 0) return {};
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(120, 0);
  client.set_write_timeout(120, 0);
  httplib::Headers headers{{"Authorization", "Bearer " + token}};
  auto res =
      method == "GET" ? client.Get(path, headers) : client.Post(path, headers, body, "text/csv");
  if (!res) return {};
  return {res->status, json::parse(res->body, nullptr, /*allow_exceptions=*/false)};
}

}  // namespace

std::string ChunkTag(std::size_t chunk) { return "k" + Padded(chunk) + "n"; }

std::string CampaignContact(std::size_t n, std::size_t chunk_size) {
  return ChunkTag(n / chunk_size) + std::to_string(n) + "@chaos.test";
}

Enroller::Enroller(std::string token, std::string sequence_id, std::size_t contacts,
                   std::size_t chunk_size)
    : token_(std::move(token)),
      sequence_id_(std::move(sequence_id)),
      contacts_(contacts),
      chunk_size_(chunk_size) {}

Enroller::~Enroller() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void Enroller::Begin() {
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

std::string Enroller::Failure() const {
  std::lock_guard lock(failure_mu_);
  return failure_;
}

void Enroller::Run(std::stop_token stop) {
  const std::string base = "/api/sequences/" + sequence_id_ + "/enrollments";
  const std::size_t chunks = (contacts_ + chunk_size_ - 1) / chunk_size_;
  for (std::size_t chunk = 0; chunk < chunks && !stop.stop_requested(); ++chunk) {
    const std::size_t first = chunk * chunk_size_;
    const std::size_t last = std::min(contacts_, first + chunk_size_);
    bool reconcile = false;  // after an interrupted request: ask what the server already has
    while (!stop.stop_requested()) {
      const int port = port_.load();
      std::set<std::string> present;
      if (reconcile) {
        bool listed = true;
        std::string cursor;
        do {
          std::string path = base + "?limit=1000&email=" + ChunkTag(chunk) +
                             (cursor.empty() ? "" : "&cursor=" + cursor);
          Answer page = Call(port, token_, "GET", path);
          if (page.status != 200 || !page.body.is_object()) {
            listed = false;
            break;
          }
          for (const json& e : page.body["enrollments"]) present.insert(e["contactEmail"]);
          cursor = page.body["nextCursor"].is_string() ? page.body["nextCursor"] : "";
        } while (!cursor.empty());
        if (!listed) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
      }
      std::string csv = "email,n\n";
      std::size_t rows = 0;
      for (std::size_t n = first; n < last; ++n) {
        std::string email = CampaignContact(n, chunk_size_);
        if (present.count(email)) continue;
        csv += email + "," + std::to_string(n) + "\n";
        ++rows;
      }
      if (rows == 0) break;
      in_flight_.store(true);
      ++requests_;
      Answer answer = Call(port, token_, "POST", base + "/import", csv);
      in_flight_.store(false);
      if (answer.status == 200) break;
      if (answer.status != 0) {
        std::lock_guard lock(failure_mu_);
        failure_ = "import of chunk " + std::to_string(chunk) + " answered " +
                   std::to_string(answer.status) + ": " + answer.body.dump();
        return;
      }
      if (port != 0) ++interrupted_;
      reconcile = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  done_.store(!stop.stop_requested());
}

}  // namespace mailmark::testing
