#include "mail/outbox_reader.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

#include <gmime/gmime.h>
#include <sys/stat.h>

#include "mail/gmime_runtime.h"
#include "mail/gobject_ptr.h"
#include "mail/message_id.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;

// Headers longer than this are not a message we wrote; the rest is ignored.
constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

struct FileInfo {
  fs::path path;
  Timestamp mtime;
  std::uintmax_t size = 0;
};

// Regular, non-hidden files of new/ and cur/ (maildir readers may move mail to cur/).
std::vector<FileInfo> ScanMaildir(const fs::path& dir) {
  std::vector<FileInfo> files;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (fs::directory_iterator it(dir / sub, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.empty() || name.front() == '.') continue;
      struct stat st {};
      if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      auto since_epoch =
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec);
      files.push_back({it->path(), Timestamp(std::chrono::duration_cast<Duration>(since_epoch)),
                       static_cast<std::uintmax_t>(st.st_size)});
    }
  }
  return files;
}

// The header block of a file: everything up to and including the first empty line.
std::string ReadHeaderBlock(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string headers;
  std::string line;
  while (headers.size() < kMaxHeaderBytes && std::getline(in, line)) {
    headers += line;
    headers += '\n';
    if (line.empty() || line == "\r") break;
  }
  return headers;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

OutboxEntry ParseEntry(const FileInfo& file) {
  OutboxEntry entry;
  entry.sent_at = file.mtime;
  entry.size = file.size;
  std::string headers = ReadHeaderBlock(file.path);
  EnsureGMimeInitialized();
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(headers.data(), headers.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (message) {
    if (const char* id = g_mime_object_get_header(GMIME_OBJECT(message.get()), "Message-ID")) {
      entry.message_id = Trim(id);
    }
    if (const char* subject = g_mime_message_get_subject(message.get())) entry.subject = subject;
    InternetAddressList* to = g_mime_message_get_to(message.get());
    if (to != nullptr && internet_address_list_length(to) > 0) {
      InternetAddress* first = internet_address_list_get_address(to, 0);
      if (INTERNET_ADDRESS_IS_MAILBOX(first)) {
        const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(first));
        if (addr != nullptr) entry.to = addr;
      }
    }
  }
  if (entry.message_id.empty()) {
    // Not a message we wrote, or damaged: the file name still identifies it.
    std::string name = file.path.filename().string();
    entry.message_id = "<" + name.substr(0, name.find(".eml")) + ">";
  }
  return entry;
}

}  // namespace

std::vector<OutboxEntry> ListOutbox(const fs::path& dir, std::size_t limit, std::size_t offset) {
  std::vector<FileInfo> files = ScanMaildir(dir);
  if (offset >= files.size() || limit == 0) return {};
  std::size_t count = std::min(limit, files.size() - offset);
  auto newer = [](const FileInfo& a, const FileInfo& b) {
    if (a.mtime != b.mtime) return a.mtime > b.mtime;
    return a.path.filename() > b.path.filename();
  };
  // Only the requested page needs ordering; only its files are opened.
  std::partial_sort(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(offset + count),
                    files.end(), newer);
  std::vector<OutboxEntry> entries;
  entries.reserve(count);
  for (std::size_t i = offset; i < offset + count; ++i) entries.push_back(ParseEntry(files[i]));
  return entries;
}

std::size_t CountOutbox(const fs::path& dir) { return ScanMaildir(dir).size(); }

std::optional<std::string> ReadOutboxMessage(const fs::path& dir, std::string_view message_id) {
  std::string name = MessageIdFileName(message_id);
  for (const char* sub : {"new", "cur"}) {
    fs::path path = dir / sub / name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return std::nullopt;
}

}  // namespace mailmark
