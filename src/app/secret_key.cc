#include "app/secret_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

namespace mailmark {
namespace {

Error KeyError(const std::filesystem::path& path, const std::string& what) {
  return MakeError(ErrorKind::kInvalid, "invalid_secret_key",
                   "secret key file " + path.string() + ": " + what);
}

std::string Errno() { return std::strerror(errno); }

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A new file's directory entry, so that a key the database is sealed with survives a power
// loss along with the sealing.
void SyncParent(const std::filesystem::path& path) {
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Creates `path` with `content`, 0600, failing with EEXIST when it is there already.
int CreateExclusive(const std::filesystem::path& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return errno;
  bool ok = WriteAll(fd, content) && ::fsync(fd) == 0;
  int error = ok ? 0 : errno;
  if (::close(fd) != 0 && ok) error = errno;
  if (error != 0) {
    ::unlink(path.c_str());
    return error;
  }
  SyncParent(path);
  return 0;
}

Result<SecretKeyFile> ReadKey(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return KeyError(path, "cannot be read: " + Errno());
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  Result<SecretBox> key = SecretBox::FromBytes(text);
  if (text.size() != SecretBox::kKeyBytes) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    key = SecretBox::FromHex(text);
  }
  if (!key) return KeyError(path, "holds no key (64 hex digits or 32 bytes)");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
    spdlog::warn("secret key file {} may be read by other users: chmod 600 {}", path.string(),
                 path.string());
  return SecretKeyFile{path, *key, false};
}

}  // namespace

Result<SecretKeyFile> LoadOrCreateSecretKey(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return ReadKey(path);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  SecretBox key = SecretBox::Generate();
  int error = CreateExclusive(path, key.Hex() + "\n");
  if (error == EEXIST) return ReadKey(path);  // another process made it first
  if (error != 0) return KeyError(path, std::string("cannot be created: ") + std::strerror(error));
  return SecretKeyFile{path, key, true};
}

Status MakePrivateDir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return MakeError(ErrorKind::kInternal, "data_dir_unusable",
                     "cannot create " + dir.string() + ": " + Errno());
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return MakeError(ErrorKind::kInternal, "data_dir_unusable", dir.string() + " is not a folder");
  if ((st.st_mode & 077) != 0) {
    if (::chmod(dir.c_str(), st.st_mode & 0700) == 0)
      spdlog::info("made {} private to its owner (mode 0700)", dir.string());
    else
      spdlog::warn("cannot make {} private to its owner (chmod 700): {}", dir.string(), Errno());
  }
  return Ok{};
}

Status WritePrivateFile(const std::filesystem::path& path, std::string_view content) {
  // Removed first, so that the new file is ours with our mode whatever was there before.
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return MakeError(ErrorKind::kInternal, "file_unwritable",
                     "cannot replace " + path.string() + ": " + Errno());
  if (int error = CreateExclusive(path, content); error != 0)
    return MakeError(ErrorKind::kInternal, "file_unwritable",
                     "cannot write " + path.string() + ": " + std::strerror(error));
  return Ok{};
}

}  // namespace mailmark
