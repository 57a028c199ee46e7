#include "db/pool.h"

namespace fupin::db {

Result<std::unique_ptr<Pool>> Pool::Open(const std::string& url, int size) {
  if (size < 1) return Error::Invalid("the pool needs at least one connection", "size");
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < size; ++i) {
    Result<std::unique_ptr<Connection>> conn = db::Open(url);
    if (!conn) return conn.error();
    conns.push_back(std::move(conn.value()));
  }
  Dialect dialect = conns.front()->dialect();
  std::unique_ptr<Pool> pool(new Pool(url, size, dialect));
  pool->free_ = std::move(conns);
  return pool;
}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

Pool::Lease::~Lease() {
  if (pool_ == nullptr) return;
  if (broken_) conn_.reset();
  pool_->Return(std::move(conn_));
}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_ptr<Connection> conn;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    conn = std::move(free_.back());
    free_.pop_back();
    ++in_use_;
  }
  if (conn == nullptr) {
    Result<std::unique_ptr<Connection>> reopened = db::Open(url_);
    if (!reopened) {
      Return(nullptr);
      return reopened.error();
    }
    conn = std::move(reopened.value());
  }
  return Lease(this, std::move(conn));
}

void Pool::Return(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(conn));
    --in_use_;
  }
  cv_.notify_one();
}

int Pool::in_use() const {
  std::lock_guard lock(mu_);
  return in_use_;
}

}  // namespace fupin::db
