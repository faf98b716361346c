#include "api/client_address.h"

#include <gtest/gtest.h>

namespace mailmark {
namespace {

TrustedProxies Trusted(std::string_view list) {
  Result<TrustedProxies> t = TrustedProxies::Parse(list);
  EXPECT_TRUE(t.ok()) << list;
  return t.ok() ? *t : TrustedProxies();
}

TEST(ClientAddress, ParsesAddressesWithAndWithoutPorts) {
  EXPECT_EQ(ParseIpAddress("1.2.3.4")->ToString(), "1.2.3.4");
  EXPECT_EQ(ParseIpAddress(" 1.2.3.4 ")->ToString(), "1.2.3.4");
  EXPECT_EQ(ParseIpAddress("1.2.3.4:8080")->ToString(), "1.2.3.4");
  EXPECT_EQ(ParseIpAddress("2001:DB8::1")->ToString(), "2001:db8::1");
  EXPECT_EQ(ParseIpAddress("[2001:db8::1]")->ToString(), "2001:db8::1");
  EXPECT_EQ(ParseIpAddress("[2001:db8::1]:443")->ToString(), "2001:db8::1");
  // A dual-stack socket's IPv4 peer is the IPv4 address.
  EXPECT_EQ(ParseIpAddress("::ffff:10.0.0.1")->ToString(), "10.0.0.1");
  EXPECT_TRUE(ParseIpAddress("::ffff:10.0.0.1")->is_v4());
  for (const char* bad :
       {"", "unknown", "1.2.3", "1.2.3.4.5", "1.2.3.4:", "[1.2.3.4]", "[::1", "[::1]x",
        "[::1]:", "1.2.3.4:http", "::1::2", "_gateway", "1.2.3.4 5.6.7.8"}) {
    EXPECT_FALSE(ParseIpAddress(bad).has_value()) << bad;
  }
}

TEST(ClientAddress, TrustedProxiesAreAddressesAndNetworks) {
  TrustedProxies t = Trusted("10.0.0.0/8, 192.168.1.5 fd00::/8,::1");
  EXPECT_TRUE(t.Contains(*ParseIpAddress("10.255.0.1")));
  EXPECT_FALSE(t.Contains(*ParseIpAddress("11.0.0.1")));
  EXPECT_TRUE(t.Contains(*ParseIpAddress("192.168.1.5")));
  EXPECT_FALSE(t.Contains(*ParseIpAddress("192.168.1.6")));
  EXPECT_TRUE(t.Contains(*ParseIpAddress("fd12::1")));
  EXPECT_TRUE(t.Contains(*ParseIpAddress("::1")));
  EXPECT_FALSE(t.Contains(*ParseIpAddress("::2")));
  EXPECT_TRUE(t.Contains(*ParseIpAddress("::ffff:10.1.2.3"))) << "mapped peers are IPv4";
  EXPECT_TRUE(Trusted("0.0.0.0/0").Contains(*ParseIpAddress("8.8.8.8")));
  EXPECT_FALSE(Trusted("0.0.0.0/0").Contains(*ParseIpAddress("2001:db8::1")));
  EXPECT_TRUE(Trusted("").empty());
  for (const char* bad :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "proxy.local", "10.0.0.0/8,nope"}) {
    Result<TrustedProxies> r = TrustedProxies::Parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_trusted_proxies");
  }
  EXPECT_NE(TrustedProxies::Parse("10.0.0.0/8,nope").error().message.find("\"nope\""),
            std::string::npos);
}

TEST(ClientAddress, ForwardedForCountsOnlyFromATrustedPeer) {
  TrustedProxies t = Trusted("10.0.0.0/8");
  EXPECT_EQ(ResolveClientAddress("203.0.113.9", {"1.1.1.1"}, t), "203.0.113.9")
      << "anyone can send the header";
  EXPECT_EQ(ResolveClientAddress("203.0.113.9", {}, TrustedProxies()), "203.0.113.9");
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"198.51.100.7"}, t), "198.51.100.7");
  EXPECT_EQ(ResolveClientAddress("::ffff:10.0.0.2", {"198.51.100.7"}, t), "198.51.100.7");
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {}, t), "10.0.0.2") << "no header: the proxy";
}

TEST(ClientAddress, ForwardedForIsReadFromTheRight) {
  TrustedProxies t = Trusted("10.0.0.0/8");
  // The client wrote the first entry itself; the proxy appended the real one.
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"6.6.6.6, 198.51.100.7"}, t), "198.51.100.7");
  // Several headers are one list, in order.
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"6.6.6.6", "198.51.100.7"}, t), "198.51.100.7");
  // A chain of trusted proxies is skipped.
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"6.6.6.6, 198.51.100.7, 10.1.1.1, 10.2.2.2"}, t),
            "198.51.100.7");
  // Every hop trusted: the leftmost.
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"10.9.9.9,10.1.1.1"}, t), "10.9.9.9");
  // A broken entry: the hop that wrote it is as far as anyone knows.
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"198.51.100.7, garbage, 10.1.1.1"}, t), "10.1.1.1");
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"garbage"}, t), "10.0.0.2");
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {""}, t), "10.0.0.2");
  EXPECT_EQ(ResolveClientAddress("10.0.0.2", {"[2001:db8::7]:1234"}, t), "2001:db8::7");
}

TEST(ClientAddress, IPv6AddressesCountPerSlash64) {
  EXPECT_EQ(AddressKey("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(AddressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressKey("2001:db8:1:2:bbbb::9"), AddressKey("2001:db8:1:2::1"));
  EXPECT_NE(AddressKey("2001:db8:1:3::1"), AddressKey("2001:db8:1:2::1"));
  EXPECT_EQ(AddressKey("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(AddressKey("not an address"), "not an address");
}

}  // namespace
}  // namespace mailmark
