#include "db/group_commit.h"

#include <cstdio>
#include <exception>
#include <vector>

namespace fupin::db {

struct GroupCommit::Job {
  Work work;
  bool done = false;
  Status status;
  std::condition_variable cv;
};

Result<std::unique_ptr<GroupCommit>> GroupCommit::Open(const std::string& url, int max_batch) {
  Result<std::unique_ptr<Connection>> conn = db::Open(url);
  if (!conn) return conn.error();
  return std::unique_ptr<GroupCommit>(new GroupCommit(std::move(*conn), max_batch < 1 ? 1 : max_batch));
}

GroupCommit::GroupCommit(std::unique_ptr<Connection> conn, int max_batch)
    : conn_(std::move(conn)), max_batch_(max_batch), thread_([this] { Loop(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Status GroupCommit::Run(Work work) {
  Job job;
  job.work = std::move(work);
  std::unique_lock lock(mu_);
  if (stop_) return Error::Unavailable("the database writer is shutting down");
  queue_.push_back(&job);
  wake_.notify_one();
  job.cv.wait(lock, [&] { return job.done; });
  return job.status;
}

int64_t GroupCommit::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

int64_t GroupCommit::pieces() const {
  std::lock_guard lock(mu_);
  return pieces_;
}

void GroupCommit::Loop() {
  while (true) {
    std::vector<Job*> batch;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    // Each piece's outcome before the commit; the commit decides the rest.
    std::vector<Status> outcome(batch.size());
    bool committed = false;
    try {
      conn_->BeginWrite();
      for (size_t i = 0; i < batch.size(); ++i) {
        conn_->Exec("SAVEPOINT piece");
        bool keep = false;
        try {
          keep = batch[i]->work(*conn_);
        } catch (const DbError& e) {
          std::fprintf(stderr, "fupin: group commit: database error: %s\n", e.what());
          outcome[i] = Error::Unavailable("the database failed to answer; try again");
        } catch (const std::exception& e) {
          // Not the database's fault: this piece fails alone, the writer lives on.
          std::fprintf(stderr, "fupin: group commit: a request failed: %s\n", e.what());
          outcome[i] = Error::Internal("the request failed on the server");
        }
        if (!keep) conn_->Exec("ROLLBACK TO piece");
        conn_->Exec("RELEASE piece");
      }
      conn_->Exec("COMMIT");
      committed = true;
    } catch (const DbError& e) {
      std::fprintf(stderr, "fupin: group commit: the batch failed: %s\n", e.what());
      try {
        conn_->Exec("ROLLBACK");
      } catch (const DbError&) {
      }
    }
    std::lock_guard lock(mu_);
    if (committed) {
      ++commits_;
      pieces_ += static_cast<int64_t>(batch.size());
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->status = committed ? outcome[i] : Status(Error::Unavailable("the database failed to commit; try again"));
      batch[i]->done = true;
      batch[i]->cv.notify_one();
    }
  }
}

}  // namespace fupin::db
