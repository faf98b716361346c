// What a campaign's outbox holds, read straight from the maildir (not through the server, which
// is dead half the time): each message's Message-ID, recipient and subject. Incremental: a file
// in new/ never changes once it is there, so each is read once however often the census runs.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace mailmark::testing {

struct OutboxFile {
  std::string message_id;  // "<...>", empty when the file has none
  std::string to;          // the address, lower-cased
  std::string subject;
};

// The header fields of a message: the first Message-ID, To and Subject lines before the first
// empty line. A To of the form `Name <addr>` gives addr.
OutboxFile ParseOutboxHeaders(const std::string& headers);

class OutboxCensus {
 public:
  explicit OutboxCensus(std::filesystem::path maildir) : dir_(std::move(maildir)) {}

  // Reads the files of new/ and cur/ not read before.
  void Refresh();

  const std::map<std::string, OutboxFile>& files() const { return files_; }  // by file name
  std::multiset<std::string> MessageIds() const;
  // Message-IDs found in more than one file.
  std::vector<std::string> DuplicateIds() const;
  // Files in tmp/: messages whose writing was under way when the process died.
  std::size_t TmpFiles() const;
  // Quick count of new/ (names only, nothing read): what the kill schedule watches.
  std::size_t CountNew() const;

 private:
  std::filesystem::path dir_;
  std::map<std::string, OutboxFile> files_;
};

}  // namespace mailmark::testing
