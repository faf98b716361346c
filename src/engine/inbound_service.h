// Inbound mail for every mailbox with IMAP settings: one ImapPoller per such mailbox, feeding
// an InboundProcessor, with the cursor and the connection status kept in the store. A
// mailbox whose IMAP is broken only shows it in its status: sending never depends on it.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/clock.h"
#include "engine/inbound_processor.h"
#include "inbound/imap/imap_poller.h"
#include "store/store.h"

namespace mailmark {

struct InboundServiceOptions {
  // Template for every poller (timeouts, backoff, TLS checks); `now` is replaced by the clock.
  ImapPollerOptions poller;
  // Safety net: re-read the mailboxes this often even without Refresh() (another process, a
  // missed call).
  Duration resync = std::chrono::minutes(1);
  InboundProcessorOptions processor;  // what a message does (e.g. the out-of-office pause)
};

class InboundService {
 public:
  InboundService(Store& store, Clock& clock, InboundServiceOptions options);
  ~InboundService();  // Stop()
  InboundService(const InboundService&) = delete;
  InboundService& operator=(const InboundService&) = delete;

  void Start();  // reads the mailboxes and starts their pollers, on the service's thread
  // Mailboxes may have changed (created, edited, deleted): the service's thread re-reads
  // them soon. Cheap and non-blocking, callable from any thread.
  void Refresh();
  void Stop();  // stops every poller (each finishes the message in hand) and the thread

 private:
  struct Running {
    Mailbox mailbox;
    std::unique_ptr<ImapPoller> poller;
  };

  void Run();
  void Sync();  // starts, restarts and stops pollers to match the store
  std::unique_ptr<ImapPoller> MakePoller(const Mailbox& mailbox);

  Store& store_;
  Clock& clock_;
  const InboundServiceOptions options_;
  InboundProcessor processor_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool refresh_ = false;           // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  std::map<Id, Running> running_;  // the service's thread only
  std::thread thread_;
};

}  // namespace mailmark
