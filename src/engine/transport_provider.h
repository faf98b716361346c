// Which transport delivers a mailbox's mail.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "core/model.h"
#include "mail/transport.h"

namespace mailmark {

class TransportProvider {
 public:
  virtual ~TransportProvider() = default;
  // The mailbox's transport, or nullptr when this build cannot deliver that way (the sends
  // then fail temporarily and are retried, never dropped).
  virtual Transport* For(const Mailbox& mailbox) = 0;
};

// The outbox of mailbox M lives in `<data_dir>/outbox/<M>`.
std::filesystem::path OutboxDir(const std::filesystem::path& data_dir, const Id& mailbox_id);

// Outbox mailboxes write into OutboxDir; SMTP arrives with the smtp transport (issue 3).
class LocalTransportProvider final : public TransportProvider {
 public:
  explicit LocalTransportProvider(std::filesystem::path data_dir);
  Transport* For(const Mailbox& mailbox) override;

 private:
  std::filesystem::path data_dir_;
  std::mutex mu_;
  std::map<Id, std::unique_ptr<Transport>> outboxes_;
};

}  // namespace mailmark
