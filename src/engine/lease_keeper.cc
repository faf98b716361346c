#include "engine/lease_keeper.h"

#include <spdlog/spdlog.h>

namespace mailmark {

LeaseKeeper::LeaseKeeper(Store& store, Clock& clock, std::string node,
                         std::vector<Id> enrollment_ids, Duration lease)
    : store_(store),
      clock_(clock),
      node_(std::move(node)),
      ids_(std::move(enrollment_ids)),
      lease_(lease) {
  if (!ids_.empty()) thread_ = std::thread([this] { Run(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard guard(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::Run() {
  std::unique_lock lock(mu_);
  Timestamp next = clock_.Now() + lease_ / 3;
  while (!done_) {
    if (clock_.Now() >= next) {
      lock.unlock();
      try {
        store_.RenewLeases(node_, ids_, clock_.Now() + lease_);
      } catch (const std::exception& e) {
        spdlog::warn("lease renewal failed: {}", e.what());
      }
      lock.lock();
      next = clock_.Now() + lease_ / 3;
      continue;
    }
    clock_.WaitUntil(lock, cv_, next);
  }
}

}  // namespace mailmark
