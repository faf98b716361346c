// The web UI's files (the Vite build) for every GET/HEAD outside /api/ and /u/: files as
// they are on disk at each request (a rebuild needs no restart), index.html for the UI's
// own routes, and a short page when the UI has not been built.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailmark {

struct StaticAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Whether a request path (decoded) is the UI's rather than the API's (/api, /api/…) or the
// unsubscribe pages' (/u, /u/…).
bool IsUiPath(std::string_view path);

// The answer to GET `path` (decoded, query removed) with the UI built into `dir`:
//  - a regular file under `dir` named by the path (no "..", nothing reached through a
//    symlink that leads out of `dir`): the file, Content-Type by extension; under /assets/
//    (content-hashed names) cached for a year as immutable, otherwise no-cache;
//  - no such file under /assets/, or a name with an extension ContentTypeFor knows: 404;
//  - anything else (the UI's routes, e.g. /mailboxes/abc): index.html, no-cache;
//  - no `dir`/index.html at all: a page saying the UI is not built (200 at /, else 404).
// Every answer has X-Content-Type-Options, Referrer-Policy and X-Frame-Options; HTML ones
// also the Content-Security-Policy the UI is written for.
StaticAnswer ServeUi(const std::filesystem::path& dir, std::string_view path);

// The Content-Type for a file name, by extension (case-insensitive); empty when unknown.
std::string ContentTypeFor(std::string_view file_name);

// The policy HTML answers carry: the UI loads nothing from elsewhere, and the captured
// emails it shows in a sandboxed srcdoc iframe inherit it, so their remote images stay
// blocked.
inline constexpr const char* kUiContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'";

}  // namespace mailmark
