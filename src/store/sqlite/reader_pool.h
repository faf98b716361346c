// Read-only connections for the store's queries, handed out one caller at a time. In WAL mode
// readers see the last committed state and never wait for the writer.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.h"

namespace mailmark::sqlite {

class ReaderPool {
 public:
  // Keeps at most `max_idle` connections open between uses; more are opened under load.
  ReaderPool(std::filesystem::path file, ConnectionOptions options, std::size_t max_idle);

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.Return(std::move(conn_)); }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  Lease Acquire();  // throws SqliteError when a new connection cannot be opened

 private:
  void Return(std::unique_ptr<Connection> conn);

  std::filesystem::path file_;
  ConnectionOptions options_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace mailmark::sqlite
