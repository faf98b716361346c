#include "api/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mailmark {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<IpAddress> ParseBare(const std::string& text) {
  IpAddress a;
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    std::memcpy(a.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size());
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    return a;
  }
  return std::nullopt;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsPort(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool IpAddress::is_v4() const { return std::memcmp(bytes.data(), kMappedPrefix.data(), 12) == 0; }

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    ::inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    ::inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  text = TrimBlanks(text);
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !IsPort(rest.substr(1)))) return std::nullopt;
    std::optional<IpAddress> a = ParseBare(std::string(text.substr(1, close - 1)));
    if (!a || a->is_v4()) return std::nullopt;
    return a;
  }
  if (std::optional<IpAddress> a = ParseBare(std::string(text))) return a;
  // IPv4 with a port: exactly one colon.
  std::size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos &&
      IsPort(text.substr(colon + 1))) {
    std::optional<IpAddress> a = ParseBare(std::string(text.substr(0, colon)));
    if (a && a->is_v4()) return a;
  }
  return std::nullopt;
}

bool IpNetwork::Contains(const IpAddress& address) const {
  int bits = prefix_bits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies out;
  while (!list.empty()) {
    std::size_t end = list.find_first_of(", \t");
    std::string_view entry = list.substr(0, end);
    list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
    if (entry.empty()) continue;
    auto bad = [&] {
      return MakeError(ErrorKind::kInvalid, "invalid_trusted_proxies",
                       "trusted_proxies: \"" + std::string(entry) +
                           "\" is not an IP address or network (like 10.0.0.0/8 or ::1).");
    };
    std::size_t slash = entry.find('/');
    std::optional<IpAddress> base = ParseBare(std::string(entry.substr(0, slash)));
    if (!base) return bad();
    int width = base->is_v4() ? 32 : 128;
    int bits = width;
    if (slash != std::string_view::npos) {
      std::string_view p = entry.substr(slash + 1);
      auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), bits);
      if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || bits < 0 ||
          bits > width) {
        return bad();
      }
    }
    out.networks_.push_back({*base, bits + (128 - width)});
  }
  return out;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const IpNetwork& n : networks_) {
    if (n.Contains(address)) return true;
  }
  return false;
}

std::string ResolveClientAddress(std::string_view peer,
                                 const std::vector<std::string>& forwarded_for,
                                 const TrustedProxies& trusted) {
  std::optional<IpAddress> hop = ParseIpAddress(peer);
  if (!hop) return std::string(peer);
  if (!trusted.Contains(*hop)) return hop->ToString();
  // All entries of all X-Forwarded-For headers, as one list: each proxy appends on the right.
  std::vector<std::string_view> entries;
  for (const std::string& value : forwarded_for) {
    std::string_view rest = value;
    while (true) {
      std::size_t comma = rest.find(',');
      entries.push_back(TrimBlanks(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    std::optional<IpAddress> previous = ParseIpAddress(*it);
    if (!previous) break;  // a broken entry: the hop that added it is as far as we can know
    hop = previous;
    if (!trusted.Contains(*hop)) break;
  }
  return hop->ToString();
}

std::string AddressKey(std::string_view address) {
  std::optional<IpAddress> a = ParseIpAddress(address);
  if (!a) return std::string(address);
  if (a->is_v4()) return a->ToString();
  IpAddress network = *a;
  std::fill(network.bytes.begin() + 8, network.bytes.end(), std::uint8_t{0});
  return network.ToString() + "/64";
}

}  // namespace mailmark
