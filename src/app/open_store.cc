#include "app/open_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite/sqlite_store.h"

namespace mailmark {

Result<std::unique_ptr<Store>> OpenConfiguredStore(const Config& config) {
  auto path = SqlitePath(config);
  if (!path) return path.error();
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (path->has_parent_path()) std::filesystem::create_directories(path->parent_path(), ec);
  return OpenSqliteStore(*path);
}

Result<ServeLock> ServeLock::Acquire(const std::filesystem::path& database) {
  std::error_code ec;
  if (database.has_parent_path()) std::filesystem::create_directories(database.parent_path(), ec);
  std::string file = database.string() + ".serve-lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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
