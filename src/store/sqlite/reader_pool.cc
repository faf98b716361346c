#include "store/sqlite/reader_pool.h"

namespace mailmark::sqlite {

ReaderPool::ReaderPool(std::filesystem::path file, ConnectionOptions options, std::size_t max_idle)
    : file_(std::move(file)), options_(options), max_idle_(max_idle) {
  options_.read_only = true;
}

ReaderPool::Lease ReaderPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(conn));
    }
  }
  return Lease(*this, Connection::Open(file_, options_));
}

void ReaderPool::Return(std::unique_ptr<Connection> conn) {
  if (!conn) return;
  std::lock_guard lock(mu_);
  // A connection left inside a transaction (a bug) is not reused.
  if (idle_.size() < max_idle_ && !conn->InTransaction()) idle_.push_back(std::move(conn));
}

}  // namespace mailmark::sqlite
