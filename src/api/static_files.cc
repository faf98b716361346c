#include "api/static_files.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <system_error>

namespace mailmark {
namespace {

namespace fs = std::filesystem;

// A file larger than this is not read into memory (a Vite bundle is a few hundred KiB).
constexpr std::uintmax_t kMaxFileBytes = 64ull << 20;

constexpr const char* kHtml = "text/html; charset=utf-8";

struct TypeByExtension {
  const char* extension;
  const char* type;
};
constexpr std::array kTypes = {
    TypeByExtension{".html", kHtml},
    TypeByExtension{".js", "text/javascript; charset=utf-8"},
    TypeByExtension{".mjs", "text/javascript; charset=utf-8"},
    TypeByExtension{".css", "text/css; charset=utf-8"},
    TypeByExtension{".svg", "image/svg+xml"},
    TypeByExtension{".png", "image/png"},
    TypeByExtension{".ico", "image/x-icon"},
    TypeByExtension{".woff2", "font/woff2"},
    TypeByExtension{".json", "application/json; charset=utf-8"},
    TypeByExtension{".webmanifest", "application/manifest+json"},
    TypeByExtension{".txt", "text/plain; charset=utf-8"},
    TypeByExtension{".map", "application/json; charset=utf-8"},
};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool IsUnder(std::string_view path, std::string_view area) {
  return path == area || StartsWith(path, std::string(area) + "/");
}

StaticAnswer WithUiHeaders(StaticAnswer a) {
  a.headers.emplace_back("X-Content-Type-Options", "nosniff");
  a.headers.emplace_back("Referrer-Policy", "same-origin");
  a.headers.emplace_back("X-Frame-Options", "DENY");
  if (a.content_type == kHtml)
    a.headers.emplace_back("Content-Security-Policy", kUiContentSecurityPolicy);
  return a;
}

StaticAnswer Text(int status, std::string content_type, std::string body) {
  StaticAnswer a;
  a.status = status;
  a.content_type = std::move(content_type);
  a.body = std::move(body);
  a.headers.emplace_back("Cache-Control", "no-cache");
  return WithUiHeaders(std::move(a));
}

StaticAnswer NotFoundAnswer() { return Text(404, "text/plain; charset=utf-8", "Not found.\n"); }

StaticAnswer NotBuilt(std::string_view path) {
  return Text(path == "/" ? 200 : 404, kHtml,
              "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<title>Mailmark</title></head>\n<body>\n<h1>Mailmark</h1>\n"
              "<p>The web UI is not built. Run <code>make run</code> to build it and start "
              "the server.</p>\n<p>The API is served at <a href=\"/api/openapi.json\">"
              "/api/openapi.json</a>.</p>\n</body></html>\n");
}

// The request path as a path relative to the UI folder, or nullopt when it tries to leave
// it or holds what no file name does. "/" gives "".
std::optional<fs::path> RelativePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  fs::path out;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t end = std::min(path.find('/', pos), path.size());
    std::string_view segment = path.substr(pos, end - pos);
    pos = end + 1;
    if (segment.empty()) continue;
    if (segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos)
      return std::nullopt;
    out /= fs::path(std::string(segment));
  }
  return out;
}

// `file` resolved (symlinks followed) when it is a regular file inside `root` (resolved).
std::optional<fs::path> FileInside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  fs::path resolved = fs::canonical(file, ec);
  if (ec || !fs::is_regular_file(resolved, ec) || ec) return std::nullopt;
  auto [in_root, in_file] =
      std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  if (in_root != root.end()) return std::nullopt;
  return resolved;
}

std::optional<std::string> ReadFile(const fs::path& file) {
  std::error_code ec;
  std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body(static_cast<std::size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  body.resize(static_cast<std::size_t>(in.gcount()));
  return body;
}

std::optional<StaticAnswer> FileAnswer(const fs::path& file, std::string cache_control) {
  std::optional<std::string> body = ReadFile(file);
  if (!body) return std::nullopt;
  std::string type = ContentTypeFor(file.filename().string());
  StaticAnswer a;
  a.content_type = type.empty() ? "application/octet-stream" : type;
  a.body = std::move(*body);
  a.headers.emplace_back("Cache-Control", std::move(cache_control));
  return WithUiHeaders(std::move(a));
}

}  // namespace

bool IsUiPath(std::string_view path) { return !IsUnder(path, "/api") && !IsUnder(path, "/u"); }

std::string ContentTypeFor(std::string_view file_name) {
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string extension(file_name.substr(dot));
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const TypeByExtension& t : kTypes)
    if (extension == t.extension) return t.type;
  return {};
}

StaticAnswer ServeUi(const fs::path& dir, std::string_view path) {
  // Resolved at every request: the folder may be rebuilt (or first built) while we run.
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  std::optional<fs::path> index;
  if (!ec) index = FileInside(root, root / "index.html");
  if (!index) return NotBuilt(path);

  std::optional<fs::path> relative = RelativePath(path);
  if (!relative) return NotFoundAnswer();
  const bool asset = IsUnder(path, "/assets");
  if (!relative->empty()) {
    if (std::optional<fs::path> file = FileInside(root, root / *relative)) {
      std::optional<StaticAnswer> a =
          FileAnswer(*file, asset ? "public, max-age=31536000, immutable" : "no-cache");
      if (a) return std::move(*a);
      return NotFoundAnswer();
    }
    // A missing script or stylesheet must not come back as the HTML page: the browser would
    // report a MIME error instead of a missing file.
    if (asset || !ContentTypeFor(relative->filename().string()).empty()) return NotFoundAnswer();
  }
  std::optional<StaticAnswer> page = FileAnswer(*index, "no-cache");
  return page ? std::move(*page) : NotBuilt(path);
}

}  // namespace mailmark
