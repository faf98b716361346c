// Runs the backend-independent StoreTest suite on SQLite, plus what only SQLite has:
// the file survives a reopen, migrations, group commit, and the scheduler's query plans.
#include "store/sqlite/sqlite_store.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/ids.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/scheduler_sql.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/store_test_suite.h"

namespace mailmark {
namespace {

namespace fs = std::filesystem;

// One directory per test process, removed at the end; one database file per store.
class TempDir : public ::testing::Environment {
 public:
  static fs::path NewFile() {
    static std::atomic<int> n{0};
    return Dir() / ("store-" + std::to_string(n++) + ".db");
  }
  static fs::path Dir() {
    static const fs::path dir = [] {
      fs::path d = fs::temp_directory_path() / ("mm-store-test-" + RandomHex(6));
      fs::create_directories(d);
      return d;
    }();
    return dir;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(Dir(), ec);
  }
};
const auto* const kTempDir = ::testing::AddGlobalTestEnvironment(new TempDir);

std::unique_ptr<Store> OpenFresh() {
  auto store = OpenSqliteStore(TempDir::NewFile());
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

using testing::StoreTest;
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values(testing::StoreFactory(OpenFresh)),
                         [](const auto&) { return std::string("sqlite"); });

Timestamp At(std::int64_t ms) { return FromMillis(1'700'000'000'000 + ms); }

std::int64_t Scalar(sqlite::Connection& c, const std::string& sql) {
  auto q = c.Prepare(sql);
  EXPECT_TRUE(q.Step()) << sql;
  return q.Int(0);
}

TEST(SqliteStore, ReopeningKeepsEverything) {
  fs::path file = TempDir::NewFile();
  Id user, enrollment, message;
  Sequence seq;
  {
    auto store = OpenSqliteStore(file);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    user = s.CreateUser("alice", "hash", At(0))->id;
    ASSERT_TRUE(s.AddCredential(user, "tok", "api", std::nullopt, At(0)).ok());
    Mailbox m;
    m.owner_id = user;
    m.name = "Sales";
    Id mailbox = s.CreateMailbox(m)->id;
    Sequence want;
    want.mailbox_id = mailbox;
    want.name = "Outreach";
    want.steps = {Step{"s1", StepType::kSendEmail, "Hi", "<p>Hi</p>", std::nullopt, 0}};
    seq = *s.CreateSequence(want);
    auto out = s.Enroll(seq.id, {NewEnrollment{"bob@example.com", {{"k", "v"}}, false}}, At(1));
    enrollment = (*out)[0].enrollment->id;
    ASSERT_EQ(s.ClaimDue(At(1), "node", At(100), 10).size(), 1u);
    auto begun =
        s.BeginSends("node", {SendStart{enrollment, "s1", "<m@x>", "Hi", std::nullopt}}, At(2));
    message = begun[0]->id;
    ASSERT_TRUE(s.Suppress(user, "gone@example.com", SuppressionReason::kBounced, At(3)).ok());
  }
  auto reopened = OpenSqliteStore(file);
  ASSERT_TRUE(reopened.ok());
  Store& s = **reopened;
  EXPECT_EQ(s.CountUsers(), 1);
  EXPECT_EQ(s.FindUserByCredential("tok", At(5))->id, user);
  EXPECT_EQ(s.GetSequence(seq.id)->steps.size(), 1u);
  auto e = s.GetEnrollment(enrollment);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->merge_fields.at("k"), "v");
  EXPECT_EQ(s.ListMessages(enrollment).at(0).id, message);
  EXPECT_EQ(s.ListHistory(enrollment).size(), 1u);
  EXPECT_EQ(s.FindSuppression(user, "gone@example.com"), SuppressionReason::kBounced);
  // The lease survived too: the pending send is handed over only when it expires.
  EXPECT_TRUE(s.ClaimDue(At(99), "other", At(200), 10).empty());
  auto again = s.ClaimDue(At(100), "other", At(200), 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].pending->id, message);
}

TEST(SqliteStore, MigrationsRunOnceAndRecordTheirVersion) {
  fs::path file = TempDir::NewFile();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(OpenSqliteStore(file).ok());
  auto conn = sqlite::Connection::Open(file, {});
  EXPECT_EQ(Scalar(*conn, "SELECT MAX(version) FROM schema_version"),
            sqlite::LatestSchemaVersion());
  EXPECT_EQ(Scalar(*conn, "SELECT COUNT(*) FROM schema_version"), sqlite::LatestSchemaVersion());
  EXPECT_EQ(sqlite::Migrate(*conn), sqlite::LatestSchemaVersion());
  auto mode = conn->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.Step());
  EXPECT_EQ(mode.Text(0), "wal");
}

TEST(SqliteStore, RefusesADatabaseFromANewerVersion) {
  fs::path file = TempDir::NewFile();
  ASSERT_TRUE(OpenSqliteStore(file).ok());
  {
    auto conn = sqlite::Connection::Open(file, {});
    conn->Exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
  }
  auto store = OpenSqliteStore(file);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "storage_error");
  EXPECT_EQ(store.error().kind, ErrorKind::kInternal);
}

TEST(SqliteStore, AnUnopenableFileIsAStorageError) {
  auto store = OpenSqliteStore(TempDir::Dir() / "no" / "such" / "dir" / "x.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, "storage_error");
  fs::path not_a_db = TempDir::NewFile();
  {
    std::FILE* f = std::fopen(not_a_db.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just some text long enough to matter\n", f);
    std::fclose(f);
  }
  EXPECT_FALSE(OpenSqliteStore(not_a_db).ok());
}

TEST(SqliteStore, TheDatabaseEnforcesOneActiveEnrollmentPerContact) {
  fs::path file = TempDir::NewFile();
  Id seq_id;
  {
    auto store = OpenSqliteStore(file);
    Store& s = **store;
    Mailbox m;
    m.owner_id = s.CreateUser("alice", "", At(0))->id;
    Sequence seq;
    seq.mailbox_id = s.CreateMailbox(m)->id;
    seq.steps = {Step{"s1", StepType::kSendEmail, "Hi", "<p>Hi</p>", std::nullopt, 0}};
    seq_id = s.CreateSequence(seq)->id;
    ASSERT_TRUE(
        (*s.Enroll(seq_id, {NewEnrollment{"a@example.com", {}, false}}, At(0)))[0].enrollment);
  }
  auto conn = sqlite::Connection::Open(file, {});
  EXPECT_THROW(conn->Exec("INSERT INTO enrollments (id, sequence_id, contact_email, status, "
                          "next_run_at, created_at, updated_at) VALUES ('enr_x', '" +
                          seq_id + "', 'a@example.com', 'active', 0, 0, 0)"),
               sqlite::SqliteError);
  // A final status without a due time, an active one with: the CHECKs hold.
  EXPECT_THROW(conn->Exec("UPDATE enrollments SET status = 'completed'"), sqlite::SqliteError);
  EXPECT_THROW(conn->Exec("UPDATE enrollments SET next_run_at = NULL"), sqlite::SqliteError);
}

TEST(SqliteStore, ConcurrentWritesShareCommits) {
  sqlite::SqliteStore store(TempDir::NewFile(), {});
  const auto before = store.writer().Stats();
  constexpr int kWrites = 200;
  std::vector<std::thread> threads;
  {
    // Deterministic batching: the writer waits until all 200 writes are queued.
    sqlite::WriteQueue::Hold hold(store.writer());
    for (int i = 0; i < kWrites; ++i)
      threads.emplace_back([&store, i] {
        auto u = store.CreateUser("user-" + std::to_string(i), "", At(i));
        EXPECT_TRUE(u.ok());
      });
    store.writer().WaitQueued(kWrites);
  }
  for (auto& t : threads) t.join();
  const auto after = store.writer().Stats();
  EXPECT_EQ(after.jobs - before.jobs, kWrites);
  EXPECT_LT(after.commits - before.commits, kWrites);
  EXPECT_EQ(after.commits - before.commits, 1);
  EXPECT_EQ(store.CountUsers(), kWrites);
}

TEST(SqliteStore, AFailedWriteInABatchRollsBackAlone) {
  sqlite::SqliteStore store(TempDir::NewFile(), {});
  std::vector<std::thread> threads;
  std::vector<Result<User>> results(3, Result<User>(Error{}));
  {
    sqlite::WriteQueue::Hold hold(store.writer());
    const char* names[] = {"alice", "alice", "bob"};
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back(
          [&, i] { results[static_cast<std::size_t>(i)] = store.CreateUser(names[i], "", At(0)); });
      store.writer().WaitQueued(static_cast<std::size_t>(i + 1));  // fixes the batch order
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(results[0].ok());
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, "user_exists");
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(store.CountUsers(), 2);
}

// The scheduler's queries must stay index probes at any size: enrollments are reached only
// through the due index, the small partial lease indexes, or a key.
TEST(SqliteStore, SchedulerQueriesUseTheirIndexes) {
  fs::path file = TempDir::NewFile();
  ASSERT_TRUE(OpenSqliteStore(file).ok());
  auto conn = sqlite::Connection::Open(file, {});
  const char* queries[] = {
      sqlite::sql::kDueLanes, sqlite::sql::kDueInLane,     sqlite::sql::kExpiredLeases,
      sqlite::sql::kNextWake, sqlite::sql::kRunState,      sqlite::sql::kReleaseNode,
      sqlite::sql::kLease,    sqlite::sql::kStillSendable, sqlite::sql::kFinishRun};
  const std::string renew = std::string(sqlite::sql::kRenewLeasesPrefix) + "?, ?)";
  std::vector<const char*> all(std::begin(queries), std::end(queries));
  all.push_back(renew.c_str());
  for (const char* sql : all) {
    auto q = conn->Prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    std::string plan;
    while (q.Step()) plan += q.Text(3) + "\n";
    SCOPED_TRACE(std::string(sql) + "\nplan:\n" + plan);
    std::size_t at = 0;
    while ((at = plan.find("SCAN ", at)) != std::string::npos) {
      std::string line = plan.substr(at, plan.find('\n', at) - at);
      std::string table = line.substr(5, line.find(' ', 5) - 5);
      // Scanning a partial index of leased rows is fine: only running work is in it.
      // (Scanning the lanes, or a materialized subquery result, is fine too: one row per
      // sequence and mailbox.)
      if (table == "e" || table == "enrollments" || table == "s" || table == "sequences") {
        EXPECT_NE(line.find("USING INDEX enrollments_lease_"), std::string::npos) << line;
      }
      ++at;
    }
    EXPECT_EQ(plan.find("enrollments_list"), std::string::npos);  // listing indexes: unbounded
  }
}

// What keeps the per-email cost of the store down (docs/benchmarks.md), checked where a
// refactoring could quietly lose it.
TEST(SqliteStore, TheWriterCheckpointsRarelyAndNoConnectionKeepsMemoryStatistics) {
  auto opened = OpenSqliteStore(TempDir::NewFile());
  ASSERT_TRUE(opened.ok());
  auto& store = static_cast<sqlite::SqliteStore&>(**opened);
  auto pages = store.writer().Run<std::int64_t>([](sqlite::Connection& c) -> Result<std::int64_t> {
    auto q = c.Prepare("PRAGMA wal_autocheckpoint");
    q.Step();
    return q.Int(0);
  });
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(*pages, 10000);
  ASSERT_TRUE(store.CreateUser("alice", "", At(0)).ok());
  EXPECT_TRUE(store.FindUserByName("alice"));
  // With statistics on, every allocation takes SQLite's one process-wide mutex.
  EXPECT_EQ(sqlite3_memory_used(), 0);
}

TEST(SqliteStore, SecretsSurviveAReopenAndAreSharedByEveryNode) {
  fs::path file = TempDir::NewFile();
  std::string secret;
  {
    auto store = OpenSqliteStore(file);
    ASSERT_TRUE(store.ok());
    auto made = (*store)->GetOrCreateSecret("unsubscribe");
    ASSERT_TRUE(made.ok());
    secret = *made;
  }
  // Two nodes on one database file: both see the one secret.
  auto a = OpenSqliteStore(file);
  auto b = OpenSqliteStore(file);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*(*a)->GetOrCreateSecret("unsubscribe"), secret);
  EXPECT_EQ(*(*b)->GetOrCreateSecret("unsubscribe"), secret);
  // A secret first asked for by two nodes at once is still one secret.
  std::string from_a, from_b;
  std::thread ta([&] { from_a = *(*a)->GetOrCreateSecret("race"); });
  std::thread tb([&] { from_b = *(*b)->GetOrCreateSecret("race"); });
  ta.join();
  tb.join();
  EXPECT_EQ(from_a.size(), 32u);
  EXPECT_EQ(from_a, from_b);
}

TEST(SqliteStore, MigratesAVersion1DatabaseToSecrets) {
  fs::path file = TempDir::NewFile();
  {
    // What a release with only migration 1 left behind.
    auto conn = sqlite::Connection::Open(file, {});
    ASSERT_EQ(sqlite::MigrateTo(*conn, 1), 1);
  }
  auto store = OpenSqliteStore(file);
  ASSERT_TRUE(store.ok());
  auto secret = (*store)->GetOrCreateSecret("unsubscribe");
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->size(), 32u);
  auto conn = sqlite::Connection::Open(file, {});
  EXPECT_EQ(Scalar(*conn, "SELECT MAX(version) FROM schema_version"),
            sqlite::LatestSchemaVersion());
  // Stored as hex text, readable with the sqlite3 shell.
  EXPECT_EQ(Scalar(*conn, "SELECT length(value) FROM secrets WHERE name = 'unsubscribe'"), 64);
}

}  // namespace
}  // namespace mailmark

namespace mailmark {
namespace {

// A database from before sending limits (schema 5) with a contact mid-way: after the upgrade
// the contact is pinned to its sequence's mailbox, its lane exists, it is claimed as before,
// and bounce protection judges only what is sent from now on (old failures, which may be
// anything from removed steps to exhausted retries, cannot pause the mailbox at once).
TEST(SqliteStore, MigratesADatabaseWithContactsToSendingLimits) {
  fs::path file = TempDir::NewFile();
  {
    auto conn = sqlite::Connection::Open(file, {});
    ASSERT_EQ(sqlite::MigrateTo(*conn, 5), 5);
    conn->Exec(
        "INSERT INTO users VALUES ('usr_1', 'alice', '', 0);"
        "INSERT INTO mailboxes (id, owner_id, name, from_name, from_email, transport, "
        "  daily_limit, created_at, updated_at) "
        "  VALUES ('mbx_1', 'usr_1', 'Sales', 'A', 'a@x.test', 'outbox', 5, 0, 0);"
        "INSERT INTO sequences VALUES ('seq_1', 'mbx_1', 'S', 'active', "
        "  '[{\"id\":\"s1\",\"type\":\"send_email\",\"subject\":\"Hi\",\"html\":\"<p>x</p>\"},"
        "    {\"id\":\"s2\",\"type\":\"send_email\",\"subject\":\"\",\"html\":\"<p>y</p>\"}]', 0, "
        "0);"
        "INSERT INTO enrollments (id, sequence_id, contact_email, status, last_step_id, "
        "  next_run_at, created_at, updated_at) "
        "  VALUES ('enr_1', 'seq_1', 'bob@example.com', 'active', 's1', 1000, 0, 0);"
        "INSERT INTO messages (id, enrollment_id, step_id, message_id, subject, state, "
        "  response, created_at, sent_at) VALUES ('msg_1', 'enr_1', 's1', '<m1@x.test>', 'Hi', "
        "  'failed', '550 no', 10, NULL);");
  }
  auto opened = OpenSqliteStore(file);
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  auto e = store.GetEnrollment("enr_1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->mailbox_id, "mbx_1");
  auto m = store.GetMailbox("mbx_1");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->timezone, "UTC");
  EXPECT_EQ(m->status, MailboxStatus::kActive);
  ASSERT_TRUE(m->bounce_protection);
  EXPECT_EQ(*m->bounce_protection, (BounceProtection{10, 50}));
  EXPECT_EQ(store.GetSequence("seq_1")->rotation, std::vector<Id>{});
  EXPECT_FALSE(store.GetSequence("seq_1")->schedule);
  auto usage = store.GetMailboxUsage("mbx_1", FromMillis(2000));
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->recent_sends, 0);
  EXPECT_EQ(usage->recent_bounced, 0);
  auto claimed = store.ClaimDue(FromMillis(2000), "n", FromMillis(62'000), 10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].enrollment.id, "enr_1");
  EXPECT_EQ(store.FindSentMessage("<m1@x.test>")->mailbox_id, "mbx_1");
}

}  // namespace
}  // namespace mailmark

// ---- secrets at rest --------------------------------------------------------------------------

namespace mailmark {
namespace {

SqliteStoreOptions Sealed(const SecretBox& key) {
  SqliteStoreOptions o;
  o.sealing_key = key;
  o.sealing_key_source = "/keys/test.key";
  return o;
}

std::string RawText(const fs::path& file, const std::string& sql) {
  auto conn = sqlite::Connection::Open(file, {});
  auto q = conn->Prepare(sql);
  return q.Step() ? q.Text(0) : std::string();
}

std::string FileBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Mailbox MailboxWithPasswords(const Id& owner, const std::string& smtp, const std::string& imap) {
  Mailbox m;
  m.owner_id = owner;
  m.name = "Sales";
  m.from_name = "Alice";
  m.from_email = "alice@sender.example";
  m.transport = TransportType::kSmtp;
  m.smtp = SmtpSettings{"smtp.example", 587, TlsMode::kStartTls, true, "alice", smtp, ""};
  m.imap = ImapSettings{"imap.example", 993, TlsMode::kTls, "alice", imap, "INBOX"};
  m.created_at = m.updated_at = At(0);
  return m;
}

TEST(SqliteSealedStore, PasswordsAndSecretsAreSealedAtRestAndComeBackInClear) {
  fs::path file = TempDir::NewFile();
  SecretBox key = SecretBox::Generate();
  Id mailbox;
  std::string secret;
  {
    auto opened = OpenSqliteStore(file, Sealed(key));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    auto user = store.CreateUser("alice", "", At(0));
    ASSERT_TRUE(user.ok());
    auto m = store.CreateMailbox(MailboxWithPasswords(user->id, "smtp-pass-1", "imap-pass-1"));
    ASSERT_TRUE(m.ok());
    mailbox = m->id;
    EXPECT_EQ(store.GetMailbox(mailbox)->smtp->password, "smtp-pass-1");
    EXPECT_EQ(store.ListMailboxes(user->id).at(0).imap->password, "imap-pass-1");
    EXPECT_EQ(store.ListImapMailboxes().at(0).imap->password, "imap-pass-1");
    Mailbox changed = *m;
    changed.smtp->password = "smtp-pass-2";
    ASSERT_TRUE(store.UpdateMailbox(changed).ok());
    secret = *store.GetOrCreateSecret("unsubscribe");
  }
  std::string smtp = RawText(file, "SELECT smtp FROM mailboxes");
  std::string imap = RawText(file, "SELECT imap FROM mailboxes");
  EXPECT_EQ(smtp.find("smtp-pass"), std::string::npos) << smtp;
  EXPECT_EQ(imap.find("imap-pass"), std::string::npos) << imap;
  EXPECT_NE(smtp.find("\"sealedPassword\":\"sb1:"), std::string::npos) << smtp;
  EXPECT_NE(smtp.find("smtp.example"), std::string::npos) << "only the password is sealed";
  EXPECT_EQ(RawText(file, "SELECT value FROM secrets WHERE name = 'unsubscribe'").rfind("sb1:", 0),
            0u);

  auto reopened = OpenSqliteStore(file, Sealed(key));
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ((*reopened)->GetMailbox(mailbox)->smtp->password, "smtp-pass-2");
  EXPECT_EQ((*reopened)->GetMailbox(mailbox)->imap->password, "imap-pass-1");
  EXPECT_EQ(*(*reopened)->GetOrCreateSecret("unsubscribe"), secret);
}

TEST(SqliteSealedStore, ADatabaseSealedUnderOneKeyIsRefusedWithAnotherOrNone) {
  fs::path file = TempDir::NewFile();
  SecretBox key = SecretBox::Generate();
  {
    auto opened = OpenSqliteStore(file, Sealed(key));
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->GetOrCreateSecret("unsubscribe").ok());
  }
  std::string before = RawText(file, "SELECT group_concat(value) FROM secrets");
  auto other = OpenSqliteStore(file, Sealed(SecretBox::Generate()));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "secret_key_mismatch");
  EXPECT_NE(other.error().message.find("/keys/test.key"), std::string::npos)
      << other.error().message;
  EXPECT_NE(other.error().message.find(file.string()), std::string::npos);
  auto none = OpenSqliteStore(file);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "secret_key_mismatch");
  EXPECT_EQ(RawText(file, "SELECT group_concat(value) FROM secrets"), before) << "never re-keyed";
  EXPECT_TRUE(OpenSqliteStore(file, Sealed(key)).ok());
}

TEST(SqliteSealedStore, APlainDatabaseIsSealedWhenFirstOpenedWithAKey) {
  fs::path file = TempDir::NewFile();
  Id mailbox;
  std::string secret;
  {
    // As a release before sealing wrote it; edits leave old copies in the pages' free space.
    auto opened = OpenSqliteStore(file);
    ASSERT_TRUE(opened.ok());
    Store& store = **opened;
    auto user = store.CreateUser("alice", "", At(0));
    auto m = store.CreateMailbox(MailboxWithPasswords(user->id, "old-smtp-secret", "imap-secret"));
    ASSERT_TRUE(m.ok());
    mailbox = m->id;
    Mailbox changed = *m;
    changed.smtp->password = "clear-smtp-secret";
    changed.name = "Sales, renamed to move the row";
    ASSERT_TRUE(store.UpdateMailbox(changed).ok());
    secret = *store.GetOrCreateSecret("unsubscribe");
  }
  {
    // A mailbox deleted by an SQLite built without SECURE_DELETE (Debian's has it on).
    auto conn = sqlite::Connection::Open(file, {});
    conn->Exec("PRAGMA secure_delete = OFF");
    conn->Exec(
        "INSERT INTO mailboxes (id, owner_id, name, from_name, from_email, transport, smtp, "
        "created_at, updated_at) SELECT 'mbx_gone', owner_id, 'Gone', '', 'g@x.example', "
        "'smtp', '{\"password\":\"deleted-secret\"}', 0, 0 FROM mailboxes LIMIT 1");
    conn->Exec("DELETE FROM mailboxes WHERE id = 'mbx_gone'");
  }
  ASSERT_NE(RawText(file, "SELECT smtp FROM mailboxes").find("clear-smtp-secret"),
            std::string::npos);
  ASSERT_NE(FileBytes(file).find("deleted-secret"), std::string::npos)
      << "a deleted mailbox's password lingers in free space, as the scrub below must remove";
  std::string clear_hex = RawText(file, "SELECT value FROM secrets WHERE name = 'unsubscribe'");

  SecretBox key = SecretBox::Generate();
  auto opened = OpenSqliteStore(file, Sealed(key));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  std::string smtp = RawText(file, "SELECT smtp FROM mailboxes");
  EXPECT_EQ(smtp.find("secret"), std::string::npos) << smtp;
  EXPECT_EQ(RawText(file, "SELECT imap FROM mailboxes").find("imap-secret"), std::string::npos);
  EXPECT_EQ(RawText(file, "SELECT value FROM secrets WHERE name = 'unsubscribe'").rfind("sb1:", 0),
            0u);
  // Nor anywhere else in the files: free space and the WAL are scrubbed too.
  for (const char* suffix : {"", "-wal"}) {
    std::string bytes = FileBytes(file.string() + suffix);
    for (const std::string& clear :
         {std::string("old-smtp-secret"), std::string("clear-smtp-secret"),
          std::string("deleted-secret"), std::string("imap-secret"), clear_hex})
      EXPECT_EQ(bytes.find(clear), std::string::npos) << clear << " in " << file << suffix;
  }
  EXPECT_EQ((*opened)->GetMailbox(mailbox)->smtp->password, "clear-smtp-secret");
  EXPECT_EQ((*opened)->GetMailbox(mailbox)->imap->password, "imap-secret");
  EXPECT_EQ(*(*opened)->GetOrCreateSecret("unsubscribe"), secret);
}

TEST(SqliteSealedStore, AnAlteredSealedValueIsNeverReadAsAnotherOne) {
  fs::path file = TempDir::NewFile();
  SecretBox key = SecretBox::Generate();
  Id mailbox;
  {
    auto opened = OpenSqliteStore(file, Sealed(key));
    ASSERT_TRUE(opened.ok());
    auto user = (*opened)->CreateUser("alice", "", At(0));
    mailbox = (*opened)->CreateMailbox(MailboxWithPasswords(user->id, "s", "i"))->id;
  }
  {
    // One character of the sealed password changed, as a bad disk or a hand edit would.
    auto conn = sqlite::Connection::Open(file, {});
    std::string smtp = RawText(file, "SELECT smtp FROM mailboxes");
    auto at = smtp.find("sb1:") + 10;
    smtp[at] = smtp[at] == 'A' ? 'B' : 'A';
    conn->Prepare("UPDATE mailboxes SET smtp = ?").Bind(smtp).Run();
  }
  auto opened = OpenSqliteStore(file, Sealed(key));
  ASSERT_TRUE(opened.ok());
  EXPECT_FALSE((*opened)->GetMailbox(mailbox)) << "a read that fails, not a wrong password";
  {
    auto conn = sqlite::Connection::Open(file, {});
    conn->Prepare("UPDATE secrets SET value = ? WHERE name = 'mailmark.key_check'")
        .Bind(key.Seal("something else"))
        .Run();
  }
  EXPECT_EQ(OpenSqliteStore(file, Sealed(key)).error().code, "secret_key_mismatch");
}

TEST(SqliteStore, DatabaseFilesAreTheOwnersOnly) {
  mode_t old_umask = ::umask(022);
  auto mode = [](const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  };
  fs::path file = TempDir::NewFile();
  {
    auto opened = OpenSqliteStore(file);
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->CreateUser("alice", "", At(0)).ok());
    EXPECT_EQ(mode(file), 0600u);
    EXPECT_EQ(mode(file.string() + "-wal"), 0600u);
    EXPECT_EQ(mode(file.string() + "-shm"), 0600u);
  }
  // Left readable by an older release: tightened at the next open.
  fs::permissions(file, fs::perms(0644));
  auto reopened = OpenSqliteStore(file);
  ASSERT_TRUE(reopened.ok());
  ASSERT_TRUE((*reopened)->CreateUser("bob", "", At(0)).ok());
  EXPECT_EQ(mode(file), 0600u);
  EXPECT_EQ(mode(file.string() + "-wal"), 0600u);
  ::umask(old_umask);
}

}  // namespace
}  // namespace mailmark
