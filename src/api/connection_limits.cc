#include "api/connection_limits.h"

#include <utility>

namespace mailmark {

ConnectionCounter::ConnectionCounter(std::size_t per_key) : state_(std::make_shared<State>()) {
  state_->per_key = per_key;
}

std::optional<ConnectionCounter::Slot> ConnectionCounter::TryAcquire(const std::string& key) {
  std::lock_guard lock(state_->mu);
  std::size_t& count = state_->counts[key];
  if (count >= state_->per_key) {
    if (count == 0) state_->counts.erase(key);
    return std::nullopt;
  }
  ++count;
  return Slot(state_, key);
}

std::size_t ConnectionCounter::Count(const std::string& key) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->counts.find(key);
  return it == state_->counts.end() ? 0 : it->second;
}

std::size_t ConnectionCounter::per_key() const { return state_->per_key; }

ConnectionCounter::Slot::Slot(std::shared_ptr<State> state, std::string key)
    : state_(std::move(state)), key_(std::move(key)) {}

ConnectionCounter::Slot::Slot(Slot&& other) noexcept
    : state_(std::move(other.state_)), key_(std::move(other.key_)) {
  other.state_.reset();
}

ConnectionCounter::Slot& ConnectionCounter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    state_ = std::move(other.state_);
    key_ = std::move(other.key_);
    other.state_.reset();
  }
  return *this;
}

ConnectionCounter::Slot::~Slot() { Release(); }

void ConnectionCounter::Slot::Release() {
  if (!state_) return;
  std::lock_guard lock(state_->mu);
  auto it = state_->counts.find(key_);
  if (it != state_->counts.end() && --it->second == 0) state_->counts.erase(it);
  state_.reset();
}

}  // namespace mailmark
