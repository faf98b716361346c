// The SQLite Store's class, for its own .cc files and tests (use OpenSqliteStore otherwise).
// Every mutating method is a job on the WriteQueue (one transaction shared by a batch, one
// savepoint per job); every read runs on a pooled reader connection.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "store/sqlite/codec.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/write_queue.h"
#include "store/store.h"

namespace mailmark::sqlite {

class SqliteStore final : public Store {
 public:
  // Throws SqliteError when the file cannot be opened or migrated.
  SqliteStore(const std::filesystem::path& file, const SqliteStoreOptions& options);
  ~SqliteStore() override;

  Result<User> CreateUser(const std::string& name, const std::string& password_hash,
                          Timestamp now) override;
  std::optional<User> FindUserByName(std::string_view name) override;
  std::optional<User> FindUserById(const Id& id) override;
  std::int64_t CountUsers() override;
  Status AddCredential(const Id& user_id, const std::string& token_hash, std::string_view kind,
                       std::optional<Timestamp> expires_at, Timestamp now) override;
  std::optional<User> FindUserByCredential(const std::string& token_hash, Timestamp now) override;
  Status DeleteCredential(const std::string& token_hash) override;

  Result<Mailbox> CreateMailbox(const Mailbox& mailbox) override;
  std::optional<Mailbox> GetMailbox(const Id& id) override;
  std::vector<Mailbox> ListMailboxes(const Id& owner_id) override;
  Result<Mailbox> UpdateMailbox(const Mailbox& mailbox) override;
  Status DeleteMailbox(const Id& id) override;
  Result<MailboxUsage> GetMailboxUsage(const Id& mailbox_id, Timestamp now) override;
  Result<Mailbox> PauseMailbox(const Id& mailbox_id, Timestamp now) override;
  Result<Mailbox> ResumeMailbox(const Id& mailbox_id, Timestamp now) override;

  Result<Sequence> CreateSequence(const Sequence& sequence) override;
  std::optional<Sequence> GetSequence(const Id& id) override;
  std::vector<Sequence> ListSequences(const Id& mailbox_id) override;
  using Store::UpdateSequence;
  Result<Sequence> UpdateSequence(const Sequence& sequence, const StepRemap& remap, Timestamp now,
                                  std::optional<Timestamp> unchanged_since) override;
  Result<Sequence> ApplyAction(const Id& sequence_id, SequenceAction action,
                               Timestamp now) override;
  SequenceCounts CountEnrollments(const Id& sequence_id) override;
  Result<std::vector<StepStats>> CountStepStats(const Id& sequence_id) override;

  Result<std::vector<EnrollOutcome>> Enroll(const Id& sequence_id,
                                            const std::vector<NewEnrollment>& batch,
                                            Timestamp now) override;
  std::optional<Enrollment> GetEnrollment(const Id& id) override;
  Result<EnrollmentPage> ListEnrollments(const Id& sequence_id,
                                         std::optional<EnrollmentStatus> status, std::size_t limit,
                                         std::string_view cursor) override;
  Result<EnrollmentPage> SearchEnrollments(const Id& sequence_id, const EnrollmentFilter& filter,
                                           std::size_t limit, std::string_view cursor) override;
  std::vector<Message> ListMessages(const Id& enrollment_id) override;
  std::vector<HistoryEntry> ListHistory(const Id& enrollment_id) override;
  Result<Enrollment> FinishEnrollment(const Id& id, EnrollmentStatus to, const std::string& cause,
                                      const std::string& reason, Timestamp now) override;
  Result<Enrollment> PauseEnrollmentUntil(const Id& enrollment_id, Timestamp until,
                                          const std::string& cause, Timestamp now) override;
  Status Suppress(const Id& owner_id, const std::string& email, SuppressionReason reason,
                  Timestamp now) override;
  std::optional<SuppressionReason> FindSuppression(const Id& owner_id,
                                                   const std::string& email) override;

  std::vector<ClaimedEnrollment> ClaimDue(Timestamp now, std::string_view node,
                                          Timestamp lease_until, std::size_t limit) override;
  std::optional<Timestamp> NextWakeAt() override;
  std::vector<std::optional<Message>> BeginSends(std::string_view node,
                                                 const std::vector<SendStart>& starts,
                                                 Timestamp now) override;
  bool StillSendable(const Id& enrollment_id, Timestamp now) override;
  void RecordOutcomes(std::string_view node, const std::vector<StepOutcome>& outcomes,
                      Timestamp now) override;
  void ReleaseLeases(std::string_view node) override;
  void RenewLeases(std::string_view node, const std::vector<Id>& enrollment_ids,
                   Timestamp lease_until) override;

  Result<std::string> GetOrCreateSecret(std::string_view name) override;
  Result<Enrollment> Unsubscribe(const Id& enrollment_id, Timestamp now) override;

  std::vector<Mailbox> ListImapMailboxes() override;
  std::optional<SentMessageRef> FindSentMessage(std::string_view message_id) override;
  std::optional<SentMessageRef> FindSentMessageByRowId(const Id& message_row_id) override;
  std::vector<SentMessageRef> ListRecentSentTo(const Id& mailbox_id,
                                               const std::string& contact_email,
                                               std::size_t limit) override;
  std::optional<ImapCursorRow> LoadImapCursor(const Id& mailbox_id) override;
  Status SaveImapCursor(const Id& mailbox_id, std::uint32_t uid_validity,
                        std::uint32_t last_uid) override;
  Status SaveImapStatus(const Id& mailbox_id, bool connected, const std::string& last_error,
                        Timestamp at) override;
  std::optional<ImapStatusRow> LoadImapStatus(const Id& mailbox_id) override;
  Status RecordInboundEvent(const Id& enrollment_id, const std::string& cause,
                            Timestamp at) override;

  // Group-commit statistics and test hooks.
  WriteQueue& writer() { return *writer_; }

 private:
  // Both run `fn` with the store's key in a SealingScope: every mailbox read or written there
  // has its passwords opened or sealed with it.
  template <typename T>
  Result<T> Write(std::function<Result<T>(Connection&)> fn) {
    return writer_->Run<T>([this, fn = std::move(fn)](Connection& c) {
      SealingScope scope(key());
      return fn(c);
    });
  }
  // Runs `fn` on a reader connection; a database failure is logged and gives `fallback`.
  template <typename R, typename F>
  R Read(std::string_view what, R fallback, F&& fn) {
    try {
      SealingScope scope(key());
      auto conn = readers_.Acquire();
      return fn(*conn);
    } catch (const std::exception& e) {
      LogStorageFailure(what, e);
      return fallback;
    }
  }

  const SecretBox* key() const { return sealing_key_ ? &*sealing_key_ : nullptr; }

  std::optional<SecretBox> sealing_key_;  // before the connections: the writer seals at open
  ReaderPool readers_;
  std::unique_ptr<WriteQueue> writer_;
};

}  // namespace mailmark::sqlite
