// Request paths for the web UI (any client, decoded): whatever the path, only files inside the
// UI folder are ever read, symlinks leading out of it included.
//
// A scratch folder holds the UI (index.html, assets/app.js), files beside it that must never be
// served (a sibling "ui-private" folder and a secret), and symlinks from the UI to them.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "api/static_files.h"
#include "fuzz_support.h"

using namespace mailmark;
namespace fs = std::filesystem;

namespace {

fs::path scratch;
fs::path ui;

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void RemoveScratch() {
  std::error_code ec;
  fs::remove_all(scratch, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string tmpl = (fs::temp_directory_path() / "mm-static-fuzz-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  scratch = fs::canonical(tmpl);
  std::atexit(RemoveScratch);
  ui = scratch / "ui";
  Write(ui / "index.html", "<!doctype html><title>index</title>");
  Write(ui / "assets" / "app.js", "console.log('app')");
  Write(ui / "favicon.svg", "<svg/>");
  Write(scratch / "secret.txt", "SECRET outside the UI");
  Write(scratch / "ui-private" / "key.txt", "SECRET in a sibling");
  fs::create_directory_symlink("..", ui / "up");
  fs::create_symlink("../../secret.txt", ui / "assets" / "leak.js");
  fs::create_directory_symlink("../ui-private", ui / "private");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view path = fuzz::AsText(data, size);
  IsUiPath(path);
  ContentTypeFor(path);
  StaticAnswer answer = ServeUi(ui, path);
  FUZZ_CHECK(answer.body.find("SECRET") == std::string::npos);
  FUZZ_CHECK(answer.status == 200 || answer.status == 404);
  bool nosniff = false;
  for (const auto& [name, value] : answer.headers) nosniff |= name == "X-Content-Type-Options";
  FUZZ_CHECK(nosniff);
  if (answer.status == 200) FUZZ_CHECK(!answer.content_type.empty());
  return 0;
}
