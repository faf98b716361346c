// Enrolls a campaign's contacts through the CSV import route, one chunk per request, on its own
// thread while the server is killed and restarted under it. A request cut off by a kill is
// retried with only the contacts the server does not have yet (it is asked, by the chunk's
// tag), as a careful client would: a contact is enrolled once, whatever the kill interrupted.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

namespace mailmark::testing {

// Contact `n` of a campaign: "k<chunk>n<n>@chaos.test". The tag "k<chunk>n" names its chunk in
// the enrollments list's `email=` filter.
std::string CampaignContact(std::size_t n, std::size_t chunk_size);
std::string ChunkTag(std::size_t chunk);

class Enroller {
 public:
  Enroller(std::string token, std::string sequence_id, std::size_t contacts,
           std::size_t chunk_size);
  ~Enroller();  // stops and joins the thread

  void Begin();
  // The server's port, 0 while it is down (requests then wait).
  void SetPort(int port) { port_.store(port); }

  bool Done() const { return done_.load(); }
  bool InFlight() const { return in_flight_.load(); }
  std::size_t Requests() const { return requests_.load(); }
  std::size_t Interrupted() const { return interrupted_.load(); }
  // Set when a request was answered with something other than 200: the campaign fails.
  std::string Failure() const;

 private:
  void Run(std::stop_token stop);

  const std::string token_, sequence_id_;
  const std::size_t contacts_, chunk_size_;
  std::atomic<int> port_{0};
  std::atomic<bool> done_{false}, in_flight_{false};
  std::atomic<std::size_t> requests_{0}, interrupted_{0};
  mutable std::mutex failure_mu_;
  std::string failure_;
  std::jthread thread_;
};

}  // namespace mailmark::testing
