#pragma once
// A fixed-size pool of connections to one database, shared by the server's
// worker threads. A Lease hands one connection to one thread and gives it back
// when destroyed. Thread-safe.
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "db/database.h"

namespace fupin::db {

class Pool {
 public:
  // Opens `size` connections to `url` (see db::Open). Errors as db::Open.
  static Result<std::unique_ptr<Pool>> Open(const std::string& url, int size);

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }
    // The connection failed in a way that may have broken it (a db::DbError):
    // it is closed instead of returned, and reopened by the next Acquire().
    void Discard() { broken_ = true; }

   private:
    friend class Pool;
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
    bool broken_ = false;
  };

  // Waits for a free connection. kUnavailable when a broken connection cannot
  // be reopened.
  Result<Lease> Acquire();

  int size() const { return size_; }
  int in_use() const;
  Dialect dialect() const { return dialect_; }
  const std::string& url() const { return url_; }

 private:
  Pool(std::string url, int size, Dialect dialect) : url_(std::move(url)), size_(size), dialect_(dialect) {}
  void Return(std::unique_ptr<Connection> conn);

  std::string url_;
  int size_;
  Dialect dialect_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> free_;  // nullptr entries: to reopen
  int in_use_ = 0;
};

// Runs `body(conn)` (returning Result<T>) on a connection leased from `pool`.
// A db::DbError it throws discards the connection (it may be broken; the next
// Acquire reopens it), is logged to stderr under `who`, and comes back as
// kUnavailable. The one place the services turn database failures into errors.
template <typename T, typename F>
Result<T> WithConnection(Pool& pool, const char* who, F&& body) {
  Result<Pool::Lease> lease = pool.Acquire();
  if (!lease) return lease.error();
  try {
    return body(**lease);
  } catch (const DbError& e) {
    lease->Discard();
    std::fprintf(stderr, "fupin: %s: database error: %s\n", who, e.what());
    return Error::Unavailable("the database failed to answer; try again");
  }
}

}  // namespace fupin::db
