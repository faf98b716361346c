#include "mail/threading.h"

#include <cctype>

namespace mailmark {

std::string ReplySubject(std::string_view previous_subject) {
  std::string_view rest = previous_subject;
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (rest.size() >= 3 && std::tolower(static_cast<unsigned char>(rest[0])) == 'r' &&
      std::tolower(static_cast<unsigned char>(rest[1])) == 'e' && rest[2] == ':') {
    return std::string(previous_subject);
  }
  std::string subject = "Re: ";
  subject += previous_subject;
  return subject;
}

}  // namespace mailmark
