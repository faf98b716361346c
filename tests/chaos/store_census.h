// What the database says was sent, read with SQLite directly while the server is down (a
// crashed server's files, exactly as it left them: opened read-only, nothing checkpointed).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mailmark::testing {

struct StoreCensus {
  std::size_t enrollments = 0;
  std::size_t completed = 0;
  // Each message row's state, by Message-ID.
  std::map<std::string, std::string> message_states;
  // Invariants that must hold at every moment, each broken one described (empty: all hold).
  std::vector<std::string> broken;
};

// Reads `db` (mailmark.db) and checks that no enrollment has a step sent twice, more sent
// messages than `send_steps`, or more than one message in flight, and that no contact is
// enrolled twice in one sequence. nullopt with `error` set when the file cannot be read.
std::optional<StoreCensus> ReadStoreCensus(const std::filesystem::path& db, std::size_t send_steps,
                                           std::string& error);

}  // namespace mailmark::testing
