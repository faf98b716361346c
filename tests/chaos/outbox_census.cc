#include "chaos/outbox_census.h"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace mailmark::testing {
namespace {

namespace fs = std::filesystem;

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? "" : s.substr(start);
}

// Whether `line` is the header `name` (case-insensitive); its trimmed value goes to `value`.
bool HeaderValue(const std::string& line, std::string_view name, std::string& value) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) !=
        std::tolower(static_cast<unsigned char>(name[i])))
      return false;
  value = Trimmed(line.substr(name.size() + 1));
  return true;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

OutboxFile ParseOutboxHeaders(const std::string& headers) {
  OutboxFile f;
  std::size_t pos = 0;
  while (pos < headers.size()) {
    std::size_t end = headers.find('\n', pos);
    if (end == std::string::npos) end = headers.size();
    std::string line = headers.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line == "\r") break;
    std::string value;
    if (f.message_id.empty() && HeaderValue(line, "Message-ID", value)) {
      f.message_id = value;
    } else if (f.to.empty() && HeaderValue(line, "To", value)) {
      auto open = value.rfind('<');
      auto close = value.rfind('>');
      if (open != std::string::npos && close != std::string::npos && close > open)
        value = value.substr(open + 1, close - open - 1);
      f.to = Lower(value);
    } else if (f.subject.empty() && HeaderValue(line, "Subject", value)) {
      f.subject = value;
    }
  }
  return f;
}

void OutboxCensus::Refresh() {
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (fs::directory_iterator it(dir_ / sub, ec), end; !ec && it != end; it.increment(ec)) {
      std::string key = std::string(sub) + "/" + it->path().filename().string();
      if (files_.count(key)) continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::string headers, line;
      while (std::getline(in, line) && line != "\r" && !line.empty()) headers += line + "\n";
      files_.emplace(key, ParseOutboxHeaders(headers));
    }
  }
}

std::multiset<std::string> OutboxCensus::MessageIds() const {
  std::multiset<std::string> ids;
  for (const auto& [name, f] : files_) ids.insert(f.message_id);
  return ids;
}

std::vector<std::string> OutboxCensus::DuplicateIds() const {
  std::multiset<std::string> ids = MessageIds();
  std::vector<std::string> twice;
  for (auto it = ids.begin(); it != ids.end(); it = ids.upper_bound(*it))
    if (ids.count(*it) > 1) twice.push_back(*it);
  return twice;
}

namespace {
std::size_t CountEntries(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}
}  // namespace

std::size_t OutboxCensus::TmpFiles() const { return CountEntries(dir_ / "tmp"); }
std::size_t OutboxCensus::CountNew() const { return CountEntries(dir_ / "new"); }

}  // namespace mailmark::testing
