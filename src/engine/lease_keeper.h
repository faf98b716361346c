// Keeps a batch's leases alive while it is being delivered, so a slow SMTP relay never lets
// another worker or node take the batch over mid-send (and send it a second time).
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "store/store.h"

namespace mailmark {

class LeaseKeeper {
 public:
  // Renews the leases every third of `lease` until destroyed.
  LeaseKeeper(Store& store, Clock& clock, std::string node, std::vector<Id> enrollment_ids,
              Duration lease);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

 private:
  void Run();

  Store& store_;
  Clock& clock_;
  std::string node_;
  std::vector<Id> ids_;
  Duration lease_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace mailmark
