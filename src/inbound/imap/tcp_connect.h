// A TCP connection opened within a deadline: libetpan's own connect waits as long as the
// kernel does (minutes for an unreachable host).
#pragma once

#include <string>
#include <utility>

#include "core/result.h"
#include "core/time.h"

namespace mailmark {

// Owns one file descriptor; closes it unless released.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void Reset();

 private:
  int fd_ = -1;
};

// Tries each address of `host` in turn; the socket comes back in blocking mode (as libetpan
// wants it). Errors: imap_connect_failed.
Result<UniqueFd> ConnectTcp(const std::string& host, int port, Duration timeout);

}  // namespace mailmark
