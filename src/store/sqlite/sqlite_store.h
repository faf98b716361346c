// The embedded SQLite Store: one database file, WAL mode, one writer thread with group
// commit, pooled readers. The default backend: zero setup, one machine.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/secret_box.h"
#include "store/store.h"

namespace mailmark {

struct SqliteStoreOptions {
  // Durability of a commit. true (default): synchronous=FULL, the WAL is fsynced at every
  // commit, so an acknowledged write survives a power loss or OS crash. false:
  // synchronous=NORMAL, an acknowledged write survives a process crash (kill -9) but the last
  // commits may be lost on power loss. Writes are group-committed (one fsync per batch), so
  // FULL costs little under load; NORMAL is for benchmarks and throwaway installs.
  bool full_sync = true;
  // How long a connection waits for another process holding the database (e.g. a
  // `mailmark migrate` running beside a server) before failing with storage_error.
  int busy_timeout_ms = 5000;
  // Reader connections kept open between queries; more are opened under load.
  std::size_t max_idle_readers = 8;
  // Seals mailbox passwords and server secrets (the `secrets` table) at rest, and at open
  // seals those still in clear. None: they are kept in clear, as tests and tools without a key
  // file do. A database already sealed under another key, or sealed at all when none is
  // given, is refused with 409 secret_key_mismatch and left as it is.
  std::optional<SecretBox> sealing_key;
  // Where the key came from (its file), named when the database refuses it.
  std::string sealing_key_source;
};

// Opens (creating when missing, mode 0600) the database file and brings its schema up to date.
// 500 storage_error when the file cannot be opened or migrated (logged); 409
// secret_key_mismatch when its sealed secrets do not open with `options.sealing_key`.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& db_file,
                                               const SqliteStoreOptions& options = {});

}  // namespace mailmark
