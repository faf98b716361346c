#include "engine/inbound_service.h"

#include <set>

#include <spdlog/spdlog.h>

namespace mailmark {
namespace {

bool SameImap(const ImapSettings& a, const ImapSettings& b) {
  return a.host == b.host && a.port == b.port && a.tls == b.tls && a.username == b.username &&
         a.password == b.password && a.folder == b.folder;
}

}  // namespace

InboundService::InboundService(Store& store, Clock& clock, InboundServiceOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      processor_(store, clock, options_.processor) {}

InboundService::~InboundService() { Stop(); }

void InboundService::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  refresh_ = true;
  thread_ = std::thread([this] { Run(); });
}

void InboundService::Refresh() {
  {
    std::lock_guard lock(mu_);
    refresh_ = true;
  }
  cv_.notify_all();
}

void InboundService::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void InboundService::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (!refresh_) cv_.wait_for(lock, options_.resync, [this] { return refresh_ || stopping_; });
    if (stopping_) break;
    refresh_ = false;
    lock.unlock();
    Sync();
    lock.lock();
  }
  lock.unlock();
  // Stopping the pollers in parallel would be faster; each returns within the IMAP timeout.
  for (auto& [id, r] : running_) r.poller->Stop();
  running_.clear();
  lock.lock();
}

void InboundService::Sync() {
  std::map<Id, Mailbox> wanted;
  for (Mailbox& m : store_.ListImapMailboxes())
    if (m.imap) wanted.emplace(m.id, std::move(m));

  for (auto it = running_.begin(); it != running_.end();) {
    auto w = wanted.find(it->first);
    if (w != wanted.end() && SameImap(*w->second.imap, *it->second.mailbox.imap)) {
      it->second.mailbox = w->second;  // names may change; the poller keeps its settings
      ++it;
      continue;
    }
    spdlog::info("inbound: mailbox {}: IMAP {}", it->first,
                 w == wanted.end() ? "removed" : "settings changed");
    it->second.poller->Stop();
    it = running_.erase(it);
  }
  for (auto& [id, mailbox] : wanted) {
    if (running_.contains(id)) continue;
    spdlog::info("inbound: mailbox {}: watching {}:{} {}", id, mailbox.imap->host,
                 mailbox.imap->port, mailbox.imap->folder);
    Running r{mailbox, MakePoller(mailbox)};
    r.poller->Start();
    running_.emplace(id, std::move(r));
  }
}

std::unique_ptr<ImapPoller> InboundService::MakePoller(const Mailbox& mailbox) {
  const Id id = mailbox.id;
  ImapPollerCallbacks callbacks;
  callbacks.load_cursor = [this, id]() -> std::optional<ImapCursor> {
    auto row = store_.LoadImapCursor(id);
    if (!row) return std::nullopt;
    return ImapCursor{row->uid_validity, row->last_uid};
  };
  // The poller's copy of the mailbox: only its id and owner matter to the processor, and
  // neither ever changes.
  callbacks.on_message = [this, mailbox](const ImapMessage& m) {
    Status st = processor_.Process(mailbox, m.raw);
    if (!st)
      spdlog::warn("inbound: mailbox {}: message uid {} not processed: {}", mailbox.id, m.uid,
                   st.error().message);
    return st.ok();
  };
  callbacks.save_cursor = [this, id](const ImapCursor& c) {
    return store_.SaveImapCursor(id, c.uid_validity, c.last_uid);
  };
  callbacks.on_status = [this, id](const ImapStatus& s) {
    if (!s.connected && !s.last_error.empty())
      spdlog::warn("inbound: mailbox {}: IMAP: {}", id, s.last_error);
    if (Status st = store_.SaveImapStatus(id, s.connected, s.last_error, s.at); !st)
      spdlog::warn("inbound: mailbox {}: cannot save the IMAP status: {}", id, st.error().message);
  };
  ImapPollerOptions options = options_.poller;
  options.now = [this] { return clock_.Now(); };
  return std::make_unique<ImapPoller>(*mailbox.imap, std::move(callbacks), std::move(options));
}

}  // namespace mailmark
