// Outbox file names and files (GET /api/outbox/{messageId}: the id comes from the URL): a
// Message-ID never names a file outside new/ and cur/, and a listed message's fields are text
// the API can send.
//
// Input: a Message-ID, then (after "@@") a message file to list.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/utf8.h"
#include "fuzz_support.h"
#include "mail/message_id.h"
#include "mail/outbox_reader.h"

using namespace mailmark;
namespace fs = std::filesystem;

namespace {

fs::path scratch;

void RemoveScratch() {
  std::error_code ec;
  fs::remove_all(scratch, ec);
}

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

bool FileNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '+' || c == '-';
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string tmpl = (fs::temp_directory_path() / "mm-outbox-fuzz-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  scratch = fs::canonical(tmpl);
  std::atexit(RemoveScratch);
  Write(scratch / "outbox" / "new" / "sent@example.com.eml", "Message-ID: <sent@example.com>\r\n");
  Write(scratch / "outbox" / "secret.eml", "SECRET");
  Write(scratch / "outbox" / "new.eml", "SECRET");
  Write(scratch / "secret.eml", "SECRET");
  fs::create_directories(scratch / "outbox" / "cur");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  std::string_view id = input.Part();
  std::string_view file = input.Rest();

  std::string name = MessageIdFileName(id);
  FUZZ_CHECK(!name.empty() && name != "." && name != ".." && name.size() <= 200);
  for (char c : name) FUZZ_CHECK(FileNameChar(c));
  if (auto raw = ReadOutboxMessage(scratch / "outbox", id)) {
    FUZZ_CHECK(raw->find("SECRET") == std::string::npos);
  }

  fs::path listed = scratch / "listed";
  Write(listed / "new" / "m.eml", file);
  for (const OutboxEntry& entry : ListOutbox(listed, 10, 0)) {
    FUZZ_CHECK(IsValidUtf8(entry.subject));
    FUZZ_CHECK(entry.size == file.size());
  }
  FUZZ_CHECK(CountOutbox(listed) == 1);
  return 0;
}
