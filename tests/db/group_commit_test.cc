// Group commit on both databases: pieces share commits, each piece that fails
// or asks to be undone is rolled back alone, and a caller returns only after
// its batch committed.
#include "db/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "testing/test_db.h"

namespace fupin::db {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;

class GroupCommitTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { scratch_.conn().Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, note TEXT)"); }
  int64_t Count(const std::string& where = "1 = 1") {
    return *QueryInt(scratch_.conn(), "SELECT COUNT(*) FROM t WHERE " + where);
  }
  ScratchDb scratch_{GetParam()};
};

TEST_P(GroupCommitTest, ManyWritersShareCommitsAndEachKeepsOrUndoesItsOwnWork) {
  auto group = GroupCommit::Open(scratch_.url());
  ASSERT_TRUE(group.ok()) << group.error().message;
  constexpr int kThreads = 16, kEach = 40;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        int64_t id = t * 1000 + i;
        Status s = (*group)->Run([&](Connection& conn) {
          auto st = conn.Prepare("INSERT INTO t (id, note) VALUES (?, ?)");
          st->Bind(1, id).Bind(2, i % 5 == 0 ? "undo" : "keep");
          st->Run();
          if (i % 7 == 3) conn.Exec("INSERT INTO no_such_table VALUES (1)");  // throws: rolled back alone
          return i % 5 != 0;                                                 // every fifth asks to be undone
        });
        if (s) {
          ++ok;
          // Acknowledged means committed: another connection sees it now.
          auto other = scratch_.Connect();
          auto q = other->Prepare("SELECT COUNT(*) FROM t WHERE id = ?");
          q->Bind(1, id);
          ASSERT_TRUE(q->Step());
          EXPECT_EQ(q->Int(0), i % 5 == 0 ? 0 : 1) << id;
        } else {
          ++failed;
          EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  int thrown = 0, undone_only = 0;
  for (int i = 0; i < kEach; ++i) {
    if (i % 7 == 3) {
      ++thrown;
    } else if (i % 5 == 0) {
      ++undone_only;
    }
  }
  EXPECT_EQ(failed.load(), kThreads * thrown);
  EXPECT_EQ(ok.load(), kThreads * (kEach - thrown));
  EXPECT_EQ(Count(), kThreads * (kEach - thrown - undone_only));
  EXPECT_EQ(Count("note = 'undo'"), 0);
  EXPECT_EQ((*group)->pieces(), kThreads * kEach);
  EXPECT_LE((*group)->commits(), (*group)->pieces());
}

TEST_P(GroupCommitTest, AFailedCommitKeepsNothingOfItsBatch) {
  auto group = GroupCommit::Open(scratch_.url());
  ASSERT_TRUE(group.ok());
  // The piece itself ends the transaction, so COMMIT fails: the caller hears it.
  Status s = (*group)->Run([](Connection& conn) {
    conn.Exec("INSERT INTO t (id, note) VALUES (1, 'x')");
    conn.Exec("RELEASE piece");
    conn.Exec("ROLLBACK");
    return true;
  });
  EXPECT_FALSE(s);
  EXPECT_EQ(Count(), 0);
  // The writer carries on.
  EXPECT_TRUE((*group)->Run([](Connection& conn) {
    conn.Exec("INSERT INTO t (id, note) VALUES (2, 'y')");
    return true;
  }));
  EXPECT_EQ(Count(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::db
