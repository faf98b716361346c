#include "harness/aiosmtpd_sink.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/run_command.h"

namespace mailmark::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

// argv: out_dir port username password tls pipelining (tls: none|starttls|implicit; empty
// username: no AUTH; pipelining: 1 or 0).
// Writes out_dir/ready once it listens, appends a line
// to out_dir/connections.log per connection, and stores message N as messages/N.eml (bytes)
// plus messages/N.json (envelope), the .json renamed into place last.
constexpr const char* kHandlerScript = R"PY(
import asyncio, json, os, signal, ssl, sys
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

out_dir, port = sys.argv[1], int(sys.argv[2])
user = sys.argv[3].encode() if sys.argv[3] else None
password = sys.argv[4].encode() if sys.argv[3] else None
tls = sys.argv[5]
pipelining = sys.argv[6] == "1"
context = None
if tls != "none":
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(out_dir, "cert.pem"), os.path.join(out_dir, "key.pem"))
msg_dir = os.path.join(out_dir, "messages")
os.makedirs(msg_dir, exist_ok=True)

def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)

class Handler:
    def __init__(self):
        self.count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject5"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local.startswith("relay5"):
            return "554 5.7.1 <%s>: Relay access denied" % address
        if local.startswith("reject4"):
            return "450 4.2.1 <%s>: Recipient address rejected: Try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(msg_dir, "%08d" % self.count)
        write_atomically(name + ".eml", envelope.original_content)
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        envelope_json = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                         "tls": over_tls}
        write_atomically(name + ".json", json.dumps(envelope_json).encode())
        return "250 2.0.0 Ok: queued as %d" % self.count

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user
          and auth_data.password == password)
    return AuthResult(success=ok, handled=False)

class CountingSMTP(SMTP):
    def connection_made(self, transport):
        # Called again when STARTTLS switches the same connection to TLS: not a new one.
        if getattr(self, "_original_transport", None) is None:
            with open(os.path.join(out_dir, "connections.log"), "a") as f:
                f.write("c\n")
        super().connection_made(transport)

handler = Handler()

def factory():
    kwargs = dict(hostname="inspecting-sink", decode_data=False, enable_SMTPUTF8=True)
    if user is not None:
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=(tls == "starttls"))
    if tls == "starttls":
        kwargs.update(tls_context=context)
    return CountingSMTP(handler, **kwargs)

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", port,
                                      ssl=context if tls == "implicit" else None)
    open(os.path.join(out_dir, "ready"), "w").close()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()

asyncio.run(main())
)PY";

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

std::optional<std::string> InspectingSink::Missing() {
  static const std::optional<std::string> missing = []() -> std::optional<std::string> {
    if (::access(kPython, X_OK) != 0) return std::string(kPython) + " not found";
    if (std::system("/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1") != 0) {
      return std::string("python module aiosmtpd not found: install `python3-aiosmtpd`");
    }
    return std::nullopt;
  }();
  return missing;
}

InspectingSink::InspectingSink(InspectingSinkOptions options)
    : dir_(std::make_unique<TempDir>("mm-aiosmtpd")) {
  auto script = dir_->path() / "sink.py";
  std::ofstream(script) << kHandlerScript;
  const char* tls = options.tls == SinkTls::kNone       ? "none"
                    : options.tls == SinkTls::kStartTls ? "starttls"
                                                        : "implicit";
  if (options.tls != SinkTls::kNone) {
    auto made =
        RunToCompletion({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                         (dir_->path() / "key.pem").string(), "-out", cert_file().string()});
    if (made.exit_code != 0) throw std::runtime_error("openssl req failed: " + made.err);
  }
  for (int attempt = 0;; ++attempt) {
    port_ = UnusedLoopbackPort();
    std::vector<std::string> argv{kPython, "-u", script.string(), dir_->path().string(),
                                  std::to_string(port_)};
    argv.insert(argv.end(),
                {options.username, options.password, tls, options.pipelining ? "1" : "0"});
    auto log = dir_->path() / "aiosmtpd.log";
    process_.Start(argv, log);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (process_.Running() && !std::filesystem::exists(dir_->path() / "ready") &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (process_.Running() && std::filesystem::exists(dir_->path() / "ready")) return;
    process_.Stop();
    if (attempt == 2) {
      throw std::runtime_error("aiosmtpd did not start on port " + std::to_string(port_) + ": " +
                               ReadAll(log));
    }
  }
}

InspectingSink::~InspectingSink() { process_.Stop(); }

std::vector<ReceivedMessage> InspectingSink::Messages() const {
  std::vector<std::filesystem::path> envelopes;
  auto msg_dir = dir_->path() / "messages";
  if (!std::filesystem::exists(msg_dir)) return {};
  for (const auto& entry : std::filesystem::directory_iterator(msg_dir)) {
    if (entry.path().extension() == ".json") envelopes.push_back(entry.path());
  }
  std::sort(envelopes.begin(), envelopes.end());
  std::vector<ReceivedMessage> out;
  for (const auto& path : envelopes) {
    auto env = nlohmann::json::parse(ReadAll(path));
    ReceivedMessage m;
    m.mail_from = env.at("mail_from").get<std::string>();
    m.rcpt_tos = env.at("rcpt_tos").get<std::vector<std::string>>();
    m.tls = env.value("tls", false);
    auto eml = path;
    m.data = ReadAll(eml.replace_extension(".eml"));
    out.push_back(std::move(m));
  }
  return out;
}

std::size_t InspectingSink::MessageCount() const { return Messages().size(); }

std::size_t InspectingSink::Connections() const {
  std::string log = ReadAll(dir_->path() / "connections.log");
  return static_cast<std::size_t>(std::count(log.begin(), log.end(), '\n'));
}

}  // namespace mailmark::testing
