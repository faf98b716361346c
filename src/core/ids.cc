#include "core/ids.h"

#include <chrono>
#include <cstdint>
#include <vector>

#include <sodium.h>

namespace mailmark {

std::string RandomHex(std::size_t bytes) {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string TimeOrderedHex(std::size_t random_bytes) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  auto time = static_cast<std::uint64_t>(ms) & 0xffff'ffff'ffffULL;  // until the year 10889
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(12, '0');
  for (int i = 11; i >= 0; --i, time >>= 4) out[static_cast<std::size_t>(i)] = kHex[time & 15];
  out += RandomHex(random_bytes);
  return out;
}

std::string NewTimeOrderedId(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  id += TimeOrderedHex(6);
  return id;
}

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  id += RandomHex(10);
  return id;
}

}  // namespace mailmark
