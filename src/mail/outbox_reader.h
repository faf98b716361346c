// The read side of the outbox maildir: what the API lists and shows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace mailmark {

struct OutboxEntry {
  std::string message_id;   // as in the Message-ID header, "<...>"
  std::string to;           // the first To address
  std::string subject;      // decoded from encoded-words
  Timestamp sent_at;        // file mtime
  std::uintmax_t size = 0;  // bytes
};

// Messages in new/ and cur/, newest first (ties by file name), `limit` of them after skipping
// `offset`. Only the headers of the listed files are read. A missing folder is an empty outbox.
std::vector<OutboxEntry> ListOutbox(const std::filesystem::path& dir, std::size_t limit,
                                    std::size_t offset);
std::size_t CountOutbox(const std::filesystem::path& dir);
// The raw message written for `message_id` ("<..>" or bare), or nullopt when there is none.
std::optional<std::string> ReadOutboxMessage(const std::filesystem::path& dir,
                                             std::string_view message_id);

}  // namespace mailmark
