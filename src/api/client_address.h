// Who a request comes from, behind reverse proxies or not: the trusted-proxy list
// (`trusted_proxies` in the configuration), X-Forwarded-For resolution and the key the
// per-address limits count under. Pure: no sockets, no lookups.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mailmark {

// An IPv4 or IPv6 address; IPv4 is kept as IPv4-mapped IPv6 (::ffff:a.b.c.d) so that one
// comparison serves both, and so that a dual-stack socket's "::ffff:1.2.3.4" peer is 1.2.3.4.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool is_v4() const;
  std::string ToString() const;  // "1.2.3.4", "2001:db8::1"
  bool operator==(const IpAddress&) const = default;
};

// "1.2.3.4", "::1", "[2001:db8::1]", "1.2.3.4:5678", "[::1]:80"; nullopt for anything else.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// An address or a network ("10.0.0.0/8", "fd00::/8", "127.0.0.1").
struct IpNetwork {
  IpAddress base;
  int prefix_bits = 128;  // of the mapped 128-bit form
  bool Contains(const IpAddress& address) const;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // A comma- or space-separated list of addresses and networks; 422 invalid_trusted_proxies
  // naming the entry that is neither.
  static Result<TrustedProxies> Parse(std::string_view list);
  bool Contains(const IpAddress& address) const;
  bool empty() const { return networks_.empty(); }

 private:
  std::vector<IpNetwork> networks_;
};

// The client's address for a request that arrived from `peer` with these X-Forwarded-For
// header values (in arrival order). Only a trusted peer's header counts; it is read from the
// right, skipping trusted proxies, so a client cannot choose its address by sending the
// header itself: the first untrusted entry is the client. An entry that is not an address
// stops the walk at the hop that added it. Without a trusted peer, the peer is the client.
std::string ResolveClientAddress(std::string_view peer,
                                 const std::vector<std::string>& forwarded_for,
                                 const TrustedProxies& trusted);

// What the per-address connection limit counts under: the address itself for IPv4, the /64
// network for IPv6 (one subscriber line gets a whole /64, so counting single IPv6 addresses
// would limit nothing). Text that is not an address is its own key.
std::string AddressKey(std::string_view address);

}  // namespace mailmark
