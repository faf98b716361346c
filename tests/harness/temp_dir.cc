#include "harness/temp_dir.h"

#include <cstdlib>
#include <system_error>

namespace mailmark::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string templ = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  char* made = ::mkdtemp(templ.data());
  path_ = made ? std::filesystem::path(made) : std::filesystem::path(templ);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace mailmark::testing
