// Subject lines of follow-ups within one enrollment thread.
#pragma once

#include <string>
#include <string_view>

namespace mailmark {

// "Re: <previous>", unless the previous subject already starts with "re:" in any case
// (after leading blanks): then it is returned unchanged, so threads never read "Re: Re: ".
std::string ReplySubject(std::string_view previous_subject);

}  // namespace mailmark
