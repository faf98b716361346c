// The server's own HTTP request and response, independent of the library that reads them off
// the socket (http_connection.cc): what the router, auth and the routes see.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailmark {

// Header fields in arrival order; names compare case-insensitively and may repeat.
class HttpHeaders {
 public:
  void Add(std::string name, std::string value);
  bool Has(std::string_view name) const;
  // The n-th value of `name` (0: the first), or "" when there are fewer.
  std::string Get(std::string_view name, std::size_t n = 0) const;
  std::size_t Count(std::string_view name) const;
  std::size_t size() const { return fields_.size(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// The accessor names follow cpp-httplib's Request, which this type replaced, so that code
// written against either reads the same (auth.cc, routes_session.cc).
struct HttpRequest {
  std::string method;                                       // "GET", as sent
  std::string path;                                         // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> params;  // decoded query parameters
  HttpHeaders headers;
  // Who sent it: the peer's address, or the client's as forwarded by a trusted proxy
  // (client_address.h). Per-address limits and throttles key on it.
  std::string remote_addr;

  bool has_header(std::string_view name) const { return headers.Has(name); }
  std::string get_header_value(std::string_view name, std::size_t n = 0) const {
    return headers.Get(name, n);
  }
  std::size_t get_header_value_count(std::string_view name) const { return headers.Count(name); }
  bool has_param(std::string_view name) const;
  std::string get_param_value(std::string_view name) const;  // the first, or ""
  // Content-Length when the client sent a valid one.
  std::optional<std::size_t> content_length() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void set_header(std::string name, std::string value);  // replaces one of the same name
  std::string header(std::string_view name) const;       // "" when absent
};

// "%41b+c" → "Ab+c"; with plus_is_space (query strings) → "Ab c". Invalid escapes stay as
// they are.
std::string PercentDecode(std::string_view text, bool plus_is_space);

// Splits a request target ("/a%20b?x=1&y") into the decoded path and parameters.
void ParseTarget(std::string_view target, std::string* path,
                 std::vector<std::pair<std::string, std::string>>* params);

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

}  // namespace mailmark
