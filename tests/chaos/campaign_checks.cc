#include "chaos/campaign_checks.h"

#include <set>

#include "chaos/enroller.h"

namespace mailmark::testing {
namespace {

constexpr std::size_t kMaxReported = 20;

void Report(std::vector<std::string>& problems, std::string problem) {
  if (problems.size() < kMaxReported) problems.push_back(std::move(problem));
}

}  // namespace

std::string CampaignSubject(std::size_t step, std::size_t n) {
  return "S" + std::to_string(step) + " " + std::to_string(n);
}

std::vector<std::string> OutboxProblems(const std::map<std::string, OutboxFile>& files,
                                        const CampaignConfig& config, bool complete) {
  std::vector<std::string> problems;
  std::map<std::string, std::string> id_file;
  // (contact, subject) -> how many files
  std::map<std::pair<std::string, std::string>, std::size_t> sends;
  for (const auto& [name, f] : files) {
    if (f.message_id.empty()) Report(problems, name + ": no Message-ID");
    auto [it, fresh] = id_file.emplace(f.message_id, name);
    if (!fresh)
      Report(problems, "Message-ID " + f.message_id + " in " + it->second + " and " + name);
    ++sends[{f.to, f.subject}];
  }
  // Every (contact, subject) the campaign may send; anything else is a stray message.
  std::set<std::pair<std::string, std::string>> expected;
  for (std::size_t n = 0; n < config.contacts; ++n)
    for (std::size_t s = 1; s <= config.send_steps; ++s)
      expected.insert({CampaignContact(n, config.import_chunk), CampaignSubject(s, n)});
  for (const auto& [key, count] : sends) {
    if (!expected.count(key))
      Report(problems, "a message no step makes: to " + key.first + " \"" + key.second + "\"");
    else if (count > 1)
      Report(problems, "sent " + std::to_string(count) + " times: to " + key.first + " \"" +
                           key.second + "\"");
  }
  if (complete) {
    for (const auto& key : expected)
      if (!sends.count(key))
        Report(problems, "never sent: to " + key.first + " \"" + key.second + "\"");
    if (files.size() != config.steps())
      Report(problems, std::to_string(files.size()) + " messages in the outbox for " +
                           std::to_string(config.steps()) + " steps");
  }
  return problems;
}

std::vector<std::string> StoreProblems(const StoreCensus& store,
                                       const std::map<std::string, OutboxFile>& files,
                                       const CampaignConfig& config, bool complete) {
  std::vector<std::string> problems;
  for (const std::string& b : store.broken) Report(problems, b);
  std::set<std::string> in_outbox;
  for (const auto& [name, f] : files) {
    in_outbox.insert(f.message_id);
    auto row = store.message_states.find(f.message_id);
    if (row == store.message_states.end())
      Report(problems, name + ": in the outbox but no message row has its Message-ID");
    else if (row->second == "failed")
      Report(problems, name + ": in the outbox but its row is failed");
    else if (complete && row->second != "sent")
      Report(problems, name + ": its row is still " + row->second + " at the end");
  }
  for (const auto& [id, state] : store.message_states) {
    if (state == "sent" && !in_outbox.count(id))
      Report(problems, "row " + id + " is sent but no file in the outbox has it");
    if (complete && state != "sent") Report(problems, "row " + id + " is " + state + " at the end");
  }
  if (complete) {
    if (store.enrollments != config.contacts)
      Report(problems, std::to_string(store.enrollments) + " enrollments for " +
                           std::to_string(config.contacts) + " contacts");
    if (store.completed != config.contacts)
      Report(problems, std::to_string(store.completed) + " enrollments completed of " +
                           std::to_string(config.contacts));
  }
  return problems;
}

}  // namespace mailmark::testing
