// A GoogleTest fixture with a running `mailmark serve` and helpers for the API calls every
// end-to-end test makes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "harness/mailmark_process.h"
#include "harness/temp_dir.h"

namespace mailmark::testing {

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Environment for the server process (e.g. short retry delays); none by default.
  virtual std::map<std::string, std::string> ServerEnv() const { return {}; }

  MailmarkProcess& server() { return *server_; }
  const std::string& token() const { return token_; }

  // POST /api/mailboxes with an outbox transport; returns the mailbox id.
  std::string CreateMailbox(const std::string& token, const std::string& name = "Sales");
  // POST /api/mailboxes/{id}/sequences; returns the created sequence JSON.
  nlohmann::json CreateSequence(const std::string& token, const std::string& mailbox_id,
                                const nlohmann::json& steps, const std::string& name = "Outreach");
  // POST /api/sequences/{id}/enrollments; returns the answer.
  HttpAnswer Enroll(const std::string& token, const std::string& sequence_id,
                    const std::string& email,
                    const nlohmann::json& merge_fields = nlohmann::json::object());
  nlohmann::json Enrollment(const std::string& token, const std::string& enrollment_id);
  nlohmann::json Sequence(const std::string& token, const std::string& sequence_id);

  // The Message-IDs of the files in a mailbox's outbox maildir (new/ and cur/).
  std::multiset<std::string> OutboxMessageIds(const std::string& mailbox_id) const;
  std::size_t OutboxCount(const std::string& mailbox_id) const;
  bool WaitForOutbox(const std::string& mailbox_id, std::size_t count, double seconds = 60);
  // A second user with its own token (created with the CLI while the server runs).
  std::string CreateUserToken(const std::string& name);

  // The strict message checks over (a sample of) what the test's server wrote to its outboxes.
  void ExpectOutboxMessagesAreValid();

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<MailmarkProcess> server_;
  std::string token_;
};

// Steps in the API's JSON shape.
nlohmann::json SendStep(const std::string& subject, const std::string& html);
nlohmann::json DelayStep(std::int64_t ms);

}  // namespace mailmark::testing
