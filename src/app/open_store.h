// Opening the configured database, and the lock that keeps one server per data folder.
#pragma once

#include <filesystem>
#include <memory>

#include "app/config.h"
#include "store/store.h"

namespace mailmark {

Result<std::unique_ptr<Store>> OpenConfiguredStore(const Config& config);

// An exclusive lock on "<database file>.serve-lock", held for the life of a `serve` process:
// with SQLite one server owns the scheduler's leases (and takes them back at start), so a
// second server on the same database, whatever its data folder, must not start.
class ServeLock {
 public:
  static Result<ServeLock> Acquire(const std::filesystem::path& database);
  ServeLock(ServeLock&& other) noexcept;
  ServeLock& operator=(ServeLock&&) = delete;
  ~ServeLock();

 private:
  explicit ServeLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mailmark
