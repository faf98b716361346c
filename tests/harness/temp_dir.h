// A folder of its own for one test, removed when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace mailmark::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "mm-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace mailmark::testing
