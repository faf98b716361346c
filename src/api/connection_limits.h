// How many connections each client address holds open, so that one address cannot take all
// of them (http_limits.h: max_connections_per_address). Thread-safe; a slot is given back by
// its destructor, however the connection ends.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mailmark {

class ConnectionCounter {
  struct State;

 public:
  explicit ConnectionCounter(std::size_t per_key);

  // One connection counted under a key; moving it moves the count, destroying it releases it.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();
    const std::string& key() const { return key_; }
    bool held() const { return state_ != nullptr; }

   private:
    friend class ConnectionCounter;
    Slot(std::shared_ptr<State> state, std::string key);
    void Release();
    std::shared_ptr<State> state_;
    std::string key_;
  };

  // A slot under `key`, or nullopt when the key already holds per_key of them.
  std::optional<Slot> TryAcquire(const std::string& key);
  std::size_t Count(const std::string& key) const;
  std::size_t per_key() const;

 private:
  struct State {
    std::size_t per_key;
    mutable std::mutex mu;
    std::map<std::string, std::size_t> counts;  // only keys with a count above zero
  };
  // Shared with the slots, which may outlive the counter by a moment at shutdown.
  std::shared_ptr<State> state_;
};

}  // namespace mailmark
