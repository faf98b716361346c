#include "engine/transport_provider.h"

#include "mail/outbox_transport.h"

namespace mailmark {

std::filesystem::path OutboxDir(const std::filesystem::path& data_dir, const Id& mailbox_id) {
  return data_dir / "outbox" / mailbox_id;
}

LocalTransportProvider::LocalTransportProvider(std::filesystem::path data_dir)
    : data_dir_(std::move(data_dir)) {}

Transport* LocalTransportProvider::For(const Mailbox& mailbox) {
  if (mailbox.transport != TransportType::kOutbox) return nullptr;
  std::lock_guard guard(mu_);
  auto& slot = outboxes_[mailbox.id];
  if (!slot) slot = std::make_unique<OutboxTransport>(OutboxDir(data_dir_, mailbox.id));
  return slot.get();
}

}  // namespace mailmark
