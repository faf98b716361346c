#include "inbound/imap/imap_poller.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace mailmark {

ImapPoller::ImapPoller(ImapSettings settings, ImapPollerCallbacks callbacks,
                       ImapPollerOptions options)
    : settings_(std::move(settings)),
      callbacks_(std::move(callbacks)),
      options_(std::move(options)) {}

ImapPoller::~ImapPoller() { Stop(); }

void ImapPoller::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void ImapPoller::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (active_client_ != nullptr) active_client_->Interrupt();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ImapPoller::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void ImapPoller::WaitFor(Duration d) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, d, [this] { return stopping_; });
}

void ImapPoller::Report(bool connected, std::string error) {
  if (callbacks_.on_status)
    callbacks_.on_status(ImapStatus{connected, std::move(error), options_.now()});
}

void ImapPoller::Run() {
  std::optional<ImapCursor> cursor;
  if (callbacks_.load_cursor) cursor = callbacks_.load_cursor();
  Backoff backoff(options_.min_backoff, options_.max_backoff);
  while (!Stopping()) {
    std::string error = Session(cursor, backoff);
    if (Stopping()) break;
    Report(false, std::move(error));
    WaitFor(backoff.Next());
  }
}

std::string ImapPoller::Session(std::optional<ImapCursor>& cursor, Backoff& backoff) {
  auto connected = ImapClient::Connect(settings_, options_.client);
  if (!connected) return connected.error().message;
  std::unique_ptr<ImapClient> client = std::move(connected).value();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return {};
    active_client_ = client.get();
  }
  // Stop() must never reach a client that is gone: unpublish before it is destroyed.
  struct Unpublish {
    ImapPoller* poller;
    ~Unpublish() {
      std::lock_guard lock(poller->mu_);
      poller->active_client_ = nullptr;
    }
  } unpublish{this};

  auto state = client->Select(settings_.folder);
  if (!state) return state.error().message;
  if (!cursor || cursor->uid_validity != state->uid_validity) {
    // See the header: a new folder (or first start) begins at its end.
    ImapCursor fresh{state->uid_validity, state->uid_next > 0 ? state->uid_next - 1 : 0};
    if (callbacks_.save_cursor) {
      if (auto saved = callbacks_.save_cursor(fresh); !saved) return saved.error().message;
    }
    cursor = fresh;
  }
  Report(true, {});
  backoff.Reset();

  while (!Stopping()) {
    if (std::string error = Drain(*client, *cursor); !error.empty()) return error;
    if (Stopping()) break;
    if (options_.use_idle && client->SupportsIdle()) {
      auto news = client->Idle(options_.idle_timeout);
      if (!news) return news.error().message;
    } else {
      WaitFor(options_.poll_interval);
      if (Stopping()) break;
      if (auto ok = client->Noop(); !ok) return ok.error().message;
    }
  }
  return {};
}

std::string ImapPoller::Drain(ImapClient& client, ImapCursor& cursor) {
  std::size_t batch = std::max<std::size_t>(1, options_.batch);
  for (;;) {
    auto messages = client.FetchSince(cursor.last_uid, batch);
    if (!messages) return messages.error().message;
    for (const ImapMessage& message : *messages) {
      if (Stopping()) return {};
      if (!callbacks_.on_message(message)) {
        return "message with UID " + std::to_string(message.uid) + " was not processed";
      }
      ImapCursor next{cursor.uid_validity, message.uid};
      if (callbacks_.save_cursor) {
        if (auto saved = callbacks_.save_cursor(next); !saved) return saved.error().message;
      }
      cursor = next;
    }
    if (messages->size() < batch) return {};
  }
}

}  // namespace mailmark
