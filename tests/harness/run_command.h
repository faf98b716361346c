// Runs a helper program to completion (postfix, dovecot, python3) and hands back what it
// printed: the harnesses' one way to call a command line tool.
#pragma once

#include <string>
#include <vector>

namespace mailmark::testing {

struct CommandResult {
  int exit_code = -1;  // -1: it could not start or a signal ended it
  std::string out;     // its stdout
  std::string err;     // its stderr (or why it could not start)
};

// argv[0] is the program's full path; stdin is /dev/null. Blocks until the program exits.
CommandResult RunToCompletion(const std::vector<std::string>& argv);

}  // namespace mailmark::testing
