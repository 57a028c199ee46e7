#pragma once
// Group commit: many small write transactions made durable by one commit.
//
// A durable commit waits for the disk (an fsync: a few hundred per second on
// ordinary disks), so one commit per request caps writes at that rate. A
// GroupCommit owns one connection and one writer thread; callers queue their
// work, the thread runs everything queued in ONE transaction — each piece of
// work inside its own SAVEPOINT, so a piece that fails or asks to be undone is
// rolled back alone — commits once, and only then wakes the callers. Nothing
// is acknowledged before the commit that holds it is durable.
//
// For SQLite, whose writers take turns anyway (one at a time), this turns N
// fsyncs into one without losing any concurrency. PostgreSQL groups the WAL
// flushes of concurrent committers by itself and does not need it.
//
// Thread-safe.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "db/database.h"

namespace fupin::db {

class GroupCommit {
 public:
  // Work on the shared transaction. Return true to keep its changes, false to
  // roll them back (its savepoint); a db::DbError it throws also rolls them
  // back and is reported to its caller as kUnavailable (another exception:
  // kInternal).
  using Work = std::function<bool(Connection&)>;

  // Opens its own connection to `url`. `max_batch`: most pieces per commit.
  static Result<std::unique_ptr<GroupCommit>> Open(const std::string& url, int max_batch = 256);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues `work` and waits until its batch has committed (or failed).
  // Ok: the work ran, and what it kept is durable. kUnavailable: the work
  // threw, or the batch could not commit — then nothing of it was kept.
  Status Run(Work work);

  // Batches committed and pieces run so far (for metrics and tests).
  int64_t commits() const;
  int64_t pieces() const;

 private:
  struct Job;
  explicit GroupCommit(std::unique_ptr<Connection> conn, int max_batch);
  void Loop();

  std::unique_ptr<Connection> conn_;
  int max_batch_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  bool stop_ = false;
  int64_t commits_ = 0;
  int64_t pieces_ = 0;
  std::thread thread_;
};

}  // namespace fupin::db
