#include "inbound/imap/imap_client.h"

#include <libetpan/libetpan.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "inbound/imap/tls_verify.h"

namespace mailmark {
namespace {

// libetpan writes with send(…, 0): a peer that hung up would kill the process with SIGPIPE.
// Blocks it on this thread for the guard's lifetime and swallows one it caused.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      timespec now{};
      while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

struct SetDeleter {
  void operator()(mailimap_set* set) const { mailimap_set_free(set); }
};
struct FetchTypeDeleter {
  void operator()(mailimap_fetch_type* type) const { mailimap_fetch_type_free(type); }
};
struct FetchListDeleter {
  void operator()(clist* list) const { mailimap_fetch_list_free(list); }
};
struct CapabilityDeleter {
  void operator()(mailimap_capability_data* caps) const { mailimap_capability_data_free(caps); }
};
struct ChainDeleter {
  void operator()(carray* chain) const { mailstream_certificate_chain_free(chain); }
};
using SetPtr = std::unique_ptr<mailimap_set, SetDeleter>;
using FetchTypePtr = std::unique_ptr<mailimap_fetch_type, FetchTypeDeleter>;
using FetchListPtr = std::unique_ptr<clist, FetchListDeleter>;

// libetpan's timeouts are whole seconds.
time_t Seconds(Duration d) {
  return std::max<time_t>(1, std::chrono::ceil<std::chrono::seconds>(d).count());
}

// The server's text for the last tagged reply ("[AUTHENTICATIONFAILED] …"), if any.
std::string ServerText(mailimap* session) {
  if (session == nullptr || session->imap_response == nullptr) return {};
  return std::string(": ") + session->imap_response;
}

std::string Describe(int code) {
  switch (code) {
    case MAILIMAP_ERROR_STREAM:
      return "connection lost or timed out";
    case MAILIMAP_ERROR_PARSE:
      return "unreadable server reply";
    case MAILIMAP_ERROR_MEMORY:
      return "out of memory";
    case MAILIMAP_ERROR_BAD_STATE:
      return "command not valid in this state";
    default:
      return "IMAP error " + std::to_string(code);
  }
}

Error Fail(const char* code, const std::string& what, int imap_code, mailimap* session,
           ErrorKind kind = ErrorKind::kInternal) {
  std::string text = what + ": " + Describe(imap_code);
  // A refused command (NO/BAD) says why in its reply; a broken stream has no reply.
  if (imap_code != MAILIMAP_ERROR_STREAM) text += ServerText(session);
  return MakeError(kind, code, text);
}

bool IsIpLiteral(const std::string& host) {
  return host.find(':') != std::string::npos ||
         host.find_first_not_of("0123456789.") == std::string::npos;
}

// libetpan's TLS callback: the server name for SNI.
void SetServerName(mailstream_ssl_context* context, void* host) {
  mailstream_ssl_set_server_name(context, static_cast<char*>(host));
}

Status CheckCertificate(mailstream* stream, const std::string& host) {
  std::unique_ptr<carray, ChainDeleter> chain(mailstream_get_certificate_chain(stream));
  std::vector<std::string> der;
  if (chain) {
    for (unsigned i = 0; i < carray_count(chain.get()); ++i) {
      auto* cert = static_cast<MMAPString*>(carray_get(chain.get(), i));
      der.emplace_back(cert->str, cert->len);
    }
  }
  return VerifyServerCertificate(der, host);
}

// Fetch attributes UID (and the whole message, BODY.PEEK[], when `body`).
FetchTypePtr UidFetchType(bool body) {
  FetchTypePtr type(mailimap_fetch_type_new_fetch_att_list_empty());
  if (!type) return nullptr;
  mailimap_fetch_att* uid = mailimap_fetch_att_new_uid();
  if (uid == nullptr) return nullptr;
  if (mailimap_fetch_type_new_fetch_att_list_add(type.get(), uid) != MAILIMAP_NO_ERROR) {
    mailimap_fetch_att_free(uid);
    return nullptr;
  }
  if (!body) return type;
  mailimap_section* whole = mailimap_section_new(nullptr);
  if (whole == nullptr) return nullptr;
  mailimap_fetch_att* peek = mailimap_fetch_att_new_body_peek_section(whole);
  if (peek == nullptr) {
    mailimap_section_free(whole);
    return nullptr;
  }
  if (mailimap_fetch_type_new_fetch_att_list_add(type.get(), peek) != MAILIMAP_NO_ERROR) {
    mailimap_fetch_att_free(peek);
    return nullptr;
  }
  return type;
}

// One FETCH response: its UID (0 when missing) and, when present, the body.
struct Fetched {
  std::uint32_t uid = 0;
  const char* body = nullptr;
  std::size_t body_size = 0;
};

Fetched Read(const mailimap_msg_att* att) {
  Fetched out;
  for (clistiter* it = clist_begin(att->att_list); it != nullptr; it = clist_next(it)) {
    auto* item = static_cast<mailimap_msg_att_item*>(clist_content(it));
    if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC || item->att_data.att_static == nullptr) {
      continue;
    }
    const mailimap_msg_att_static* field = item->att_data.att_static;
    if (field->att_type == MAILIMAP_MSG_ATT_UID) {
      out.uid = field->att_data.att_uid;
    } else if (field->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
               field->att_data.att_body_section != nullptr) {
      out.body = field->att_data.att_body_section->sec_body_part;
      out.body_size = field->att_data.att_body_section->sec_length;
    }
  }
  return out;
}

}  // namespace

void ImapClient::SessionDeleter::operator()(mailimap* session) const {
  SigpipeGuard guard;
  mailimap_free(session);  // closes the stream and its socket
}

ImapClient::ImapClient(Session session, UniqueFd interrupt_fd, Duration timeout)
    : session_(std::move(session)), interrupt_fd_(std::move(interrupt_fd)), timeout_(timeout) {}

ImapClient::~ImapClient() {
  if (session_ && !broken_) {
    SigpipeGuard guard;
    mailimap_logout(session_.get());  // courtesy only: the connection closes either way
  }
}

Result<std::unique_ptr<ImapClient>> ImapClient::Connect(const ImapSettings& settings,
                                                        ImapOptions options) {
  auto fd = ConnectTcp(settings.host, settings.port, options.timeout);
  if (!fd) return fd.error();
  UniqueFd interrupt_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (interrupt_fd.get() < 0) {
    return MakeError(ErrorKind::kInternal, "imap_connect_failed",
                     std::string("eventfd: ") + std::strerror(errno));
  }
  Session session(mailimap_new(0, nullptr));
  if (!session) return MakeError(ErrorKind::kInternal, "imap_connect_failed", "out of memory");
  time_t seconds = Seconds(options.timeout);
  mailimap_set_timeout(session.get(), seconds);
  SigpipeGuard guard;

  // Kept alive for the TLS callback; libetpan copies it.
  std::string sni = IsIpLiteral(settings.host) ? std::string() : settings.host;
  auto* sni_arg = sni.empty() ? nullptr : sni.data();
  mailstream* stream = nullptr;
  if (settings.tls == TlsMode::kTls) {
    stream = sni_arg ? mailstream_ssl_open_with_callback_timeout(fd->get(), seconds, SetServerName,
                                                                 sni_arg)
                     : mailstream_ssl_open_timeout(fd->get(), seconds);
    if (stream == nullptr) {
      return MakeError(ErrorKind::kInvalid, "imap_tls_failed",
                       "TLS handshake with " + settings.host + " failed");
    }
  } else {
    stream = mailstream_socket_open_timeout(fd->get(), seconds);
    if (stream == nullptr) {
      return MakeError(ErrorKind::kInternal, "imap_connect_failed", "out of memory");
    }
  }
  fd->release();  // the stream owns the socket now
  if (settings.tls == TlsMode::kTls && options.tls_verify) {
    // Before reading a byte from a server that may be an impostor.
    if (auto ok = CheckCertificate(stream, settings.host); !ok) {
      mailstream_close(stream);
      return ok.error();
    }
  }
  int r = mailimap_connect(session.get(), stream);  // the session owns the stream, even on error
  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
    return Fail("imap_connect_failed", "no IMAP greeting from " + settings.host, r, session.get());
  }
  if (settings.tls == TlsMode::kStartTls) {
    r = mailimap_starttls(session.get());
    if (r != MAILIMAP_NO_ERROR) {
      return Fail("imap_tls_failed", "STARTTLS refused", r, session.get(), ErrorKind::kInvalid);
    }
    // Anything already buffered came before the handshake, unprotected: an injection attempt
    // (CVE-2020-15953).
    if (stream->read_buffer_len > 0) {
      return MakeError(ErrorKind::kInvalid, "imap_tls_failed",
                       "the server sent data before the TLS handshake");
    }
    mailstream_low* plain = mailstream_get_low(stream);
    mailstream_low* tls =
        sni_arg ? mailstream_low_tls_open_with_callback_timeout(mailstream_low_get_fd(plain),
                                                                seconds, SetServerName, sni_arg)
                : mailstream_low_tls_open_timeout(mailstream_low_get_fd(plain), seconds);
    if (tls == nullptr) {
      return MakeError(ErrorKind::kInvalid, "imap_tls_failed",
                       "TLS handshake with " + settings.host + " failed");
    }
    mailstream_low_free(plain);  // frees the plain driver, keeps the socket for `tls`
    mailstream_set_low(stream, tls);
    if (options.tls_verify) {
      if (auto ok = CheckCertificate(stream, settings.host); !ok) return ok.error();
    }
  }

  std::unique_ptr<ImapClient> client(
      new ImapClient(std::move(session), std::move(interrupt_fd), options.timeout));
  if (r != MAILIMAP_NO_ERROR_AUTHENTICATED || settings.tls == TlsMode::kStartTls) {
    if (auto ok = client->Login(settings); !ok) return ok.error();
  }
  return client;
}

Status ImapClient::Login(const ImapSettings& settings) {
  mailimap* s = session_.get();
  if (s->imap_state == MAILIMAP_STATE_NON_AUTHENTICATED) {
    int r = mailimap_login(s, settings.username.c_str(), settings.password.c_str());
    if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
    if (r != MAILIMAP_NO_ERROR) {
      bool refused = r == MAILIMAP_ERROR_LOGIN;
      return Fail(refused ? "imap_login_failed" : "imap_connect_failed",
                  "login as " + settings.username, r, s,
                  refused ? ErrorKind::kInvalid : ErrorKind::kInternal);
    }
  }
  // Capabilities change with authentication (and TLS): ask again, for IDLE.
  // libetpan 1.9.4 answers an OK to CAPABILITY by copying the list it holds without checking
  // that it holds one: a server that names no capability, before or in that reply, would crash
  // the process (found by tests/fuzz/imap_fuzz.cc). An empty list stands in; a real one
  // replaces it.
  if (s->imap_connection_info != nullptr && s->imap_connection_info->imap_capability == nullptr) {
    clist* none = clist_new();
    mailimap_capability_data* empty = none ? mailimap_capability_data_new(none) : nullptr;
    if (empty == nullptr) {
      if (none != nullptr) clist_free(none);
      return Fail("imap_connect_failed", "CAPABILITY", MAILIMAP_ERROR_MEMORY, s);
    }
    s->imap_connection_info->imap_capability = empty;
  }
  mailimap_capability_data* caps = nullptr;
  int r = mailimap_capability(s, &caps);
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) return Fail("imap_connect_failed", "CAPABILITY", r, s);
  std::unique_ptr<mailimap_capability_data, CapabilityDeleter> owned(caps);
  return Ok{};
}

Result<MailboxState> ImapClient::Select(const std::string& folder) {
  SigpipeGuard guard;
  selected_ = false;
  mailimap* s = session_.get();
  int r = mailimap_examine(s, folder.c_str());
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) {
    return Fail("imap_select_failed", "EXAMINE " + folder, r, s);
  }
  selected_ = true;
  MailboxState state;
  state.uid_validity = s->imap_selection_info->sel_uidvalidity;
  state.uid_next = s->imap_selection_info->sel_uidnext;
  if (state.uid_next == 0) {  // RFC 3501 requires UIDNEXT, but not every server sends it
    auto last = LastUid();
    if (!last) return last.error();
    state.uid_next = *last == std::numeric_limits<std::uint32_t>::max() ? *last : *last + 1;
  }
  return state;
}

Result<std::uint32_t> ImapClient::LastUid() {
  auto uids = UidsSince(0);
  if (!uids) return uids.error();
  return uids->empty() ? 0 : uids->back();
}

// UID FETCH after+1:* (UID). Even when nothing is newer the server answers with the last
// message ("n:*" means "n or the highest UID, whichever is larger"), hence the filter.
Result<std::vector<std::uint32_t>> ImapClient::UidsSince(std::uint32_t after_uid) {
  std::vector<std::uint32_t> uids;
  if (after_uid == std::numeric_limits<std::uint32_t>::max()) return uids;
  mailimap* s = session_.get();
  SetPtr set(mailimap_set_new_interval(after_uid + 1, 0));  // 0 stands for "*"
  FetchTypePtr type = UidFetchType(false);
  if (!set || !type) return Fail("imap_fetch_failed", "UID FETCH", MAILIMAP_ERROR_MEMORY, s);
  clist* raw = nullptr;
  int r = mailimap_uid_fetch(s, set.get(), type.get(), &raw);
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) return Fail("imap_fetch_failed", "UID FETCH (UID)", r, s);
  FetchListPtr list(raw);
  for (clistiter* it = clist_begin(list.get()); it != nullptr; it = clist_next(it)) {
    Fetched f = Read(static_cast<mailimap_msg_att*>(clist_content(it)));
    if (f.uid > after_uid) uids.push_back(f.uid);
  }
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

Result<std::vector<ImapMessage>> ImapClient::FetchSince(std::uint32_t after_uid,
                                                        std::size_t limit) {
  mailimap* s = session_.get();
  if (!selected_) {
    return MakeError(ErrorKind::kInternal, "imap_fetch_failed", "no folder selected");
  }
  std::vector<ImapMessage> messages;
  if (limit == 0) return messages;
  SigpipeGuard guard;
  // First the UIDs only, so the bodies fetched are exactly the `limit` oldest new ones.
  auto uids = UidsSince(after_uid);
  if (!uids) return uids.error();
  if (uids->empty()) return messages;
  if (uids->size() > limit) uids->resize(limit);

  SetPtr set(mailimap_set_new_interval(uids->front(), uids->back()));
  FetchTypePtr type = UidFetchType(true);
  if (!set || !type) return Fail("imap_fetch_failed", "UID FETCH", MAILIMAP_ERROR_MEMORY, s);
  clist* raw = nullptr;
  int r = mailimap_uid_fetch(s, set.get(), type.get(), &raw);
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) return Fail("imap_fetch_failed", "UID FETCH BODY.PEEK[]", r, s);
  FetchListPtr list(raw);
  for (clistiter* it = clist_begin(list.get()); it != nullptr; it = clist_next(it)) {
    Fetched f = Read(static_cast<mailimap_msg_att*>(clist_content(it)));
    // Unsolicited FETCH responses (flag changes by other clients) carry no body: skip them.
    if (f.uid <= after_uid || f.uid < uids->front() || f.uid > uids->back()) continue;
    if (f.body == nullptr) continue;
    messages.push_back(ImapMessage{f.uid, std::string(f.body, f.body_size)});
  }
  std::sort(messages.begin(), messages.end(),
            [](const ImapMessage& a, const ImapMessage& b) { return a.uid < b.uid; });
  messages.erase(
      std::unique(messages.begin(), messages.end(),
                  [](const ImapMessage& a, const ImapMessage& b) { return a.uid == b.uid; }),
      messages.end());
  return messages;
}

Status ImapClient::Noop() {
  SigpipeGuard guard;
  int r = mailimap_noop(session_.get());
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) return Fail("imap_noop_failed", "NOOP", r, session_.get());
  return Ok{};
}

bool ImapClient::SupportsIdle() const { return mailimap_has_idle(session_.get()) != 0; }

void ImapClient::Interrupt() {
  std::uint64_t one = 1;
  // Only fails when the counter is saturated, which still leaves an interrupt pending.
  if (::write(interrupt_fd_.get(), &one, sizeof one) < 0) {
  }
}

bool ImapClient::TakeInterrupt() {
  std::uint64_t count = 0;
  return ::read(interrupt_fd_.get(), &count, sizeof count) == sizeof count;
}

Result<bool> ImapClient::Idle(Duration timeout) {
  mailimap* s = session_.get();
  if (!selected_) return MakeError(ErrorKind::kInternal, "imap_idle_failed", "no folder selected");
  if (!SupportsIdle()) {
    return MakeError(ErrorKind::kInternal, "imap_idle_failed", "the server does not offer IDLE");
  }
  if (TakeInterrupt()) return false;
  SigpipeGuard guard;
  int r = mailimap_idle(s);
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) return Fail("imap_idle_failed", "IDLE", r, s);

  // Wait for the server to say anything (a new message, an expunge, a keep-alive), for the
  // deadline, or for Interrupt(). What it said is read by the DONE exchange below.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool server_spoke = s->imap_stream->read_buffer_len > 0;
  while (!server_spoke) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fds[2] = {{mailimap_idle_get_fd(s), POLLIN, 0}, {interrupt_fd_.get(), POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (fds[1].revents != 0) {
      TakeInterrupt();
      break;
    }
    if (fds[0].revents != 0) server_spoke = true;
  }
  r = mailimap_idle_done(s);
  if (r == MAILIMAP_ERROR_STREAM) broken_ = true;
  if (r != MAILIMAP_NO_ERROR) return Fail("imap_idle_failed", "IDLE DONE", r, s);
  // mailimap_idle cleared these; untagged EXISTS / RECENT during the IDLE set them.
  return s->imap_selection_info->sel_has_exists || s->imap_selection_info->sel_has_recent;
}

}  // namespace mailmark
