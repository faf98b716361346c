// What the fuzz targets share: a property check that aborts (so libFuzzer keeps the input as a
// crash and the replay test fails), and a splitter for inputs made of several parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

namespace mailmark::fuzz {

// Parts are separated by a line "@@" so that seed files stay readable; the fuzzer finds the
// separator on its own (libFuzzer watches string comparisons).
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The first byte (0 when none is left), consumed.
  std::uint8_t Byte() {
    if (rest_.empty()) return 0;
    auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // The text up to the next separator line (consumed with it), or everything left.
  std::string_view Part() {
    static constexpr std::string_view kSeparator = "\n@@\n";
    std::size_t at = rest_.find(kSeparator);
    std::string_view part = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + kSeparator.size());
    return part;
  }
  std::string_view Rest() {
    std::string_view all = rest_;
    rest_ = {};
    return all;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace mailmark::fuzz
