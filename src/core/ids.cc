#include "core/ids.h"

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

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  id += RandomHex(10);
  return id;
}

}  // namespace mailmark
