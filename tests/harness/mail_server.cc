#include "harness/mail_server.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>

#include "harness/run_command.h"

namespace mailmark::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPostfix = "/usr/sbin/postfix";
constexpr const char* kPostfixMaster = "/usr/lib/postfix/sbin/master";
constexpr const char* kDovecot = "/usr/sbin/dovecot";
// Owner of every mailbox file. It needs no /etc/passwd entry: Postfix's virtual delivery agent
// and Dovecot both take the bare number.
constexpr int kMailUid = 5000;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

// Whether `pid` is a live process. Postfix's master is no child of ours: once it exits it may
// stay a zombie until whoever adopted it reaps it, and a zombie counts as gone.
bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  std::size_t close = stat.rfind(')');  // "pid (comm) S ...": comm may hold blanks
  return close == std::string::npos || stat.compare(close, 3, ") Z") != 0;
}

// Whether `pid` is a live Postfix master: a PID file can outlive its process, and its number
// can be reused by an unrelated one.
bool PostfixMasterAlive(pid_t pid) {
  if (!ProcessAlive(pid)) return false;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return !ec && exe == kPostfixMaster;
}

pid_t ReadPid(const fs::path& pid_file) {
  std::istringstream in(ReadFile(pid_file));
  long pid = -1;
  in >> pid;
  return in ? static_cast<pid_t>(pid) : -1;
}

void Chown(const fs::path& path, uid_t uid, gid_t gid) {
  if (::chown(path.c_str(), uid, gid) != 0) {
    throw std::runtime_error("cannot chown " + path.string());
  }
}

// Local parts the configuration files can carry without quoting.
void CheckUser(const std::string& user) {
  bool ok =
      !user.empty() && user.find('+') == std::string::npos &&
      std::all_of(user.begin(), user.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      });
  if (!ok) throw std::invalid_argument("unsuitable mail user name: " + user);
}

// Maildir file names start "SECONDS.…M<microseconds>.…" (Postfix) or "SECONDS.…" (others):
// the delivery time, finer than the files' modification times guarantee.
std::tuple<long, long, std::string> DeliveryOrder(const std::string& name) {
  long seconds = std::atol(name.c_str());
  long micros = 0;
  std::size_t dot = name.find('.');
  std::size_t m = dot == std::string::npos ? dot : name.find('M', dot);
  std::size_t next_dot = dot == std::string::npos ? dot : name.find('.', dot + 1);
  if (m != std::string::npos && m < next_dot) micros = std::atol(name.c_str() + m + 1);
  return {seconds, micros, name};
}

// Every "@NAME@" in `text` replaced by its value.
std::string Fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    std::string key = "@" + name + "@";
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
      text.replace(at, key.size(), value);
      at += value.size();
    }
  }
  return text;
}

// Without maillog_file_prefixes Postfix refuses the log file (silently without a terminal).
// Unknown users are accepted on the main listener, then the delivery agent bounces them with
// a real DSN; the strict listener (master.cf) refuses them at RCPT instead. Nothing may leave
// the machine: every other domain bounces at once. message_size_limit must stay below
// virtual_mailbox_limit, else the delivery agent is disabled for 60 s.
constexpr const char* kMainCf = R"(compatibility_level = 3.6
config_directory = @DIR@/etc
queue_directory = @DIR@/queue
data_directory = @DIR@/data
maillog_file = @DIR@/log/postfix.log
maillog_file_prefixes = @DIR@/log
myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
virtual_mailbox_domains = example.test
virtual_mailbox_base = @DIR@/mail
virtual_mailbox_maps = texthash:@DIR@/etc/vmailbox
virtual_uid_maps = static:@UID@
virtual_gid_maps = static:@UID@
smtpd_reject_unlisted_recipient = no
default_transport = error:5.7.1 this test server delivers only to example.test
relay_transport = error:5.7.1 this test server delivers only to example.test
recipient_delimiter = +
bounce_queue_lifetime = 0
message_size_limit = 20000000
virtual_mailbox_limit = 100000000
)";

// Chroot column "n" everywhere: the instance has no chroot jail to run in.
constexpr const char* kMasterCf = R"(127.0.0.1:@SMTP@ inet n - n - - smtpd
127.0.0.1:@STRICT@ inet n - n - - smtpd -o smtpd_reject_unlisted_recipient=yes
pickup     unix n - n 60 1 pickup
cleanup    unix n - n - 0 cleanup
qmgr       unix n - n 300 1 qmgr
rewrite    unix - - n - - trivial-rewrite
bounce     unix - - n - 0 bounce
defer      unix - - n - 0 bounce
trace      unix - - n - 0 bounce
verify     unix - - n - 1 verify
flush      unix n - n 1000? 0 flush
proxymap   unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
showq      unix n - n - - showq
error      unix - - n - - error
retry      unix - - n - - error
discard    unix - - n - - discard
virtual    unix - n n - - virtual
anvil      unix - - n - 1 anvil
scache     unix - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
)";

// Standalone: nothing from /etc/dovecot is included. No delay after a failed login: tests try
// wrong passwords on purpose.
constexpr const char* kDovecotConf = R"(base_dir = @DIR@/dovecot/run
state_dir = @DIR@/dovecot/state
instance_name = mm-test-@IMAP@
log_path = @DIR@/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_uid = @UID@
mail_gid = @UID@
first_valid_uid = @UID@
last_valid_uid = @UID@
first_valid_gid = @UID@
last_valid_gid = @UID@
passdb {
  driver = passwd-file
  args = scheme=PLAIN @DIR@/etc/dovecot.passwd
}
userdb {
  driver = static
  args = uid=@UID@ gid=@UID@ home=@DIR@/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = @IMAP@
  }
  inet_listener imaps {
    port = 0
  }
}
)";

bool PortClash(const std::string& log) {
  return log.find("Address already in use") != std::string::npos;
}

}  // namespace

std::optional<std::string> PrivateMailServer::Missing(bool imap) {
  if (::geteuid() != 0) return std::string("a private Postfix instance needs root");
  if (::access(kPostfix, X_OK) != 0) {
    return std::string(kPostfix) + " not found: install the `postfix` package";
  }
  if (::getpwnam("postfix") == nullptr) return std::string("no `postfix` user");
  if (imap) {
    if (::access(kDovecot, X_OK) != 0) {
      return std::string(kDovecot) + " not found: install `dovecot-core dovecot-imapd`";
    }
    if (::getgrnam("dovecot") == nullptr) return std::string("no `dovecot` group");
  }
  return std::nullopt;
}

PrivateMailServer::PrivateMailServer(MailServerOptions options)
    : options_(std::move(options)), dir_(std::make_unique<TempDir>("mm-mail-server")) {
  for (const auto& user : options_.users) CheckUser(user);
  if (options_.password.find_first_of(":\r\n") != std::string::npos) {
    throw std::invalid_argument("the IMAP password may not hold ':' or line ends");
  }
  const fs::path& d = dir_->path();
  // mkdtemp makes it 0700: the postfix and dovecot users must be able to traverse it.
  fs::permissions(d, fs::perms(0755));
  for (const char* sub :
       {"etc", "queue", "data", "log", "mail", "dovecot", "dovecot/run", "dovecot/state"}) {
    fs::create_directories(d / sub);
  }
  if (const passwd* pf = ::getpwnam("postfix")) Chown(d / "data", pf->pw_uid, pf->pw_gid);
  Chown(d / "mail", kMailUid, kMailUid);
  for (const auto& user : options_.users) {
    // Made up front so the maildirs exist (and can be listed) before the first delivery.
    fs::path home = d / "mail" / kDomain / user;
    for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(Maildir(user) / sub);
    for (fs::path p = Maildir(user) / "new"; p != d / "mail"; p = p.parent_path()) {
      Chown(p, kMailUid, kMailUid);
    }
    for (const char* sub : {"cur", "tmp"}) Chown(Maildir(user) / sub, kMailUid, kMailUid);
    fs::permissions(home, fs::perms(0700));
  }
  PickPorts();
  WriteConfiguration();
}

PrivateMailServer::~PrivateMailServer() {
  try {
    Stop();
  } catch (...) {
    // A destructor must not throw; whatever is left dies with its temp folder's removal.
  }
}

fs::path PrivateMailServer::Maildir(const std::string& user) const {
  return dir_->path() / "mail" / kDomain / user / "Maildir";
}

void PrivateMailServer::PickPorts() {
  smtp_port_ = UnusedLoopbackPort();
  do {
    strict_smtp_port_ = UnusedLoopbackPort();
  } while (strict_smtp_port_ == smtp_port_);
  imap_port_ = 0;
  if (options_.imap) {
    do {
      imap_port_ = UnusedLoopbackPort();
    } while (imap_port_ == smtp_port_ || imap_port_ == strict_smtp_port_);
  }
}

void PrivateMailServer::WriteConfiguration() const {
  const fs::path& d = dir_->path();
  std::vector<std::pair<std::string, std::string>> values = {
      {"DIR", d.string()},
      {"UID", std::to_string(kMailUid)},
      {"SMTP", std::to_string(smtp_port_)},
      {"STRICT", std::to_string(strict_smtp_port_)},
      {"IMAP", std::to_string(imap_port_)},
  };
  WriteFile(d / "etc" / "main.cf", Fill(kMainCf, values));
  WriteFile(d / "etc" / "master.cf", Fill(kMasterCf, values));
  std::string vmailbox;
  std::string passwords;
  for (const auto& user : options_.users) {
    // Relative to virtual_mailbox_base; the trailing slash makes it a maildir.
    vmailbox += Address(user) + " " + kDomain + "/" + user + "/Maildir/\n";
    passwords += Address(user) + ":{PLAIN}" + options_.password + "\n";
  }
  WriteFile(d / "etc" / "vmailbox", vmailbox);  // texthash: read as is, no postmap
  if (!options_.imap) return;
  WriteFile(d / "etc" / "dovecot.conf", Fill(kDovecotConf, values));
  fs::path passwd_file = d / "etc" / "dovecot.passwd";
  WriteFile(passwd_file, passwords);
  if (const group* g = ::getgrnam("dovecot")) Chown(passwd_file, 0, g->gr_gid);
  fs::permissions(passwd_file, fs::perms(0640));
}

void PrivateMailServer::Start() {
  if (auto missing = Missing(options_.imap)) throw std::runtime_error(*missing);
  // A port picked now may be taken before the servers bind it: then new ports, a few times.
  for (int attempt = 0;; ++attempt) {
    try {
      StartPostfix();
      if (options_.imap) StartDovecot();
      return;
    } catch (const std::runtime_error& e) {
      Stop();
      if (attempt == 2 || !PortClash(e.what())) throw;
      PickPorts();
      WriteConfiguration();
    }
  }
}

void PrivateMailServer::StartPostfix() {
  const fs::path& d = dir_->path();
  CommandResult started = RunToCompletion({kPostfix, "-c", (d / "etc").string(), "start"});
  postfix_running_ = true;  // even a failed start may leave a master behind: Stop() checks
  pid_t master = ReadPid(d / "queue" / "pid" / "master.pid");
  bool up = started.exit_code == 0 &&
            WaitFor(
                [&] {
                  return !PostfixMasterAlive(master) || (IsListeningOnLoopback(smtp_port_) &&
                                                         IsListeningOnLoopback(strict_smtp_port_));
                },
                std::chrono::seconds(30)) &&
            PostfixMasterAlive(master);
  if (!up) {
    throw std::runtime_error("postfix did not start (exit " + std::to_string(started.exit_code) +
                             "): " + started.out + started.err + "\n--- postfix log:\n" + log());
  }
}

void PrivateMailServer::StartDovecot() {
  const fs::path& d = dir_->path();
  fs::path output = d / "log" / "dovecot.out";
  // In the foreground (-F) Dovecot's master is our child: stopping it by PID also reaps it.
  dovecot_.Start({kDovecot, "-F", "-c", (d / "etc" / "dovecot.conf").string()}, output);
  bool up = WaitFor([&] { return !dovecot_.Running() || IsListeningOnLoopback(imap_port_); },
                    std::chrono::seconds(30)) &&
            dovecot_.Running();
  if (!up) {
    throw std::runtime_error("dovecot did not start: " + ReadFile(output) + "\n--- dovecot log:\n" +
                             dovecot_log());
  }
}

void PrivateMailServer::Stop() {
  // Dovecot's master answers SIGTERM by stopping its services; ChildProcess sends it to the
  // PID (the one base_dir/master.pid names) and waits for the exit.
  dovecot_.Stop();
  StopPostfix();
}

void PrivateMailServer::StopPostfix() {
  if (!postfix_running_) return;
  const fs::path& d = dir_->path();
  pid_t master = ReadPid(d / "queue" / "pid" / "master.pid");
  postfix_running_ = false;
  if (!PostfixMasterAlive(master)) return;  // never came up, or died: its services went too
  RunToCompletion({kPostfix, "-c", (d / "etc").string(), "stop"});
  if (!WaitFor([&] { return !PostfixMasterAlive(master); }, std::chrono::seconds(10))) {
    ::kill(master, SIGKILL);  // by PID, never by name: other instances may be running
  }
  // The master's children close their listeners moments after it exits.
  WaitFor(
      [&] {
        return !IsListeningOnLoopback(smtp_port_) && !IsListeningOnLoopback(strict_smtp_port_);
      },
      std::chrono::seconds(10));
}

std::vector<std::string> PrivateMailServer::MaildirMessages(const std::string& user) const {
  std::vector<std::pair<std::tuple<long, long, std::string>, fs::path>> files;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(Maildir(user) / sub, ec)) {
      if (entry.is_regular_file()) {
        files.emplace_back(DeliveryOrder(entry.path().filename().string()), entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> messages;
  for (const auto& [order, path] : files) messages.push_back(ReadFile(path));
  return messages;
}

bool PrivateMailServer::WaitForMessages(const std::string& user, std::size_t n,
                                        double seconds) const {
  auto count = [&] {
    std::size_t found = 0;
    for (const char* sub : {"new", "cur"}) {
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(Maildir(user) / sub, ec)) {
        found += entry.is_regular_file() ? 1 : 0;
      }
    }
    return found;
  };
  return WaitFor([&] { return count() >= n; },
                 std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
}

std::string PrivateMailServer::log() const {
  return ReadFile(dir_->path() / "log" / "postfix.log");
}

std::string PrivateMailServer::dovecot_log() const {
  return ReadFile(dir_->path() / "log" / "dovecot.log");
}

}  // namespace mailmark::testing
