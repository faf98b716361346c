#include "store/sqlite/write_queue.h"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "core/ids.h"

namespace mailmark::sqlite {
namespace {

namespace fs = std::filesystem;

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = fs::temp_directory_path() / ("mm-wq-" + RandomHex(6) + ".db");
    auto conn = Connection::Open(file_, {});
    conn->Exec("PRAGMA journal_mode = WAL");
    conn->Exec("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    queue_ = std::make_unique<WriteQueue>(std::move(conn));
  }
  void TearDown() override {
    queue_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file_.string() + suffix);
  }
  std::vector<std::int64_t> Rows() {
    auto conn = Connection::Open(file_, {});
    auto q = conn->Prepare("SELECT v FROM t ORDER BY v");
    std::vector<std::int64_t> rows;
    while (q.Step()) rows.push_back(q.Int(0));
    return rows;
  }

  fs::path file_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, EachJobRollsBackAloneInsideOneCommit) {
  auto insert = [](std::int64_t v) {
    return [v](Connection& c) -> Status {
      c.Prepare("INSERT INTO t (v) VALUES (?)").Bind(v).Run();
      return Ok{};
    };
  };
  std::vector<std::function<Status(Connection&)>> jobs = {
      insert(1),
      [](Connection& c) -> Status {  // writes, then fails: its row must vanish
        c.Prepare("INSERT INTO t (v) VALUES (2)").Run();
        return MakeError(ErrorKind::kConflict, "nope", "refused");
      },
      [](Connection& c) -> Status {  // writes, then throws
        c.Prepare("INSERT INTO t (v) VALUES (3)").Run();
        throw std::runtime_error("boom");
      },
      [](Connection& c) -> Status {  // an SQL error (duplicate key) after a write
        c.Prepare("INSERT INTO t (v) VALUES (4)").Run();
        c.Prepare("INSERT INTO t (v) VALUES (1)").Run();
        return Ok{};
      },
      insert(5),
  };
  const auto before = queue_->Stats();
  std::vector<std::optional<Status>> results(jobs.size());
  std::vector<std::thread> threads;
  {
    WriteQueue::Hold hold(*queue_);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = queue_->Run<Ok>(jobs[i]); });
      queue_->WaitQueued(i + 1);
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(results[0]->ok());
  EXPECT_EQ(results[1]->error().code, "nope");
  EXPECT_EQ(results[2]->error().code, "storage_error");
  EXPECT_EQ(results[3]->error().code, "storage_error");
  EXPECT_EQ(results[3]->error().kind, ErrorKind::kInternal);
  EXPECT_TRUE(results[4]->ok());
  EXPECT_EQ(Rows(), (std::vector<std::int64_t>{1, 5}));
  EXPECT_EQ(queue_->Stats().commits - before.commits, 1);
  EXPECT_EQ(queue_->Stats().jobs - before.jobs, 5);
}

// A job alone in its batch runs without a savepoint: its failure rolls back the transaction,
// which must undo its writes just the same and leave its own result standing.
TEST_F(WriteQueueTest, AJobAloneInItsBatchRollsBackAloneToo) {
  auto refused = queue_->Run<Ok>([](Connection& c) -> Status {
    c.Prepare("INSERT INTO t (v) VALUES (1)").Run();
    return MakeError(ErrorKind::kConflict, "nope", "refused");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "nope");
  auto thrown = queue_->Run<Ok>([](Connection& c) -> Status {
    c.Prepare("INSERT INTO t (v) VALUES (2)").Run();
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error().code, "storage_error");
  auto kept = queue_->Run<int>([](Connection& c) -> Result<int> {
    c.Prepare("INSERT INTO t (v) VALUES (3)").Run();
    return 3;
  });
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(Rows(), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(queue_->Stats().jobs, 3);
}

TEST_F(WriteQueueTest, ReturnsValuesAndDrainsOnDestruction) {
  auto r = queue_->Run<int>([](Connection& c) -> Result<int> {
    c.Prepare("INSERT INTO t (v) VALUES (7)").Run();
    return 42;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([this, i] {
      auto st = queue_->Run<Ok>([i](Connection& c) -> Status {
        c.Prepare("INSERT INTO t (v) VALUES (?)").Bind(100 + i).Run();
        return Ok{};
      });
      EXPECT_TRUE(st.ok());
    });
  for (auto& t : threads) t.join();
  queue_.reset();
  EXPECT_EQ(Rows().size(), 21u);
}

}  // namespace
}  // namespace mailmark::sqlite
