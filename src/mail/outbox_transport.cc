#include "mail/outbox_transport.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ids.h"
#include "mail/message_id.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;

// Closes a POSIX file descriptor on every path out.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closing can report a deferred write error (NFS), so it is checked where it matters.
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

SendResult IoFailure(std::string_view operation, const fs::path& path, int error) {
  return {SendStatus::kTemporaryFailure,
          std::string(operation) + " " + path.string() + ": " + ErrnoText(error)};
}

std::error_code EnsureMaildir(const fs::path& dir) {
  std::error_code ec;
  for (const char* sub : {"tmp", "new", "cur"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) return ec;
  }
  return ec;
}

bool Exists(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

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

// Moves tmp to target unless target exists. Returns 0, EEXIST, or another errno.
int RenameNoReplace(const fs::path& tmp, const fs::path& target) {
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return errno;
  // File systems without RENAME_NOREPLACE: link() refuses to replace as well (classic
  // maildir delivery); the tmp name is then removed by the caller.
  if (::link(tmp.c_str(), target.c_str()) == 0) return 0;
  return errno;
}

enum class Placed { kWritten, kAlreadyThere };

// Writes `raw` to tmp/, flushes it to disk and moves it to `target` in new/, so a reader of
// new/ only ever sees complete files. The directory entry itself is flushed by the caller.
std::variant<Placed, SendResult> Place(const fs::path& tmp_dir, const fs::path& target,
                                       std::string_view raw) {
  // Unique per attempt: two threads or processes may write the same message at once.
  fs::path tmp = tmp_dir / (target.filename().string() + "." + std::to_string(::getpid()) + "." +
                            RandomHex(8));
  // Owner only: a message carries a contact's address and what was written to them.
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoFailure("open", tmp, errno);
  auto fail = [&tmp](std::string_view operation, int error) {
    ::unlink(tmp.c_str());
    return IoFailure(operation, tmp, error);
  };
  if (!WriteAll(fd.get(), raw)) return fail("write", errno);
  if (::fsync(fd.get()) != 0) return fail("fsync", errno);
  if (fd.Close() != 0) return fail("close", errno);
  int error = RenameNoReplace(tmp, target);
  ::unlink(tmp.c_str());  // after a successful rename there is nothing left to remove
  if (error == EEXIST) return Placed::kAlreadyThere;
  if (error != 0) return IoFailure("rename into", target, error);
  return Placed::kWritten;
}

int SyncDirectory(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return 0;
}

// What a writer killed between write() and rename() leaves in tmp/ (never a message: readers
// look at new/ and cur/ only, and the retry writes under a fresh tmp name). Removed once old
// enough that no live writer can still own it: maildir's 36 hours, since another process may
// be writing to the same folder right now.
void RemoveStaleTmpFiles(const fs::path& tmp_dir) {
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(36);
  std::error_code ec;
  for (fs::directory_iterator it(tmp_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    if (auto written = it->last_write_time(file_ec); !file_ec && written < cutoff)
      fs::remove(it->path(), file_ec);
  }
}

constexpr std::string_view kAlreadyInOutbox = "250 already in outbox";

// The message names in cur/, without the ":2,<flags>" info a maildir reader appends when it
// moves a message there ("<name>:2,S" once seen). Listed once per batch, and only when some
// message is in neither new/ nor cur/ under its bare name.
class CurNames {
 public:
  explicit CurNames(fs::path dir) : dir_(std::move(dir)) {}

  bool Has(const std::string& name) {
    if (Exists(dir_ / name)) return true;
    if (!listed_) List();
    return names_.count(name) > 0;
  }

 private:
  void List() {
    listed_ = true;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      std::string file = it->path().filename().string();
      if (auto colon = file.find(':'); colon != std::string::npos)
        names_.insert(file.substr(0, colon));
    }
  }

  fs::path dir_;
  bool listed_ = false;
  std::set<std::string> names_;
};

}  // namespace

OutboxTransport::OutboxTransport(std::filesystem::path dir) : dir_(std::move(dir)) {
  // Failures are reported (and retried) by SendBatch.
  if (!EnsureMaildir(dir_)) RemoveStaleTmpFiles(dir_ / "tmp");
}

std::vector<SendResult> OutboxTransport::SendBatch(std::span<const OutgoingMessage> messages) {
  std::vector<SendResult> results(messages.size());
  if (messages.empty()) return results;
  // Re-checked per batch: the folder may have been created late or removed meanwhile.
  if (std::error_code ec = EnsureMaildir(dir_)) {
    for (SendResult& result : results) {
      result = {SendStatus::kTemporaryFailure, "create " + dir_.string() + ": " + ec.message()};
    }
    return results;
  }
  const fs::path tmp_dir = dir_ / "tmp";
  const fs::path new_dir = dir_ / "new";
  CurNames cur(dir_ / "cur");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    std::string name = MessageIdFileName(messages[i].message_id);
    fs::path target = new_dir / name;
    if (Exists(target) || cur.Has(name)) {
      results[i] = {SendStatus::kSent, std::string(kAlreadyInOutbox)};
      continue;
    }
    auto placed = Place(tmp_dir, target, messages[i].raw);
    if (auto* failure = std::get_if<SendResult>(&placed)) {
      results[i] = std::move(*failure);
    } else if (std::get<Placed>(placed) == Placed::kAlreadyThere) {
      results[i] = {SendStatus::kSent, std::string(kAlreadyInOutbox)};
    } else {
      results[i] = {SendStatus::kSent, "250 written to outbox as new/" + name};
    }
  }
  // Group commit: each file was fsynced before its rename, but the renames themselves only
  // become durable when new/ is fsynced. One directory fsync covers every rename of the
  // batch, instead of one per message (the slow part of maildir delivery). It also runs when
  // every message was "already there": an earlier attempt may have renamed without reaching
  // its fsync. A message is reported sent only after this succeeds.
  bool any_sent = false;
  for (const SendResult& result : results) any_sent |= result.status == SendStatus::kSent;
  if (any_sent) {
    if (int error = SyncDirectory(new_dir); error != 0) {
      for (SendResult& result : results) {
        if (result.status == SendStatus::kSent) result = IoFailure("fsync", new_dir, error);
      }
    }
  }
  return results;
}

}  // namespace mailmark
