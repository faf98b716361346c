// The built-in `outbox` transport: every message becomes a .eml file in a local maildir, so a
// fresh install "sends" without any mail server, and the UI can list what went out.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "mail/outbox_reader.h"  // the read side (listing for the API) lives there
#include "mail/transport.h"

namespace mailmark {

// Writes each message as `<dir>/new/<MessageIdFileName(message_id)>`, crash-safe and
// idempotent by Message-ID. Stateless apart from the folder: SendBatch may run on several
// threads and in several processes at once.
class OutboxTransport : public Transport {
 public:
  // Creates dir/{tmp,new,cur} when missing; a failure here shows up as temporary failures of
  // SendBatch (which tries again), not as an exception. Removes files left in tmp/ more than
  // 36 hours ago (by a writer that was killed mid-write), as maildir deliverers do.
  explicit OutboxTransport(std::filesystem::path dir);

  // kSent "250 ..." once the file is durably in new/ (or was already in new/, or in cur/ under
  // its name, bare or with a reader's ":2,<flags>" info appended);
  // kTemporaryFailure with the errno text on any I/O error. Never kPermanentFailure.
  std::vector<SendResult> SendBatch(std::span<const OutgoingMessage> messages) override;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace mailmark
