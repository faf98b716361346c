#include "engine/transport_provider.h"

#include "mail/outbox_transport.h"
#include "mail/smtp/smtp_transport.h"

namespace mailmark {

std::filesystem::path OutboxDir(const std::filesystem::path& data_dir, const Id& mailbox_id) {
  return data_dir / "outbox" / mailbox_id;
}

MailboxTransports::MailboxTransports(std::filesystem::path data_dir, SmtpPoolOptions smtp)
    : data_dir_(std::move(data_dir)), smtp_(smtp) {}

std::shared_ptr<Transport> MailboxTransports::For(const Mailbox& mailbox) {
  std::lock_guard guard(mu_);
  auto it = transports_.find(mailbox.id);
  if (it != transports_.end() && it->second.settings_version == mailbox.updated_at)
    return it->second.transport;
  std::shared_ptr<Transport> transport;
  if (mailbox.transport == TransportType::kOutbox) {
    transport = std::make_shared<OutboxTransport>(OutboxDir(data_dir_, mailbox.id));
  } else if (mailbox.smtp) {
    SmtpOptions options;
    options.connections = smtp_.connections;
    options.connect_timeout = smtp_.connect_timeout;
    options.command_timeout = smtp_.command_timeout;
    transport = std::make_shared<SmtpTransport>(*mailbox.smtp, options);
  }
  if (transport) transports_[mailbox.id] = Entry{mailbox.updated_at, transport};
  return transport;
}

}  // namespace mailmark
