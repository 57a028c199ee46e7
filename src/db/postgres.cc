#include "db/postgres.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <unordered_map>

#include <fmt/format.h>

namespace fupin::db {

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += fmt::format("${}", ++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

std::string ResultError(PGconn* conn, PGresult* res) {
  const char* msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  std::string s = msg ? msg : "unknown error";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return "PostgreSQL: " + s;
}

class PgStatement : public Statement {
 public:
  PgStatement(PGconn* conn, std::string name, int nparams)
      : conn_(conn), name_(std::move(name)), values_(static_cast<size_t>(nparams)),
        nulls_(static_cast<size_t>(nparams), true) {}
  ~PgStatement() override { Drain(); }

  Statement& Bind(int index, int64_t value) override {
    Rearm();
    Slot(index) = fmt::format("{}", value);
    nulls_[static_cast<size_t>(index - 1)] = false;
    return *this;
  }
  Statement& Bind(int index, std::string_view value) override {
    Rearm();
    Slot(index).assign(value);
    nulls_[static_cast<size_t>(index - 1)] = false;
    return *this;
  }
  Statement& BindNull(int index) override {
    Rearm();
    Slot(index).clear();
    nulls_[static_cast<size_t>(index - 1)] = true;
    return *this;
  }

  bool Step() override {
    if (finished_) Rearm();
    if (!started_) Start();
    if (row_) {
      PQclear(row_);
      row_ = nullptr;
    }
    while (PGresult* res = PQgetResult(conn_)) {
      ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_SINGLE_TUPLE) {
        row_ = res;
        return true;
      }
      if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        const char* n = PQcmdTuples(res);
        changes_ = (n && *n) ? std::atoll(n) : 0;
        PQclear(res);
        continue;
      }
      std::string message = ResultError(conn_, res);
      PQclear(res);
      Drain();
      finished_ = true;
      throw DbError(message);
    }
    finished_ = true;
    return false;
  }
  bool IsNull(int column) override { return PQgetisnull(row_, 0, column); }
  int64_t Int(int column) override {
    const char* p = PQgetvalue(row_, 0, column);
    int len = PQgetlength(row_, 0, column);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(p, p + len, v);
    if (ec != std::errc()) {
      // Aggregates such as SUM() come back as NUMERIC text; accept "12.0".
      v = static_cast<int64_t>(std::strtoll(p, nullptr, 10));
    }
    return v;
  }
  std::string Text(int column) override {
    return std::string(PQgetvalue(row_, 0, column), static_cast<size_t>(PQgetlength(row_, 0, column)));
  }
  int64_t Changes() override { return changes_; }

 private:
  std::string& Slot(int index) {
    if (index < 1 || index > static_cast<int>(values_.size())) {
      throw DbError(fmt::format("parameter {} out of range (statement has {})", index, values_.size()));
    }
    return values_[static_cast<size_t>(index - 1)];
  }
  void Start() {
    std::vector<const char*> params(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) params[i] = nulls_[i] ? nullptr : values_[i].c_str();
    if (!PQsendQueryPrepared(conn_, name_.c_str(), static_cast<int>(params.size()), params.data(), nullptr, nullptr,
                             0)) {
      throw DbError(ResultError(conn_, nullptr));
    }
    PQsetSingleRowMode(conn_);
    started_ = true;
  }
  void Rearm() {
    if (started_) {
      Drain();
      started_ = false;
      finished_ = false;
    }
  }
  void Drain() {
    if (row_) {
      PQclear(row_);
      row_ = nullptr;
    }
    if (started_ && !finished_) {
      while (PGresult* res = PQgetResult(conn_)) PQclear(res);
      finished_ = true;
    }
  }

  PGconn* conn_;
  std::string name_;
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  PGresult* row_ = nullptr;
  bool started_ = false;
  bool finished_ = false;
  int64_t changes_ = 0;
};

class PgBulk : public BulkWriter {
 public:
  explicit PgBulk(PGconn* conn) : conn_(conn) {}
  ~PgBulk() override {
    if (!finished_) PQputCopyEnd(conn_, "aborted");
    while (PGresult* res = PQgetResult(conn_)) PQclear(res);
  }
  BulkWriter& Int(int64_t value) override {
    Sep();
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
    buf_.append(buf, p);
    return *this;
  }
  BulkWriter& Text(std::string_view value) override {
    Sep();
    for (char c : value) {
      switch (c) {
        case '\\': buf_ += "\\\\"; break;
        case '\t': buf_ += "\\t"; break;
        case '\n': buf_ += "\\n"; break;
        case '\r': buf_ += "\\r"; break;
        default: buf_.push_back(c);
      }
    }
    return *this;
  }
  BulkWriter& Null() override {
    Sep();
    buf_ += "\\N";
    return *this;
  }
  void EndRow() override {
    buf_.push_back('\n');
    first_ = true;
    if (buf_.size() > (1 << 20)) Flush();
  }
  void Finish() override {
    Flush();
    finished_ = true;
    if (PQputCopyEnd(conn_, nullptr) != 1) throw DbError(ResultError(conn_, nullptr));
    std::string error;
    while (PGresult* res = PQgetResult(conn_)) {
      if (PQresultStatus(res) != PGRES_COMMAND_OK && error.empty()) error = ResultError(conn_, res);
      PQclear(res);
    }
    if (!error.empty()) throw DbError(error);
  }

 private:
  void Sep() {
    if (!first_) buf_.push_back('\t');
    first_ = false;
  }
  void Flush() {
    if (buf_.empty()) return;
    if (PQputCopyData(conn_, buf_.data(), static_cast<int>(buf_.size())) != 1) {
      throw DbError(ResultError(conn_, nullptr));
    }
    buf_.clear();
  }
  PGconn* conn_;
  std::string buf_;
  bool first_ = true;
  bool finished_ = false;
};

class PgConnection : public Connection {
 public:
  PgConnection(PGconn* conn, std::string described) : conn_(conn), described_(std::move(described)) {}
  ~PgConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  void Exec(std::string_view sql) override {
    std::string s(sql);
    PGresult* res = PQexec(conn_, s.c_str());
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string message = ResultError(conn_, res);
      PQclear(res);
      throw DbError(message);
    }
    PQclear(res);
  }
  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    std::string text = RewritePlaceholders(sql);
    auto it = prepared_.find(text);
    std::string name;
    int nparams;
    if (it != prepared_.end()) {
      name = it->second.first;
      nparams = it->second.second;
    } else {
      name = fmt::format("s{}", prepared_.size() + 1);
      PGresult* res = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        std::string message = ResultError(conn_, res);
        PQclear(res);
        throw DbError(message + " in: " + text);
      }
      PQclear(res);
      PGresult* desc = PQdescribePrepared(conn_, name.c_str());
      nparams = PQnparams(desc);
      PQclear(desc);
      prepared_.emplace(text, std::make_pair(name, nparams));
    }
    return std::make_unique<PgStatement>(conn_, name, nparams);
  }
  std::unique_ptr<BulkWriter> Bulk(std::string_view table, const std::vector<std::string>& columns) override {
    std::string sql = fmt::format("COPY {} (", table);
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? "," : "") + columns[i];
    sql += ") FROM STDIN";
    PGresult* res = PQexec(conn_, sql.c_str());
    if (PQresultStatus(res) != PGRES_COPY_IN) {
      std::string message = ResultError(conn_, res);
      PQclear(res);
      throw DbError(message);
    }
    PQclear(res);
    return std::make_unique<PgBulk>(conn_);
  }
  void BeginWrite() override { Exec("BEGIN"); }
  std::string Describe() const override { return described_; }

 private:
  PGconn* conn_;
  std::string described_;
  std::unordered_map<std::string, std::pair<std::string, int>> prepared_;
};

// The URL without a password, for messages.
std::string Redact(std::string_view url) {
  std::string s(url);
  size_t scheme = s.find("://");
  size_t at = s.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return s;
  size_t colon = s.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  return s;
}

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(std::string_view url) {
  std::string u(url);
  PGconn* conn = PQconnectdb(u.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(conn);
    return Error::Unavailable(fmt::format("cannot connect to PostgreSQL at {}: {}", Redact(url), message));
  }
  auto pg = std::make_unique<PgConnection>(conn, Redact(url));
  try {
    pg->Exec("SET client_min_messages = warning");
    pg->Exec("SET client_encoding = 'UTF8'");
  } catch (const DbError& e) {
    return Error::Unavailable(e.what());
  }
  return std::unique_ptr<Connection>(std::move(pg));
}

}  // namespace fupin::db
