#include "app/open_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "app/secret_key.h"
#include "store/sqlite/sqlite_store.h"

namespace mailmark {

Result<std::unique_ptr<Store>> OpenConfiguredStore(const Config& config) {
  auto path = SqlitePath(config);
  if (!path) return path.error();
  if (auto st = MakePrivateDir(config.data_dir); !st) return st.error();
  std::error_code ec;
  if (path->has_parent_path()) std::filesystem::create_directories(path->parent_path(), ec);
  // Every command finds the key here, so none of them can seal with a key the others lack.
  auto key = LoadOrCreateSecretKey(SecretKeyPath(config));
  if (!key) return key.error();
  SqliteStoreOptions options;
  options.sealing_key = key->key;
  options.sealing_key_source = key->path.string();
  auto store = OpenSqliteStore(*path, options);
  if (!store && store.error().code == "secret_key_mismatch" && key->created) {
    // The database was sealed under a key whose file is gone. The file just made holds a key
    // nothing was sealed with; leaving it would only hide which file is missing.
    ::unlink(key->path.c_str());
    return MakeError(ErrorKind::kConflict, "secret_key_missing",
                     "the secret key file " + key->path.string() + " is missing, and " +
                         path->string() +
                         " holds secrets sealed with it: restore that file (or point "
                         "MAILMARK_SECRET_KEY_FILE at it); a new key is never made for a "
                         "sealed database");
  }
  if (store && key->created)
    spdlog::info(
        "created the secret key file {}: back it up with the database, which cannot be "
        "opened without it",
        key->path.string());
  return store;
}

Result<ServeLock> ServeLock::Acquire(const std::filesystem::path& database) {
  std::error_code ec;
  if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path(), ec);
  std::string file = database.string() + ".serve-lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return MakeError(ErrorKind::kInternal, "data_dir_unusable",
                     "cannot open " + file + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return MakeError(ErrorKind::kConflict, "database_in_use",
                     "another mailmark serve is already using " + database.string());
  }
  return ServeLock(fd);
}

ServeLock::ServeLock(ServeLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

ServeLock::~ServeLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mailmark
