// One mailbox's inbound loop on its own thread: connect, examine the folder, hand every new
// message to on_message in UID order, remember the last UID handled, then wait (IDLE, or a
// poll interval) and repeat. Reconnects with exponential backoff. Read-only: never changes a
// flag, never deletes.
//
// Cursor rules:
//  - The cursor advances (save_cursor) only after on_message returned true for that message,
//    so a crash neither loses a message nor repeats more than the one in flight.
//  - No saved cursor (first start), or a UIDVALIDITY different from the saved one (the folder
//    was rebuilt and old UIDs mean nothing): start at the folder's end (UIDNEXT - 1). Mail
//    that was already there is not processed: re-reading a rebuilt or years-old inbox would
//    raise stale replies and bounces. The new cursor is saved at once.
//  - on_message returning false: the cursor stays, the session ends as failed and the same
//    message is offered again after the backoff.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/model.h"
#include "core/result.h"
#include "core/time.h"
#include "inbound/imap/backoff.h"
#include "inbound/imap/imap_client.h"

namespace mailmark {

struct ImapCursor {
  std::uint32_t uid_validity = 0;
  std::uint32_t last_uid = 0;  // every message up to this UID has been processed
  bool operator==(const ImapCursor&) const = default;
};

struct ImapStatus {
  bool connected = false;  // logged in, folder examined
  std::string last_error;  // why the last session failed ("" while connected without error)
  Timestamp at;            // when this status began
};

struct ImapPollerOptions {
  ImapOptions client;                                // connect / reply timeout, TLS checks
  bool use_idle = true;                              // false: poll even when IDLE is offered
  Duration poll_interval = std::chrono::seconds(1);  // servers without IDLE
  // Re-issue IDLE this often even without news (RFC 2177: servers drop idle clients after
  // 30 minutes), and re-check the folder each time.
  Duration idle_timeout = std::chrono::minutes(5);
  Duration min_backoff = std::chrono::seconds(1);  // first reconnect delay, doubling …
  Duration max_backoff = std::chrono::minutes(5);  // … up to this
  std::size_t batch = 100;                         // messages fetched per round trip
  // The time ImapStatus::at reports (the engine's Clock, in production).
  std::function<Timestamp()> now = [] {
    return std::chrono::floor<Duration>(std::chrono::system_clock::now());
  };
};

struct ImapPollerCallbacks {
  std::function<std::optional<ImapCursor>()> load_cursor;  // once, when the thread starts
  std::function<bool(const ImapMessage&)> on_message;      // true: processed, advance
  std::function<Status(const ImapCursor&)> save_cursor;    // must be durable on Ok
  std::function<void(const ImapStatus&)> on_status;        // optional
};

class ImapPoller {
 public:
  // Every callback runs on the poller's thread.
  ImapPoller(ImapSettings settings, ImapPollerCallbacks callbacks, ImapPollerOptions options = {});
  ~ImapPoller();  // Stop()
  ImapPoller(const ImapPoller&) = delete;
  ImapPoller& operator=(const ImapPoller&) = delete;

  void Start();  // starts the thread (once)
  // Wakes the thread from IDLE or a wait and joins it. A network call in progress finishes
  // first (bounded by options.client.timeout); so does an on_message call.
  void Stop();

 private:
  void Run();
  // One connection's life; returns why it ended ("" when asked to stop).
  std::string Session(std::optional<ImapCursor>& cursor, Backoff& backoff);
  // Hands every message after the cursor to on_message; "" or why it stopped.
  std::string Drain(ImapClient& client, ImapCursor& cursor);
  void Report(bool connected, std::string error);
  bool Stopping();
  void WaitFor(Duration d);  // returns early on Stop()

  const ImapSettings settings_;
  const ImapPollerCallbacks callbacks_;
  const ImapPollerOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                // guarded by mu_
  ImapClient* active_client_ = nullptr;  // guarded by mu_: what Stop() interrupts
  std::thread thread_;
};

}  // namespace mailmark
