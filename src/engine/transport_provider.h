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
  // The mailbox's transport, or nullptr when it cannot be built (the sends then fail
  // temporarily and are retried, never dropped). Shared: a settings change replaces the
  // transport while batches still hold the old one.
  virtual std::shared_ptr<Transport> For(const Mailbox& mailbox) = 0;
};

// The outbox of mailbox M lives in `<data_dir>/outbox/<M>`.
std::filesystem::path OutboxDir(const std::filesystem::path& data_dir, const Id& mailbox_id);

struct SmtpPoolOptions {
  std::size_t connections = 4;  // per mailbox
  Duration connect_timeout = std::chrono::seconds(10);
  Duration command_timeout = std::chrono::seconds(60);
};

// One transport per mailbox, kept (with its open SMTP connections) until the mailbox's
// settings change.
class MailboxTransports final : public TransportProvider {
 public:
  MailboxTransports(std::filesystem::path data_dir, SmtpPoolOptions smtp);
  std::shared_ptr<Transport> For(const Mailbox& mailbox) override;

 private:
  struct Entry {
    Timestamp settings_version;
    std::shared_ptr<Transport> transport;
  };
  std::filesystem::path data_dir_;
  SmtpPoolOptions smtp_;
  std::mutex mu_;
  std::map<Id, Entry> transports_;
};

}  // namespace mailmark
