#include "mail/message_id.h"

#include <cctype>

#include "core/ids.h"

namespace mailmark {
namespace {

constexpr std::size_t kMaxFileName = 200;
constexpr std::string_view kExtension = ".eml";

bool IsSafeFileChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '@' ||
         c == '+' || c == '-';
}

}  // namespace

std::string NewMessageId(std::string_view domain) {
  std::string id = "<";
  id += TimeOrderedHex(10);  // 32 hex digits as before; time first keeps its index compact
  id += '@';
  id += domain.empty() ? std::string_view("localhost") : domain;
  id += '>';
  return id;
}

std::string DomainOf(std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos || at + 1 == email.size()) return "localhost";
  std::string domain(email.substr(at + 1));
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return domain;
}

std::string MessageIdFileName(std::string_view message_id) {
  if (!message_id.empty() && message_id.front() == '<') message_id.remove_prefix(1);
  if (!message_id.empty() && message_id.back() == '>') message_id.remove_suffix(1);
  std::string name;
  name.reserve(message_id.size() + kExtension.size());
  for (char c : message_id) name.push_back(IsSafeFileChar(c) ? c : '_');
  name.resize(std::min(name.size(), kMaxFileName - kExtension.size()));
  // A leading dot would hide the file (and "."/".." stay impossible once ".eml" is added, but
  // maildir readers skip dot files), so it is replaced too.
  if (name.empty() || name.front() == '.') name.insert(name.begin(), '_');
  name.resize(std::min(name.size(), kMaxFileName - kExtension.size()));
  name += kExtension;
  return name;
}

}  // namespace mailmark
